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
