"""Answers to other features' signals: the needs' private links for /access (`private_links_wanted`)."""

from __future__ import annotations

from sqlalchemy import func, select

from p2c.core.signals import private_links_wanted
from p2c.extensions import db
from p2c.matchmaking import notifications
from p2c.matchmaking.models import Need
from p2c.members.models import Contact

MAX_LINKS = 50


def _need_links(sender, email: str = "", **extra) -> list[dict]:
    needs = db.session.scalars(select(Need).join(Contact, Need.contact_id == Contact.id)
                               .where(func.lower(Contact.email) == email.lower())
                               .order_by(Need.id.desc()).limit(MAX_LINKS))
    return [{"reference": n.reference, "title": n.title, "status": n.status.title, "link": notifications.need_link(n),
             "contact_id": n.contact_id} for n in needs]


def connect() -> None:
    """Called once by the app factory."""
    private_links_wanted.connect(_need_links)
