"""Keep credentials out of the logs: private links (30-day focal-point tokens) and staff invitations
travel in URLs, and URLs are what access logs write (request line, path, query, Referer).

`redact()` replaces every signed token (itsdangerous: payload.timestamp.signature, base64url) and
the value of any `token=` query parameter with "[token]". It is applied to the development server's
request log (the "werkzeug" logger) and, through `RedactingGunicornLogger` (gunicorn.conf.py), to
every atom of gunicorn's access log.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "[token]"

# itsdangerous URLSafeTimedSerializer output: an optional "." (compressed payload), base64url payload,
# base64url timestamp, base64url signature. Also matched inside percent-encoded values (next=%2Fmy%2F...).
_SIGNED = re.compile(r"\.?[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")
_QUERY = re.compile(r"(?i)((?:^|[?&;]|%3F|%26)token(?:=|%3D))[^&;\s\"]*")


def redact(text: str) -> str:
    """`text` with every private-link or invitation token replaced by "[token]"."""
    if not text:
        return text
    return _QUERY.sub(r"\1" + REDACTED, _SIGNED.sub(REDACTED, text))


class RedactingFilter(logging.Filter):
    """Rewrites a log record's message with redact() (for the development server's request log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


def install_werkzeug_filter() -> None:
    """Redact the development server's request lines (once per process)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger with tokens redacted from every access-log atom (request line, path, query,
    Referer, any request header) and from error-log messages."""

    def atoms(self, resp, req, environ, request_time):  # noqa: ANN001 - gunicorn's signature
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}

    def error(self, msg, *args, **kwargs):  # noqa: ANN001
        super().error(redact(str(msg)), *args, **kwargs)

    def warning(self, msg, *args, **kwargs):  # noqa: ANN001
        super().warning(redact(str(msg)), *args, **kwargs)
