"""The mail outbox: messages are written with the change they report and sent outside the request.

A request only adds outbox rows in its own transaction. Who sends them (MAIL_SEND_AFTER_COMMIT):
- production: the worker (`flask p2c worker`, p2c.operations) flushes the outbox every few seconds, so
  no reply ever waits for the SMTP server and a hanging server cannot stall a submission;
- development and tests: right after the commit, in a background thread (MAIL_SEND_IN_BACKGROUND, `make
  run`) or inline (the test suite), so mail arrives without a worker.
Each message is claimed with one atomic UPDATE before it is sent (two senders never send it twice), and
no database connection is held during the SMTP exchange. If the server is down the message stays in the
outbox with a back-off; the worker or `flask p2c mail flush` retries it. Nothing is lost.
"""

from __future__ import annotations

import logging
import re
import smtplib
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import current_app, g, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from markupsafe import Markup, escape
from sqlalchemy import or_, select, update

from p2c.core.db import utcnow
from p2c.core.models import OutboxMessage
from p2c.core.unit import after_commit
from p2c.extensions import db

MAX_ATTEMPTS = 12
_REQUEST_IDS = "_p2c_outbox_ids"
log = logging.getLogger(__name__)


def queue_mail(
    recipient: str,
    template: str,
    language: str,
    kind: str,
    headers: dict[str, str] | None = None,
    **context: object,
) -> OutboxMessage:
    """Render `template` (a base name under mail/) in `language`, add it to the outbox, send after commit.

    The template pair is `mail/<template>.txt` and optionally `mail/<template>.html`; the first
    line of the text template is the subject. `headers`: extra headers (e.g. List-Unsubscribe).
    """
    with force_locale(language):
        text = render_template(f"mail/{template}.txt", **context)
        subject, _, body = text.partition("\n")
        try:
            html = render_template(f"mail/{template}.html", **context)
        except TemplateNotFound:  # the usual case: the HTML part is the text, laid out (see html_part)
            html = html_part(subject.strip(), body.lstrip("\n"), language)
    message = OutboxMessage(
        recipient=recipient,
        subject=subject.strip()[:300],
        body_text=body.lstrip("\n"),
        body_html=html,
        language=language,
        kind=kind,
        next_attempt_at=utcnow(),
        headers=dict(headers) if headers else None,
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


_URL = re.compile(r"https?://[^\s<>\"“”]+[^\s<>\"“”.,;:!?)\]]")


def _linked(line: str) -> Markup:
    """One line of the text part as HTML: escaped, its web addresses as links."""
    out, last = [], 0
    for found in _URL.finditer(line):
        out.append(escape(line[last:found.start()]))
        out.append(Markup('<a href="{0}">{0}</a>').format(found.group()))
        last = found.end()
    out.append(escape(line[last:]))
    return Markup("").join(out)


def html_part(subject: str, body_text: str, language: str) -> str:
    """The HTML part of a message: its text, paragraph by paragraph with live links, marked with the
    recipient's language and direction (mail/layout.html). Rendered in that language."""
    paragraphs = [[_linked(line) for line in block.splitlines()] for block in re.split(r"\n\s*\n", body_text)
                  if block.strip()]
    rtl = language in current_app.config.get("RTL_LANGUAGES", ("ar",))
    return render_template("mail/layout.html", subject=subject, paragraphs=paragraphs, language=language,
                           direction="rtl" if rtl else "ltr")


def message_domain() -> str:
    """The right side of every Message-ID: the host of P2C_BASE_URL when it is a domain name, else the
    sender's domain (RFC 5322 asks for a domain the sender controls; spam filters check it)."""
    host = urlsplit(current_app.config.get("BASE_URL", "")).hostname or ""
    if "." in host and not host.replace(".", "").isdigit():
        return host
    sender_domain = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1].rpartition("@")[2]
    return sender_domain or host or "localhost"


def compose(message: OutboxMessage) -> EmailMessage:
    """An outbox message as sent: From, To, Subject, Date (when sent), a Message-ID at our domain,
    Content-Language, and a text part with an HTML alternative, both in the recipient's language."""
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_DEFAULT_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(datetime.now(UTC))
    email["Message-ID"] = make_msgid(domain=message_domain())
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.body_text)
    # Messages queued before the HTML part existed get it now, from their text.
    html = message.body_html or html_part(message.subject, message.body_text, message.language)
    email.add_alternative(html, subtype="html")
    # After the parts exist: set_content and add_alternative move or drop Content-* headers set before.
    email["Content-Language"] = message.language
    for part in email.iter_parts():
        part["Content-Language"] = message.language
    return email


def _send(message: OutboxMessage) -> None:
    cfg = current_app.config
    email = compose(message)
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

    Each message is claimed first (its next attempt moved a lease ahead, in its own committed update)
    so that two processes flushing at once never send the same message twice. The SMTP exchange
    (bounded by MAIL_TIMEOUT) runs on a detached copy with no transaction open, so a slow server holds
    no database connection; the outcome is then written with one guarded update.
    """
    sent = failed = 0
    for message_id in ids:
        message = _claim(message_id, force)
        if message is None:
            continue  # sent or claimed meanwhile by another process
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as exc:
            _record_failure(message, exc)
            failed += 1
            # One unreachable server fails every message alike: stop hammering it.
            if isinstance(exc, OSError):
                break
            continue
        _record(message.id, sent_at=utcnow(), attempts=message.attempts + 1, last_error="")
        sent += 1
    return sent, failed


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    attempts = message.attempts + 1
    # Exponential back-off: 1, 2, 4 ... minutes, at most a day.
    retry_at = utcnow() + timedelta(minutes=min(2 ** (attempts - 1), 1440))
    _record(message.id, attempts=attempts, last_error=str(exc)[:500] or type(exc).__name__, next_attempt_at=retry_at)
    log.warning("mail %s to outbox: %s (attempt %s)", message.id, exc, attempts)


def _record(message_id: int, **values: object) -> None:
    """Write the outcome of one attempt (its own short transaction; never over a message already sent)."""
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None))
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def _due(now):
    return or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)


def _lease() -> timedelta:
    """How long a claimed message is left alone by other senders (MAIL_CLAIM_LEASE_SECONDS).

    Longer than any SMTP exchange can last (a few MAIL_TIMEOUTs); if the sender dies, another sends
    the message when the lease ends.
    """
    return timedelta(seconds=current_app.config["MAIL_CLAIM_LEASE_SECONDS"])


def _claim(message_id: int, force: bool) -> OutboxMessage | None:
    """Claim one message (atomic conditional UPDATE, committed) and return a detached copy, or None.

    The copy has every column loaded and belongs to no session, so sending it opens no transaction.
    """
    now = utcnow()
    conditions = [OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None)]
    if not force:
        conditions.append(_due(now))
    claimed = db.session.execute(
        update(OutboxMessage).where(*conditions).values(next_attempt_at=now + _lease())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if message is not None:
        db.session.expunge(message)
    db.session.commit()  # ends the read: the connection goes back to the pool before the SMTP exchange
    return message
