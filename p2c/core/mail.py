"""The mail outbox: messages are written with the change they report and sent after the commit.

If the SMTP server is down the message stays in the outbox with a back-off; `flask p2c mail flush`
and every later successful commit that queues mail retry it. Nothing is lost.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, g, render_template
from flask_babel import force_locale
from sqlalchemy import or_, select, update

from p2c.core.db import utcnow
from p2c.core.models import OutboxMessage
from p2c.core.unit import after_commit
from p2c.extensions import db

MAX_ATTEMPTS = 12
LEASE = timedelta(minutes=5)  # a claimed message is left alone this long by other processes
_REQUEST_IDS = "_p2c_outbox_ids"
log = logging.getLogger(__name__)


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
        g.setdefault(_REQUEST_IDS, []).append(message.id)
        after_commit(_send_after_commit)
    return message


def _send_after_commit() -> None:
    """After the commit: this unit of work's messages first, then a few others that wait for a retry.

    In the background (MAIL_SEND_IN_BACKGROUND, the default outside tests) the reply never waits for
    the SMTP server, so a slow server does not slow the form down, and the time of the answer of
    /access does not tell whether an address is known (only known ones produce mail).
    """
    ids = g.pop(_REQUEST_IDS, [])
    if current_app.config.get("MAIL_SEND_IN_BACKGROUND", False):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        threading.Thread(target=_send_in_thread, args=(app, ids), name="p2c-mail", daemon=True).start()
    else:
        send_messages(ids)
        flush_outbox(limit=20)


def _send_in_thread(app, ids: list[int]) -> None:
    with app.app_context():
        try:
            send_messages(ids)
            flush_outbox(limit=20)
        except Exception:  # noqa: BLE001 - the messages stay in the outbox for the next flush
            log.exception("sending mail in the background failed")
        finally:
            db.session.remove()


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

    force=True (`p2c mail flush --all`) also retries messages whose back-off has not ended and those
    that gave up after MAX_ATTEMPTS. This runs outside any request's unit of work (after its commit,
    or from the CLI), so it commits its own small transactions (claim, then mark sent or failed).
    """
    now = utcnow()
    query = select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None))
    if not force:
        query = query.where(OutboxMessage.attempts < MAX_ATTEMPTS, _due(now))
    ids = list(db.session.scalars(query.order_by(OutboxMessage.id).limit(limit)))
    db.session.commit()  # end the read transaction before the claims
    return send_messages(ids, force=force)


def send_messages(ids: list[int], force: bool = False) -> tuple[int, int]:
    """Send these outbox messages if they are still due; returns (sent, failed).

    Each message is claimed first (its next attempt moved LEASE ahead, in its own committed update)
    so that two processes flushing at once never send the same message twice.
    """
    sent = failed = 0
    for message_id in ids:
        message = _claim(message_id, force)
        if message is None:
            continue  # sent or claimed meanwhile by another process
        now = utcnow()
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            message.attempts += 1
            message.last_error = str(exc)[:500]
            # Exponential back-off: 1, 2, 4 ... minutes, at most a day.
            message.next_attempt_at = now + timedelta(minutes=min(2 ** (message.attempts - 1), 1440))
            failed += 1
            db.session.commit()
            # One unreachable server fails every message alike: stop hammering it.
            if isinstance(exc, OSError):
                break
            continue
        message.sent_at = utcnow()
        message.attempts += 1
        sent += 1
        db.session.commit()
    return sent, failed


def _due(now):
    return or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)


def _claim(message_id: int, force: bool) -> OutboxMessage | None:
    now = utcnow()
    conditions = [OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None)]
    if not force:
        conditions.append(_due(now))
    claimed = db.session.execute(
        update(OutboxMessage).where(*conditions).values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)
