"""The accounts feature's e-mails: composed and queued here (p2c.core.mail outbox), called by services."""

from __future__ import annotations

from p2c.core.mail import queue_mail
from p2c.core.tokens import absolute_url


def staff_invitation(user, token: str, days: int) -> None:
    """The set-password link for an invited staff account, in the user's language, valid `days` days."""
    link = absolute_url(f"/account/set-password/{token}")  # P2C_BASE_URL, never the request's host
    queue_mail(user.email, "accounts_invite", user.language or "en", "staff_invite", user=user, link=link,
               days=days)
