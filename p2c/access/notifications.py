"""The access feature's e-mail (one private page for every record of an address): composed and queued
here, called by services."""

from __future__ import annotations

from p2c.core.mail import queue_mail
from p2c.core.tokens import private_link


def access_links(email: str, records: list[tuple[str, object]], ui_language: str, others: list[dict] = ()) -> int:
    """One message to `email` with one link to the person's private page, listing each (kind, record)
    (kind "partner": a pledge the address follows as a partner's contact), then the `others` (items other
    features answered `private_links_wanted` with, each with its own link); returns how many items."""
    items = [
        {"reference": record.reference, "status": record.status.title,
         "title": record.organization.name if kind == "eoi" else record.title}
        for kind, record in records
    ] + [{k: item[k] for k in ("reference", "status", "title", "link")} for item in others]
    queue_mail(email, "access_links", ui_language, "access_links", items=items,
               link=private_link("person", 0, email, lang=ui_language))
    return len(items)


def partner_contribution(pledge, partner, body: str) -> None:
    """Tell the pledge's focal point what a partner contributed to the yearly report, with their link."""
    contact = pledge.focal_point
    if not contact.email or contact.email.lower().endswith("invalid"):
        return
    queue_mail(contact.email, "access_partner_contribution", contact.language or "en", "partner_contribution",
               pledge=pledge, contact=contact, organization=partner.organization, body=body,
               link=private_link("pledge", pledge.id, contact.email, lang=contact.language or "en"))
