"""The one loader of a focal point's private link, for every /my/<token>... page of every feature.

A link is read once and answered the same way wherever it is used: expired is 410 with the "ask for
a fresh link" form, anything else that does not open a record (tampered, unknown kind, another
record's or another address's link, a record of a kind the page does not take) is 403 with the
"this link does not work" page. Features call `open_link` and let `LinkProblem` propagate; the
access blueprint renders it for the whole app.
"""

from __future__ import annotations

from flask import render_template

from p2c.access import queries
from p2c.access.forms import RequestLinkForm
from p2c.core.auth import mark_private_link_session
from p2c.core.enums import SubmissionKind
from p2c.core.tokens import InvalidToken, read_token
from p2c.extensions import db
from p2c.pledges.models import Handover, Pledge

# Link kinds besides the records' own ("pledge", "eoi"): a person's page, a partner's read-only view of a
# pledge, a successor's confirmation of a hand-over. `open_link` never opens them.
PERSON, PARTNER, HANDOVER = "person", "partner", "handover"


class LinkProblem(Exception):
    """The link opens nothing: `expired` (410, fresh-link form) or not valid here (403)."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def open_link(token: str, kinds: set[SubmissionKind] | None = None):
    """(kind, record) for a valid token naming a record of `kinds` (default: every kind the private
    pages open, from the submission registry) still held by the address it was sent to.

    Raises LinkProblem. Marks the session as a private-link session (staff pages then answer 403).
    """
    try:
        grant = read_token(token)
    except InvalidToken as exc:
        raise LinkProblem(expired=exc.expired) from None
    record = queries.record_for(grant)
    if record is None or (kinds is not None and SubmissionKind(grant.kind) not in kinds):
        raise LinkProblem()
    mark_private_link_session()
    return grant.kind, record


def link_problem_page(exc: LinkProblem):
    """The page and status for a link that opens nothing (the same on every private-link route)."""
    if exc.expired:
        return render_template("access/link_expired.html", form=RequestLinkForm()), 410
    return render_template("access/link_invalid.html"), 403


def read_grant(token: str):
    """The grant a token carries (any kind), or LinkProblem."""
    try:
        return read_token(token)
    except InvalidToken as exc:
        raise LinkProblem(expired=exc.expired) from None


def open_special(token: str):
    """For `/my/<token>`: ("person", email, None) for a person's link (every record of an address),
    ("partner", pledge, partner contact) for a partner's read-only link, or None for a record's link
    (then `open_link`). Raises LinkProblem for a partner link its address no longer holds."""
    grant = read_grant(token)
    if grant.kind == PERSON:
        mark_private_link_session()
        return PERSON, grant.email, None
    if grant.kind == PARTNER:
        pledge = db.session.get(Pledge, grant.record_id)
        found = queries.partner_contact_for(grant.record_id, grant.email) if pledge is not None else None
        if found is None:
            raise LinkProblem()
        mark_private_link_session()
        return PARTNER, pledge, found
    return None


def open_handover(token: str):
    """The hand-over a successor's confirmation link names, still open, for the address it was sent to."""
    grant = read_grant(token)
    handover = db.session.get(Handover, grant.record_id) if grant.kind == HANDOVER else None
    if (handover is None or handover.confirmed_at is not None or handover.cancelled_at is not None
            or handover.email.lower() != grant.email.lower()):
        raise LinkProblem()
    mark_private_link_session()
    return handover
