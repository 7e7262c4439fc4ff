"""The access feature's e-mail (fresh private links): composed and queued here, called by services."""

from __future__ import annotations

from p2c.access import queries
from p2c.core.mail import queue_mail
from p2c.core.tokens import private_link


def access_links(email: str, records: list[tuple[str, object]], ui_language: str, others: list[dict] = ()) -> int:
    """One message to `email` with a fresh private link for each (kind, record), then the `others` (items
    other features answered `private_links_wanted` with); returns how many links."""
    items = [
        {"reference": record.reference, "status": record.status.title,
         "title": record.title if kind == "pledge" else record.organization.name,
         "link": private_link(kind, record.id, queries.contact_of(record).email)}
        for kind, record in records
    ] + [{k: item[k] for k in ("reference", "status", "title", "link")} for item in others]
    queue_mail(email, "access_links", ui_language, "access_links", items=items)
    return len(items)
