"""The pledges feature's e-mails: composed and queued here (p2c.core.mail outbox), called by services."""

from __future__ import annotations

from p2c.core.mail import queue_mail
from p2c.core.tokens import private_link


def pledge_received(pledge, *, resubmitted: bool) -> None:
    """Confirm a new or resubmitted pledge to its focal point, with the private link, in their language."""
    contact = pledge.focal_point
    queue_mail(contact.email, "pledge_confirmation", contact.language or "en",
               "pledge_resubmitted" if resubmitted else "pledge_confirmation",
               pledge=pledge, contact=contact, resubmitted=resubmitted,
               link=private_link("pledge", pledge.id, contact.email, lang=contact.language or "en"))


def amendment_received(amendment) -> None:
    """Confirm a proposed (or resubmitted) amendment to the pledge's focal point."""
    pledge = amendment.pledge
    contact = pledge.focal_point
    if not contact.email:
        return
    queue_mail(contact.email, "pledge_amendment_received", contact.language or "en", "pledge_amendment",
               pledge=pledge, amendment=amendment, contact=contact,
               link=private_link("pledge", pledge.id, contact.email, lang=contact.language or "en"))


def partners_told(pledge, contacts: list, template: str, **context) -> None:
    """Tell each partner's contact (pledge approved, progress report approved), with their read-only link."""
    for contact in contacts:
        if contact.email:
            queue_mail(contact.email, template, contact.language or "en", template, pledge=pledge, contact=contact,
                       link=private_link("partner", pledge.id, contact.email, lang=contact.language or "en"),
                       **context)


def handover_requested(handover) -> None:
    """Ask the named successor to confirm from their own address (link valid like every private link)."""
    pledge = handover.pledge
    queue_mail(handover.email, "pledge_handover_request", handover.language or "en", "pledge_handover",
               pledge=pledge, handover=handover, former=pledge.focal_point,
               link=private_link("handover", handover.id, handover.email, f"/take-over?lang={handover.language}"))


def focal_point_changed(pledge, former) -> None:
    """The new focal point gets the private link; the former one is told that theirs no longer works."""
    contact = pledge.focal_point
    queue_mail(contact.email, "pledge_focal_point_new", contact.language or "en", "pledge_focal_point",
               pledge=pledge, contact=contact,
               link=private_link("pledge", pledge.id, contact.email, lang=contact.language or "en"))
    # An imported pledge's placeholder focal point (an address at the reserved .invalid name) gets nothing.
    if former is not None and former.email and not former.email.lower().endswith("invalid"):
        queue_mail(former.email, "pledge_focal_point_former", former.language or "en", "pledge_focal_point",
                   pledge=pledge, contact=former, successor=contact)
