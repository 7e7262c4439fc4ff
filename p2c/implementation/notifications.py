"""The implementation feature's e-mails (report received, reporting reminder): composed and queued
here (p2c.core.mail outbox), called by services."""

from __future__ import annotations

from p2c.core.mail import queue_mail
from p2c.core.tokens import private_link


def pledge_link(pledge, path: str = "", lang: str | None = None) -> str:
    """A fresh absolute private link for the pledge's focal point (`p2c.core.tokens.private_link`), opening
    in `lang` (the e-mail's language; default the focal point's)."""
    return private_link("pledge", pledge.id, pledge.focal_point.email, path,
                        lang=lang or pledge.focal_point.language or "en")


def report_received(report, language: str) -> None:
    """Acknowledge a filed or resubmitted progress report to the pledge's focal point, in `language`."""
    pledge = report.pledge
    queue_mail(pledge.focal_point.email, "implementation_received", language, "progress_report_received",
               report=report, pledge=pledge, link=pledge_link(pledge, lang=language))


def reporting_reminder(candidate) -> None:
    """Queue one reminder (a queries.ReminderCandidate) with a fresh private link, in the focal point's language."""
    link = private_link("pledge", candidate.pledge_id, candidate.email, lang=candidate.language)
    queue_mail(candidate.email, "implementation_reminder", candidate.language, "progress_reminder",
               candidate=candidate, link=link, report_link=link + "/report")


def report_approved_to_partners(report) -> None:
    """Tell the contacts of the pledge's partners that a progress report was approved (read-only link)."""
    from p2c.pledges.queries import partner_contacts

    for found in partner_contacts(report.pledge_id):
        contact = found.contact
        if contact.email:
            queue_mail(contact.email, "implementation_partner_report", contact.language or "en",
                       "implementation_partner_report", pledge=report.pledge, report=report, contact=contact,
                       link=private_link("partner", report.pledge_id, contact.email, lang=contact.language or "en"))
