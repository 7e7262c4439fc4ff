"""Reading drafts: by the signed link of a pledge draft, or by pledge for a progress-report draft."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from p2c.core.db import utcnow
from p2c.core.tokens import InvalidToken, make_token, read_token
from p2c.drafts.models import PLEDGE, PROGRESS_REPORT, Draft
from p2c.extensions import db

TOKEN_KIND = "draft"  # noqa: S105 - the kind a link names, not a secret


class DraftGone(Exception):
    """The link opens no draft: `expired` (the draft's time is over or it was deleted) or invalid."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def draft_days() -> int:
    """How long a draft is kept after it was first saved (P2C_DRAFT_DAYS, 60)."""
    return int(current_app.config.get("DRAFT_DAYS", 60))


def token_for(draft: Draft) -> str:
    """The signed token of a pledge draft's link (it names the draft and its owner's address)."""
    return make_token(TOKEN_KIND, draft.id, draft.email)


def pledge_draft(token: str) -> Draft:
    """The live pledge draft this link opens; raises DraftGone."""
    try:
        grant = read_token(token, max_age_days=draft_days())
    except InvalidToken as exc:
        raise DraftGone(expired=exc.expired) from None
    if grant.kind != TOKEN_KIND:
        raise DraftGone()
    draft = db.session.get(Draft, grant.record_id)
    if draft is None or draft.expires_at <= utcnow():
        # Deleted by its owner or expired: the link was good, the draft is gone.
        raise DraftGone(expired=True)
    if draft.kind != PLEDGE or draft.email.lower() != grant.email:
        raise DraftGone()
    return draft


def report_draft(pledge_id: int) -> Draft | None:
    """The live progress-report draft of a pledge, if any."""
    return db.session.scalars(select(Draft).where(
        Draft.kind == PROGRESS_REPORT, Draft.pledge_id == pledge_id, Draft.expires_at > utcnow())).first()
