"""The drafts feature's e-mail: the private link to continue a saved form."""

from __future__ import annotations

from p2c.core.mail import queue_mail
from p2c.core.tokens import absolute_url, private_link
from p2c.drafts.models import Draft


def pledge_draft_saved(draft: Draft) -> None:
    """The link that reopens a pledge draft, on any device."""
    from p2c.drafts.queries import token_for

    link = absolute_url(f"/pledges/drafts/{token_for(draft)}")
    queue_mail(draft.email, "draft_saved", draft.language, "draft_saved", link=link,
               expires_at=draft.expires_at, report=False)


def report_draft_saved(draft: Draft, pledge) -> None:
    """The pledge's private link to its report form, where the draft waits."""
    link = private_link("pledge", pledge.id, draft.email, "/report", lang=draft.language)
    queue_mail(draft.email, "draft_saved", draft.language, "draft_saved", link=link,
               expires_at=draft.expires_at, report=True, reference=pledge.reference)
