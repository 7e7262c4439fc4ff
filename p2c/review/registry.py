"""Kinds of submission that go through the review queue.

Each feature registers its kind once (in its own module, imported by the app factory), saying how
to find its records and what approving one means. The queue, the record page and the decisions are
generic over these, so progress reports (or any later kind) join the same queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
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
    private_link: the submitter's absolute private link to the record, given (record, e-mail);
      None means the access pages' /my/<token> link for this kind (EOIs and pledges). A kind the
      access pages do not open (progress reports) builds its own.
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
    private_link: Callable[[Any, str], str] | None = None
    extra: dict = field(default_factory=dict)


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
