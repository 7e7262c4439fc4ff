"""Rate limits of the public forms, in one place.

A person who corrects a long form several times must never be locked out of it: the per-address
submission limit counts only submissions that were saved (the redirect to the confirmation page),
not previews or forms sent back with errors. A looser limit on every POST still stops a client that
hammers the validation.

A pledging event: delegates share one venue address. The form then carries the event's access code
(admins issue it, /admin/events; the venue's link is /pledges/new?code=...). With a valid code the
saved-submission limit counts per person (address + the focal point's e-mail) instead of per address,
under a cap per event (P2C_EVENT_SUBMISSION_LIMIT); without one nothing changes. A stranger without the
code gains nothing, and a leaked code allows at most the event cap, every submission still reviewed.
"""

from __future__ import annotations

import hashlib

from flask import Response, current_app, g, request
from flask_limiter.util import get_remote_address
from sqlalchemy import select

ANY_POST_LIMIT = "60 per minute"
ACCESS_CODE_FIELD = "access_code"


def submission_limit() -> str:
    """The configured limit of saved submissions per client address (P2C_SUBMISSION_RATE_LIMIT)."""
    return current_app.config["SUBMISSION_RATE_LIMIT"]


def saved(response: Response) -> bool:
    """True when the POST saved something: the forms answer a saved submission with a redirect."""
    return response.status_code in (302, 303)


def event_limit() -> str:
    """Saved submissions per event access code (P2C_EVENT_SUBMISSION_LIMIT)."""
    return current_app.config.get("EVENT_SUBMISSION_LIMIT", "1000 per day")


def valid_access_code() -> str | None:
    """The event access code sent with the form, when an event holds it (read once per request)."""
    if "_p2c_access_code" not in g:
        from p2c.extensions import db
        from p2c.reference.models import Event

        code = (request.form.get(ACCESS_CODE_FIELD) or "").strip()[:40]
        found = code and db.session.scalar(select(Event.code).where(Event.access_code == code).limit(1))
        g._p2c_access_code = code if found else None
    return g._p2c_access_code


def submission_key() -> str:
    """The saved-submission limit's key: the client address, or with a valid event access code the
    address and the focal point's e-mail (one bucket per delegate at a shared venue address)."""
    address = get_remote_address()
    code = valid_access_code()
    if code is None:
        return address
    email = (request.form.get("focal_email") or "").strip().lower()
    return f"event:{code}|{address}|{hashlib.sha256(email.encode()).hexdigest()[:16]}"


def event_key() -> str:
    """The per-event cap's key: the access code, or the client address without one (then this looser
    limit never binds before the per-address one)."""
    code = valid_access_code()
    return f"event:{code}" if code else get_remote_address()


def any_post_key() -> str:
    """The every-POST limit's key: per address, or per delegate with a valid access code."""
    return submission_key()
