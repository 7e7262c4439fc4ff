"""Writes of the events feature: prepare a pledge "to be announced" (an embargo until its time)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.core.errors import ServiceError
from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.pledges.visibility import is_public
from p2c.reference.models import Event

CLOSED = (ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN)


def schedule_announcement(reference: str, event: Event, public_from: datetime) -> Pledge:
    """Mark the pledge as announced at `event` and public only from `public_from` (naive UTC).

    Refused for a pledge already public (an embargo never hides what readers have seen), a rejected or
    withdrawn one, and a time not in the future. The rollups leave it out until then (the projection
    counts public pledges only) and count it when the time comes (`projection.release_due`).
    """
    pledge = db.session.scalars(select(Pledge).where(Pledge.reference == (reference or "").strip().upper())).first()
    if pledge is None:
        raise ServiceError(_("No pledge has this reference."), field="reference")
    if pledge.status in CLOSED:
        raise ServiceError(_("This pledge was rejected or withdrawn: it cannot be announced."), field="reference")
    if is_public(pledge):
        raise ServiceError(_("This pledge is public already: an announcement time can only be set before it is."),
                           field="reference")
    if public_from <= utcnow():
        raise ServiceError(_("Choose a time in the future."), field="public_from")
    before = {"event_code": pledge.event_code, "public_from": pledge.public_from.isoformat()
              if pledge.public_from else None}
    pledge.event_code = event.code
    pledge.public_from = public_from
    db.session.flush()
    audit.record("schedule_announcement", "pledge", pledge.id, label=pledge.reference, before=before,
                 after={"event_code": event.code, "public_from": public_from.isoformat()})
    return pledge
