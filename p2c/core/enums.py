"""Enumerations with lazily translated titles.

Values are stable codes stored in the database and used in URLs and exports; `title` is
what a person reads, in the current language.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class RichEnum(str, enum.Enum):
    """A string enum whose members carry a translated title."""

    def __new__(cls, value: str, title: object = None) -> RichEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._title = title if title is not None else value
        return obj

    @property
    def title(self) -> str:
        """The member's human title in the current locale."""
        return str(self._title)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(value, title) pairs for form select fields."""
        return [(m.value, m.title) for m in cls]

    @classmethod
    def values(cls) -> list[str]:
        """All stored codes."""
        return [m.value for m in cls]

    def __str__(self) -> str:
        return self.value


class ReviewStatus(RichEnum):
    """Workflow of every submission (EOI, pledge, progress report)."""

    SUBMITTED = "submitted", _l("Submitted")
    IN_REVIEW = "in_review", _l("In review")
    CHANGES_REQUESTED = "changes_requested", _l("Changes requested")
    APPROVED = "approved", _l("Approved")
    REJECTED = "rejected", _l("Rejected")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class ImplementationStatus(RichEnum):
    """How a pledge's implementation stands, as its focal point last reported."""

    NOT_STARTED = "not_started", _l("Not started")
    ON_TRACK = "on_track", _l("On track")
    DELAYED = "delayed", _l("Delayed")
    COMPLETED = "completed", _l("Completed")
    DISCONTINUED = "discontinued", _l("Discontinued")


class ReportingStatus(RichEnum):
    """Reporting freshness, as in the registries users know (DESIGN.md section 5)."""

    CURRENT = "current", _l("Current")
    DUE = "due", _l("Due")
    INACTIVE = "inactive", _l("Inactive")


class UserRole(RichEnum):
    """Staff roles."""

    REVIEWER = "reviewer", _l("Reviewer")
    ADMIN = "admin", _l("Administrator")
    # An independent verifier: opens only the progress reports assigned to it (p2c.verification).
    VERIFIER = "verifier", _l("Verifier")


class FigureLevel(RichEnum):
    """How far an achieved figure (an approved progress report's values) has been checked, lowest first."""

    SELF_REPORTED = "self_reported", _l("Self-reported")
    REVIEWED = "reviewed", _l("Reviewed by the coalition team")
    VERIFIED = "verified", _l("Independently verified")


class VerificationOutcome(RichEnum):
    """An independent verifier's decision on one progress report."""

    VERIFIED = "verified", _l("Verified")
    PARTLY_VERIFIED = "partly_verified", _l("Partly verified")
    NOT_VERIFIED = "not_verified", _l("Not verified")


class CommentVisibility(RichEnum):
    """Whether a message goes to the submitter or stays inside the team."""

    TO_SUBMITTER = "to_submitter", _l("Message to submitter")
    INTERNAL = "internal", _l("Internal note")


class SubmissionKind(RichEnum):
    """Kinds of record that go through the review queue."""

    EOI = "eoi", _l("Expression of interest")
    PLEDGE = "pledge", _l("Pledge")
    PROGRESS_REPORT = "progress_report", _l("Progress report")
    PLEDGE_AMENDMENT = "pledge_amendment", _l("Pledge amendment")
    NEED = "need", _l("Country need")


class EventKind(RichEnum):
    """What kind of pledging moment an event is."""

    WSIS_FORUM = "wsis_forum", _l("WSIS Forum")
    WTDC = "wtdc", _l("World Telecommunication Development Conference")
    REGIONAL_FORUM = "regional_forum", _l("Regional Development Forum")
    P2C_ANNUAL = "p2c_annual", _l("P2C annual meeting")
    OTHER = "other", _l("Other event")
