"""`flask p2c mail flush`: send the e-mails waiting in the outbox (also retried after every commit)."""

from __future__ import annotations

import click
from sqlalchemy import func, select

from p2c.cli import p2c_cli
from p2c.core.mail import MAX_ATTEMPTS, flush_outbox
from p2c.core.models import OutboxMessage
from p2c.extensions import db


@p2c_cli.group("mail")
def mail_group() -> None:
    """The e-mail outbox."""


@mail_group.command("flush")
@click.option("--all", "force", is_flag=True, help="Also retry messages whose back-off has not ended.")
@click.option("--limit", default=1000, show_default=True, help="At most this many messages.")
def flush(force: bool, limit: int) -> None:
    """Send pending messages; prints how many were sent and how many failed."""
    sent, failed = flush_outbox(limit=limit, force=force)
    pending = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS))
    click.echo(f"sent {sent}, failed {failed}, still pending {pending}")
    if failed:
        raise SystemExit(1)
