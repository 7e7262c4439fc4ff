"""The verification feature's e-mails: a new assignment to the verifier, the outcome to the pledger.
Composed and queued here (p2c.core.mail outbox), called by services."""

from __future__ import annotations

from p2c.core.mail import queue_mail
from p2c.core.tokens import absolute_url
from p2c.implementation.notifications import pledge_link


def assigned(verification) -> None:
    """Tell the verifier a report waits for them (no report content in the message: they sign in)."""
    verifier = verification.verifier
    queue_mail(verifier.email, "verification_assigned", verifier.language or "en", "verification_assigned",
               verification=verification, report=verification.report,
               link=absolute_url(f"/verify/{verification.id}"))  # also outside a request (CLI)


def outcome(verification) -> None:
    """Tell the pledge's focal point the outcome, in the pledge's language, with a fresh private link."""
    report = verification.report
    pledge = report.pledge
    queue_mail(pledge.focal_point.email, "verification_outcome", pledge.language or "en", "verification_outcome",
               verification=verification, report=report, pledge=pledge,
               link=pledge_link(pledge, "/reports", lang=pledge.language or "en"))
