"""`flask p2c worker`: mail, reminders, digests and checks on a schedule (p2c.operations.worker)."""

from __future__ import annotations

import click
from flask import current_app

from p2c.cli import p2c_cli
from p2c.operations import worker


@p2c_cli.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron or a check).")
def worker_command(once: bool) -> None:
    """Run the scheduled jobs until stopped (SIGTERM lets running jobs finish). Safe to run twice."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if once:
        for name, result in worker.run_once(app).items():
            click.echo(f"{name}: {result}")
        return
    worker.run_forever(app)
