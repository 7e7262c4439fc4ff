"""The mail outbox: messages are written with the change they report and sent after the commit.

If the SMTP server is down the message stays in the outbox with a back-off; `flask p2c mail flush`
and every later successful commit that queues mail retry it. Nothing is lost.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select

from p2c.core.db import utcnow
from p2c.core.models import OutboxMessage
from p2c.core.unit import after_commit
from p2c.extensions import db

MAX_ATTEMPTS = 12


def queue_mail(
    recipient: str,
    template: str,
    language: str,
    kind: str,
    **context: object,
) -> OutboxMessage:
    """Render `template` (a base name under mail/) in `language`, add it to the outbox, send after commit.

    The template pair is `mail/<template>.txt` and optionally `mail/<template>.html`; the first
    line of the text template is the subject.
    """
    with force_locale(language):
        text = render_template(f"mail/{template}.txt", **context)
        try:
            html = render_template(f"mail/{template}.html", **context)
        except Exception:  # noqa: BLE001 - the HTML part is optional
            html = ""
    subject, _, body = text.partition("\n")
    message = OutboxMessage(
        recipient=recipient,
        subject=subject.strip()[:300],
        body_text=body.lstrip("\n"),
        body_html=html,
        language=language,
        kind=kind,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    db.session.flush()
    if current_app.config.get("MAIL_SEND_AFTER_COMMIT", True):
        after_commit(_flush_after_commit)
    return message


def _flush_after_commit() -> None:
    flush_outbox(limit=20)


def _send(message: OutboxMessage) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="p2c.local")
    email.set_content(message.body_text)
    # After set_content: it rewrites the MIME headers and would drop a header set before it.
    email["Content-Language"] = message.language
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)


def flush_outbox(limit: int = 200, force: bool = False) -> tuple[int, int]:
    """Try to send due messages; returns (sent, failed). Commits its own bookkeeping.

    This runs outside any request's unit of work (after its commit, or from the CLI), so it is
    the one place besides the request commit that commits.
    """
    now = utcnow()
    query = select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
    query = query.where(OutboxMessage.attempts < MAX_ATTEMPTS)
    if not force:
        query = query.where(or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
    messages = db.session.scalars(query.order_by(OutboxMessage.id).limit(limit)).all()
    sent = failed = 0
    for message in messages:
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = str(exc)[:500]
            # Exponential back-off: 1, 2, 4 ... minutes, at most a day.
            message.next_attempt_at = now + timedelta(minutes=min(2 ** (message.attempts - 1), 1440))
            failed += 1
            # One unreachable server fails every message alike: stop hammering it.
            db.session.commit()
            if isinstance(exc, OSError):
                break
            continue
        message.sent_at = utcnow()
        message.attempts += 1
        sent += 1
        db.session.commit()
    return sent, failed
