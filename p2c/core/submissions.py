"""Kinds of submission that go through the review queue: the registry every feature writes to.

Each feature registers its own kind once, in its own `kinds.py` (members: EOI, pledges: pledge,
implementation: progress report), imported explicitly by the app factory; it says how to find its
records and what approving one means. The review back-office (`p2c.review`) is generic over these,
so a later kind joins the same queue without review importing it. It lives in core because the
features register into it and review reads it: neither imports the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from p2c.core.enums import SubmissionKind


@dataclass(frozen=True)
class SubmissionType:
    """How the review back-office handles one kind of submission.

    model: SQLAlchemy model with id, reference, status, submitted_at, decided_at, assignee_id,
      version, language.
    title / organization / contact: read a record's title, its Organization, its private Contact.
    detail_template: a template fragment showing everything submitted (private fields included).
    on_approve / on_decided: extra effects inside the same transaction (e.g. EOI makes the
      organization a member; a report updates its pledge). They must not commit.
    public_url: the public page of an approved record, if it has one.
    private_link: the submitter's absolute private link to the record, given (record, e-mail, the
      language of the e-mail that carries it, signed into the link: p2c.core.tokens.private_link);
      None means the access pages' /my/<token> link for this kind (EOIs and pledges). A kind the
      access pages do not open (progress reports) builds its own.
    queue_select: given the queue filters, a SELECT of the queue's columns (kind, id, reference,
      title, organization, organization_id, status, submitted_at, assignee_id, version) for this
      kind with its own filters applied; None: the review queue's default select on `model`.
    reporting_filter: whether `queue_select` applies the reporting-status filter (pledges only), so
      the queue leaves the other kinds out when that filter is set.
    broad_search: given a search text, whether it matches so many of this kind's records that counting
      them per status would slow a queue page down (the queue then shows the page without its counts
      and a link to count them: p2c.review.queries.status_counts); None: never.
    """

    kind: SubmissionKind
    model: type
    title: Callable[[Any], str]
    organization: Callable[[Any], Any]
    contact: Callable[[Any], Any]
    detail_template: str
    on_approve: Callable[[Any], None] = lambda record: None
    on_decided: Callable[[Any, Any, Any], None] = lambda record, old, new: None
    public_url: Callable[[Any], str | None] = lambda record: None
    private_link: Callable[[Any, str, str | None], str] | None = None
    queue_select: Callable[[Any], Any] | None = None
    # Given record ids, {id: {"focus_area": name, "usd_value": Decimal|None, "countries": [ISO3],
    # "is_global": bool}} for the queue's details line (review/queue.html); None shows none.
    queue_details: Callable[[list[int]], dict[int, dict]] | None = None
    reporting_filter: bool = False
    broad_search: Callable[[str], bool] | None = None


_TYPES: dict[SubmissionKind, SubmissionType] = {}


def register(submission_type: SubmissionType) -> None:
    """Register (or replace) a kind."""
    _TYPES[submission_type.kind] = submission_type


def get(kind: SubmissionKind | str) -> SubmissionType:
    """The registered type for a kind (KeyError when unknown)."""
    return _TYPES[SubmissionKind(kind)]


def all_types() -> list[SubmissionType]:
    """Every registered kind, in registration order."""
    return list(_TYPES.values())
