"""What the public form views share: remembering what this browser submitted, masking addresses, and the
rate-limit keys that read a pledging event's access code (the rule is in p2c/core/limits.py)."""

from __future__ import annotations

import hashlib

from flask import g, request, session
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from p2c.core.auth import mark_private
from p2c.extensions import db
from p2c.reference.models import Event

ACCESS_CODE_FIELD = "access_code"

_SESSION_KEY = "p2c_submitted"
_KEEP = 20


def remember_submission(reference: str) -> None:
    """Let this browser see the confirmation page of a record it just submitted (and no other)."""
    refs = [r for r in session.get(_SESSION_KEY, []) if r != reference]
    session[_SESSION_KEY] = [*refs, reference][-_KEEP:]


def submitted_here(reference: str) -> bool:
    """Whether this browser submitted `reference` (confirmation pages are not public, so never cached)."""
    mark_private()
    return reference in session.get(_SESSION_KEY, [])


def mask_email(email: str) -> str:
    """'jane.doe@example.org' -> 'j•••@example.org': enough to recognise, not enough to harvest."""
    local, _, domain = email.partition("@")
    return (local[:1] + "•••@" + domain) if domain else "•••"


def valid_access_code() -> str | None:
    """The event access code sent with the form, when an event holds it (read once per request)."""
    if "_p2c_access_code" not in g:
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
