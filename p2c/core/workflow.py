"""The allowed transitions of every submission (EOI, pledge, progress report), in one place.

submitted -> in_review -> (changes_requested -> submitted) -> approved | rejected, plus withdrawn by
the submitter. Staff act through `Action`s; the submitter resubmits or withdraws.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from p2c.core.enums import ReviewStatus as S
from p2c.core.enums import RichEnum
from p2c.core.errors import NotAllowed


class Action(RichEnum):
    """What someone can do to a submission."""

    START_REVIEW = "start_review", _l("Start review")
    APPROVE = "approve", _l("Approve")
    REJECT = "reject", _l("Reject")
    REQUEST_CHANGES = "request_changes", _l("Request changes")
    RESUBMIT = "resubmit", _l("Resubmit")
    WITHDRAW = "withdraw", _l("Withdraw")


STAFF_ACTIONS = frozenset({Action.START_REVIEW, Action.APPROVE, Action.REJECT, Action.REQUEST_CHANGES})
SUBMITTER_ACTIONS = frozenset({Action.RESUBMIT, Action.WITHDRAW})

# (from status, action) -> to status. Anything not listed is not allowed.
TRANSITIONS: dict[tuple[S, Action], S] = {
    (S.SUBMITTED, Action.START_REVIEW): S.IN_REVIEW,
    (S.SUBMITTED, Action.APPROVE): S.APPROVED,
    (S.SUBMITTED, Action.REJECT): S.REJECTED,
    (S.SUBMITTED, Action.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.SUBMITTED, Action.WITHDRAW): S.WITHDRAWN,
    (S.IN_REVIEW, Action.APPROVE): S.APPROVED,
    (S.IN_REVIEW, Action.REJECT): S.REJECTED,
    (S.IN_REVIEW, Action.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.IN_REVIEW, Action.WITHDRAW): S.WITHDRAWN,
    (S.CHANGES_REQUESTED, Action.RESUBMIT): S.SUBMITTED,
    (S.CHANGES_REQUESTED, Action.WITHDRAW): S.WITHDRAWN,
    # An approved pledge can still be withdrawn by its pledger; it then leaves the totals.
    (S.APPROVED, Action.WITHDRAW): S.WITHDRAWN,
}

# Actions that need a message to the submitter (the reason, or what to change).
MESSAGE_REQUIRED = frozenset({Action.REJECT, Action.REQUEST_CHANGES})


def allowed_actions(status: S, *, staff: bool) -> list[Action]:
    """Actions available from `status` for staff (staff=True) or the submitter."""
    pool = STAFF_ACTIONS if staff else SUBMITTER_ACTIONS
    return [a for (s, a) in TRANSITIONS if s == status and a in pool]


def next_status(status: S, action: Action) -> S:
    """The status after `action`, or NotAllowed with a message a person can read."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise NotAllowed(
            str(_l("This action is not possible while the submission is “%(status)s”.", status=status.title))
        ) from None
