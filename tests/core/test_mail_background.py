"""Mail after the commit: in a background thread outside tests, and never twice for one message."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from p2c.core import mail
from p2c.core.mail import queue_mail
from p2c.core.models import OutboxMessage
from p2c.core.unit import commit
from p2c.extensions import db


def _queue(app, recipient: str) -> int:
    message = queue_mail(recipient, "access_links", "en", "test", items=[])
    return message.id


def test_background_sending_delivers_after_the_reply(app, mail_to, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND_IN_BACKGROUND", True)
    started = []
    original = threading.Thread.start

    def spy(self):
        started.append(self.name)
        original(self)

    monkeypatch.setattr(threading.Thread, "start", spy)
    with app.test_request_context():
        _queue(app, "background@example.org")
        commit()
    assert started == ["p2c-mail"]
    received = mail_to.wait_for(1)
    assert received[0]["To"] == "background@example.org"
    # The thread marks the message sent just after the SMTP server has it: wait for that commit.
    deadline = time.monotonic() + 5
    sent_at = None
    while sent_at is None and time.monotonic() < deadline:
        db.session.rollback()  # a fresh read each time
        sent_at = db.session.scalars(select(OutboxMessage.sent_at)).one()
        time.sleep(0.02)
    assert sent_at is not None


def test_two_flushes_at_once_send_each_message_once(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", False)
    with app.test_request_context():
        ids = [_queue(app, f"once{i}@example.org") for i in range(4)]
        commit()
    sent: list[str] = []
    lock = threading.Lock()

    def slow_send(message):  # a slow SMTP server: both flushes see every message as due
        time.sleep(0.2)
        with lock:
            sent.append(message.recipient)

    monkeypatch.setattr(mail, "_send", slow_send)

    def flush():
        with app.app_context():
            try:
                mail.flush_outbox()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=flush) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(sent) == [f"once{i}@example.org" for i in range(4)]
    db.session.expire_all()
    assert all(db.session.get(OutboxMessage, i).sent_at for i in ids)
    assert mail.flush_outbox(force=True) == (0, 0)
