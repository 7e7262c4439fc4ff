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
               link=private_link("pledge", pledge.id, contact.email))
