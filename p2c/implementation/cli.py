"""`flask p2c remind`: e-mail the focal points of due and inactive pledges a fresh private link."""

from __future__ import annotations

import sys

import click
from flask import current_app

from p2c.cli import p2c_cli
from p2c.core.db import utcnow
from p2c.core.mail import flush_outbox
from p2c.core.unit import commit
from p2c.implementation import queries, services

BATCH_SIZE = 500


@p2c_cli.command("remind")
@click.option("--dry-run", is_flag=True, help="List the reminders that would be sent; send nothing.")
@click.option("--interval-days", type=int, default=None,
              help="Do not remind a pledge reminded within this many days (default: REMINDER_INTERVAL_DAYS).")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=BATCH_SIZE, show_default=True)
def remind(dry_run: bool, interval_days: int | None, batch_size: int) -> None:
    """Remind focal points of approved pledges whose reporting is due or inactive.

    Works in batches of pledge ids (constant memory at any size); each batch is committed with its
    outbox messages, then sent. A pledge reminded within the interval is skipped, so running the
    command twice never sends the same reminder twice.
    """
    interval = interval_days if interval_days is not None else current_app.config["REMINDER_INTERVAL_DAYS"]
    now = utcnow()
    total = queries.count_reminder_candidates(now, interval)
    if total == 0:
        click.echo("No pledge needs a reminder.")
        return
    done = last_id = 0
    # The bar goes to stderr so the dry-run listing on stdout stays clean for scripts.
    with click.progressbar(length=total, label="dry run" if dry_run else "reminders", file=sys.stderr) as bar:
        while True:
            batch = queries.reminder_batch(now, interval, last_id, batch_size)
            if not batch:
                break
            last_id = batch[-1].pledge_id
            if dry_run:
                for c in batch:
                    click.echo(f"{c.reference}\t{c.status.value}\t{c.language}\t{c.email}")
            else:
                services.send_reminders(batch, now, interval)
                commit()
                flush_outbox(limit=len(batch))
            done += len(batch)
            bar.update(len(batch))
    if dry_run:
        click.echo(f"{done} reminders would be sent (dry run: nothing sent).")
    else:
        click.echo(f"{done} reminders queued; unsent ones stay in the outbox for `flask p2c mail flush`.")
