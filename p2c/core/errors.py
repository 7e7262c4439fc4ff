"""Error handling: translated HTML error pages, JSON errors under /api, 503 when the database is away
(also when it goes away in the middle of a request: the session teardown never raises)."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from p2c.extensions import db

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A refusal a service raises for the view to show (not allowed, conflict, invalid)."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """The record does not exist (or the person may not know it does): a 404 with the service's words."""

    status_code = 404


class Forbidden(ServiceError):
    """The caller may not act on this record (e.g. an API token's organization on another's pledge)."""

    status_code = 403


class NotAllowed(ServiceError):
    """The action is not allowed in the record's current state."""

    status_code = 409


class Conflict(ServiceError):
    """Someone else changed the record since it was loaded (optimistic lock); one wording everywhere."""

    status_code = 409

    def __init__(self, message: str | None = None, field: str | None = None) -> None:
        super().__init__(message or conflict_message(), field)


def conflict_message() -> str:
    """What every page says when a save loses to a concurrent one (the record's version moved on)."""
    return _("Someone else changed this record at the same time. Nothing was saved; please look at the newer "
             "version and make your change again.")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json" and not request.accept_mimetypes.accept_html
    )


def _title_for(code: int) -> str:
    titles = {
        400: _("Bad request"),
        403: _("Access denied"),
        404: _("Page not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("The request is too large"),
        414: _("The address is too long"),
        422: _("Invalid input"),
        429: _("Too many requests"),
        500: _("Something went wrong"),
        503: _("Service temporarily unavailable"),
    }
    return titles.get(code, _("Error"))


def _message_for(code: int) -> str:
    messages = {
        403: _("You do not have access to this page."),
        404: _("We could not find that page. It may have moved, or the address may be mistyped."),
        413: _("What you sent is larger than we accept. Please shorten it and try again."),
        414: _("The address of this request is longer than we accept. Use fewer or shorter filters."),
        429: _("You have sent too many requests. Please wait a little and try again."),
        500: _("An unexpected error happened on our side. It has been logged; please try again later."),
        503: _("The service is temporarily unavailable. Nothing was saved; please try again in a moment."),
    }
    return messages.get(code, "")


def render_error(code: int, message: str | None = None):
    """Render the error page (or JSON under /api) with the given status."""
    title = _title_for(code)
    text = message or _message_for(code)
    if _wants_json():
        return jsonify({"error": {"status": code, "title": title, "message": text}}), code
    try:
        return render_template("errors/error.html", code=code, title=title, message=text), code
    except Exception:  # noqa: BLE001 - never fail while reporting a failure
        log.exception("error page failed to render")
        return f"{code} {title}", code, {"Content-Type": "text/plain; charset=utf-8"}


def release_session(exc: BaseException | None = None) -> None:
    """End the request's database session without ever raising.

    Closing a session rolls its transaction back; when the database went away mid-request that
    rollback fails, and at teardown the exception escaped every error handler (the WSGI server then
    sent its own bare 500 page). The connections are invalidated instead: the pool drops them and
    reconnects on the next request.
    """
    try:
        db.session.remove()
    except Exception as error:  # noqa: BLE001 - the database is away; nothing left to roll back
        log.warning("database session could not be closed cleanly: %s", error)
        try:
            db.session.registry().invalidate()
        except Exception:  # noqa: BLE001
            pass
        db.session.registry.clear()


def install_safe_teardown(app: Flask) -> None:
    """Replace Flask-SQLAlchemy's session teardown (which may raise, see release_session)."""
    try:
        app.teardown_appcontext_funcs.remove(db._teardown_session)
    except ValueError:  # pragma: no cover - Flask-SQLAlchemy changed how it registers it
        log.warning("Flask-SQLAlchemy's session teardown was not found; adding ours after it")
    app.teardown_appcontext(release_session)


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on the app."""
    install_safe_teardown(app)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 500
        description = None
        # Our own messages (translated) are shown; Werkzeug's and extensions' English defaults ("The CSRF
        # token is missing.", "The browser (or proxy) sent...") are replaced by the translated generic text.
        if code in (400, 409, 422) and exc.description and not exc.description.startswith("The "):
            description = exc.description
        response = render_error(code, description)
        if code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            body, status = response
            return body, status, {"Allow": ", ".join(exc.valid_methods)}
        return response

    @app.errorhandler(ServiceError)
    def _service(exc: ServiceError):
        db.session.rollback()
        return render_error(exc.status_code, exc.message)

    @app.errorhandler(DBAPIError)
    def _database(exc: Exception):
        # Only "the database is away" (connection refused, dropped, locked too long) is a 503; a
        # refused statement (DataError, IntegrityError...) is a bug of ours, so it is a 500 and logged.
        if not isinstance(exc, OperationalError | InterfaceError) and not getattr(exc, "connection_invalidated", False):
            return _unexpected(exc)
        # Roll back (no partial write) and say so; the pool reconnects.
        log.warning("database error: %s", exc)
        release_session()
        return render_error(503)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error")
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001
            pass
        return render_error(500)
