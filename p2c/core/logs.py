"""Logging: a request id on every log line and response, plain or JSON lines (P2C_LOG_FORMAT=json).

The id comes from the X-Request-ID header when a proxy or client sent a sane one (so a request can be
followed from the load balancer to the database log), else a new random one. It is returned in the
X-Request-ID response header and shown on error pages, so a person reporting a problem can quote it.
"""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
PLAIN_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def request_id() -> str:
    """This request's id, or "-" outside a request (worker jobs, CLI commands)."""
    if has_request_context():
        return g.get("request_id", "-")
    return "-"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (a handler filter, so records of every logger get it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def make_handler(log_format: str, stream=None) -> logging.Handler:
    """A stream handler (stderr by default) writing "text" lines or "json" objects, each with the request id."""
    handler = logging.StreamHandler(stream)
    if log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                                           rename_fields={"levelname": "level", "asctime": "time"}))
    else:
        handler.setFormatter(logging.Formatter(PLAIN_FORMAT))
    handler.addFilter(RequestIdFilter())
    return handler


def configure_logging(app: Flask) -> None:
    """Root logging of the process: INFO, in LOG_FORMAT (P2C_LOG_FORMAT "text" or "json"), with request ids.

    The test suite keeps pytest's own capture handlers (only the level is set there).
    """
    root = logging.getLogger()
    if app.testing:
        logging.basicConfig(level=logging.WARNING)
        return
    if getattr(root, "_p2c_configured", False):
        return  # configured once per process
    root.handlers = [make_handler(app.config.get("LOG_FORMAT", "text"))]
    root.setLevel(logging.INFO)
    root._p2c_configured = True  # type: ignore[attr-defined]


def register_request_ids(app: Flask) -> None:
    """Give each request its id (before anything logs) and return it in the response."""

    def _assign() -> None:
        sent = request.headers.get(HEADER, "")
        g.request_id = sent if _SANE.fullmatch(sent) else uuid.uuid4().hex

    # First of all before-request hooks: the rate limiter and the input guard may log or refuse.
    app.before_request_funcs.setdefault(None, []).insert(0, _assign)

    @app.after_request
    def _echo(response):
        response.headers[HEADER] = request_id()
        return response

    @app.context_processor
    def _template_id() -> dict:
        return {"request_id": request_id() if has_request_context() else ""}
