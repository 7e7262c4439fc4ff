"""`flask p2c digest`: e-mail each reviewer what waits for them."""

from __future__ import annotations

import click

from p2c.cli import p2c_cli
from p2c.core.enums import SubmissionKind
from p2c.core.tokens import absolute_url
from p2c.core.unit import commit
from p2c.review import notifications, queries


def send_digests() -> int:
    """Queue one digest per active staff member with something waiting; returns how many. Never commits."""
    queue_url = absolute_url("/review/?assignee=&status=open")
    sent = 0
    for user in queries.staff_users():
        waiting = queries.waiting_for(user)
        total = sum(sum(b.values()) for b in waiting.values())
        if not total:
            continue
        rows = [(SubmissionKind(kind), buckets) for kind, buckets in sorted(waiting.items())]
        notifications.reviewer_digest(user, rows, total, queue_url)
        sent += 1
    return sent


@p2c_cli.command("digest")
def digest() -> None:
    """E-mail each reviewer a summary of submissions unassigned or assigned to them."""
    count = send_digests()
    commit()  # sends the queued messages right after
    click.echo(f"digests queued: {count}")
