"""What the public form views share: remembering what this browser submitted, masking addresses."""

from __future__ import annotations

from flask import session

from p2c.core.auth import mark_private

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
