"""Writes for follows: ask (queues the confirmation mail), confirm, stop, and the periodic digests.
Never commits (the views' unit of work and the worker job do)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale

from p2c.core import audit
from p2c.core.db import utcnow
from p2c.extensions import db
from p2c.follows import notifications, queries
from p2c.follows.models import Follow

# An unconfirmed request is mailed again at most this often (a form cannot be used to flood an address).
RESEND_AFTER = timedelta(minutes=10)


def ask(email: str, kind: str, key: str, language: str) -> Follow:
    """A request to follow: a new unconfirmed row (or the existing one) and, unless confirmed already
    or asked within RESEND_AFTER, the confirmation mail. The answer is the same in every case."""
    now = utcnow()
    follow = queries.existing(email, kind, key)
    if follow is None:
        follow = Follow(email=email, target_kind=kind, target_key=key, language=language, created_at=now)
        db.session.add(follow)
        db.session.flush()
    elif follow.confirmed_at is not None or now - follow.created_at < RESEND_AFTER:
        return follow
    else:
        follow.created_at, follow.language = now, language
    notifications.confirm_follow(follow)
    return follow


def confirm(follow: Follow) -> None:
    """The follower opened the confirmation link: digests start with what is approved from now on."""
    if follow.confirmed_at is None:
        now = utcnow()
        follow.confirmed_at = now
        follow.digest_from = now
        db.session.flush()
        audit.record("follow.confirmed", "follow", follow.id, label=f"{follow.target_kind}:{follow.target_key}",
                     actor_label="follower")


def stop(follow: Follow | None) -> None:
    """Unsubscribe: the row is deleted (the address is kept nowhere)."""
    if follow is not None:
        audit.record("follow.stopped", "follow", follow.id, label=f"{follow.target_kind}:{follow.target_key}",
                     actor_label="follower")
        db.session.delete(follow)
        db.session.flush()


def period_start(now: datetime) -> datetime:
    """The start of the current digest period (P2C_FOLLOW_DIGEST: daily, or weekly from Monday)."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if current_app.config.get("FOLLOW_DIGEST") == "weekly":
        return day - timedelta(days=day.weekday())
    return day


def send_digests(until: datetime, batch: int = 500) -> int:
    """One digest per confirmed follow with something approved in (digest_from, until]; returns how many.

    `until` is the start of the current period, so each item lands in exactly one digest, whatever
    the schedule; each follow's `digest_from` moves to `until` in the same transaction as its mail.
    """
    sent, last_id = 0, 0
    while True:
        follows = queries.follow_batch(last_id, batch)
        if not follows:
            return sent
        last_id = follows[-1].id
        for follow in follows:
            start = follow.digest_from or follow.confirmed_at
            if start is not None and start >= until:
                continue
            with force_locale(follow.language):  # the subject's name in the follower's language
                subject = queries.subject(follow.target_kind, follow.target_key)
            items = queries.approved_items(follow.target_kind, follow.target_key, since=start, until=until) \
                if subject is not None else []
            if items:
                notifications.digest(follow, subject, items)
                sent += 1
            follow.digest_from = until
        db.session.flush()
