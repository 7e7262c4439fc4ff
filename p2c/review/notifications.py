"""The review feature's e-mails (decisions and messages to submitters, reviewers' digests): composed
and queued here (p2c.core.mail outbox), called by services and the digest command."""

from __future__ import annotations

from typing import Any

from p2c.core import submissions as registry
from p2c.core.mail import queue_mail
from p2c.core.tokens import absolute_url, private_link


def _link(stype: registry.SubmissionType, record: Any, email: str, lang: str) -> str:
    # Each kind knows which private page opens its records (a report opens through its pledge).
    if stype.private_link is not None:
        return stype.private_link(record, email, lang)
    return private_link(stype.kind.value, record.id, email, lang=lang)


def _absolute(path: str | None) -> str | None:
    if not path or path.startswith("http"):
        return path
    return absolute_url(path)


def mail_submitter(stype: registry.SubmissionType, record: Any, template: str, message: str) -> None:
    """E-mail the submitter (the kind's contact) with `template`, in the submission's language; none
    when the record has no contact address."""
    contact = stype.contact(record)
    if contact is None or not contact.email:
        return
    organization = stype.organization(record)
    language = record.language or contact.language or "en"
    queue_mail(
        contact.email, template, language, template,
        submission_kind=stype.kind, record=record, title=stype.title(record), message=message,
        organization_name=organization.name if organization is not None else "",
        contact_name=contact.name, link=_link(stype, record, contact.email, language),
        public_url=_absolute(stype.public_url(record)),
    )


def reviewer_digest(user, waiting: list, total: int, queue_url: str) -> None:
    """One reviewer's digest: `waiting` is [(SubmissionKind, {bucket: count})], `total` their sum."""
    queue_mail(user.email, "review_digest", user.language or "en", "review_digest",
               user=user, waiting=waiting, total=total, queue_url=queue_url)
