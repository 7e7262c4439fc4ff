"""The members feature's e-mails: composed and queued here (p2c.core.mail outbox), called by services."""

from __future__ import annotations

from p2c.core.mail import queue_mail
from p2c.core.tokens import private_link


def eoi_received(eoi, organization, contact, ui_language: str) -> None:
    """Confirm a new expression of interest to its contact, with the private link, in `ui_language`."""
    queue_mail(contact.email, "eoi_confirmation", ui_language, "eoi_confirmation",
               eoi=eoi, organization=organization, contact=contact,
               link=private_link("eoi", eoi.id, contact.email, lang=ui_language))
