"""Writing drafts. A draft is stored as typed and checked only when the form is really submitted."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from p2c.core.db import utcnow
from p2c.drafts import notifications
from p2c.drafts.models import PLEDGE, PROGRESS_REPORT, Draft
from p2c.drafts.queries import draft_days, report_draft
from p2c.extensions import db

# New pledge drafts e-mailed to one address per hour, at most (a form cannot be used to flood an address).
MAILS_PER_ADDRESS_HOUR = 5
# Never stored: one-time values of the form that typed them, and the honeypot.
NOT_KEPT = frozenset({"csrf_token", "form_nonce", "homepage", "action", "draft_token", "version"})
MAX_VALUES = 2000  # far more than either form has; a bound on what a crafted post can store


def snapshot(formdata: MultiDict) -> dict[str, list[str]]:
    """The form data as typed: field name -> every value sent under it (files are not kept)."""
    data: dict[str, list[str]] = {}
    count = 0
    for key in formdata:
        if key in NOT_KEPT or len(key) > 100:
            continue
        values = [v for v in formdata.getlist(key) if isinstance(v, str)]
        count += len(values)
        if count > MAX_VALUES:
            break
        data[key] = values
    return data


def as_formdata(draft: Draft) -> MultiDict:
    """A draft's data as form data, to fill a form with exactly what was typed."""
    return MultiDict([(key, value) for key, values in (draft.data or {}).items() for value in values])


def save_pledge_draft(draft: Draft | None, data: dict, email: str, language: str) -> tuple[Draft, bool, bool]:
    """Create (and e-mail its link) or update a pledge draft; returns (draft, created, mailed).

    The link is mailed when the draft is created, unless MAILS_PER_ADDRESS_HOUR drafts were created for
    the address in the last hour."""
    now = utcnow()
    if draft is not None:
        draft.data, draft.updated_at, draft.language = data, now, language
        db.session.flush()
        return draft, False, False
    recent = db.session.scalar(select(func.count(Draft.id)).where(
        Draft.kind == PLEDGE, Draft.email == email, Draft.created_at > now - timedelta(hours=1)))
    draft = Draft(kind=PLEDGE, email=email, language=language, data=data, created_at=now, updated_at=now,
                  expires_at=now + timedelta(days=draft_days()))
    db.session.add(draft)
    db.session.flush()
    mailed = recent < MAILS_PER_ADDRESS_HOUR
    if mailed:
        notifications.pledge_draft_saved(draft)
    return draft, True, mailed


def save_report_draft(pledge, data: dict, email: str, language: str) -> tuple[Draft, bool]:
    """Create (and e-mail the private link) or update the progress-report draft of `pledge`."""
    now = utcnow()
    draft = report_draft(pledge.id)
    if draft is not None:
        draft.data, draft.updated_at, draft.language = data, now, language
        db.session.flush()
        return draft, False
    # An expired draft not purged yet would hold the (kind, pledge) slot.
    db.session.execute(delete(Draft).where(Draft.kind == PROGRESS_REPORT, Draft.pledge_id == pledge.id))
    draft = Draft(kind=PROGRESS_REPORT, pledge_id=pledge.id, email=email, language=language, data=data,
                  created_at=now, updated_at=now, expires_at=now + timedelta(days=draft_days()))
    db.session.add(draft)
    db.session.flush()
    notifications.report_draft_saved(draft, pledge)
    return draft, True


def delete_draft(draft: Draft | None) -> None:
    """Delete a draft (its owner's choice, or once the real submission is saved)."""
    if draft is not None:
        db.session.delete(draft)
        db.session.flush()


def purge_expired(now=None) -> int:
    """Delete every draft whose time is over (the worker's `drafts` job); returns how many."""
    result = db.session.execute(delete(Draft).where(Draft.expires_at <= (now or utcnow()))
                                .execution_options(synchronize_session=False))
    return result.rowcount or 0
