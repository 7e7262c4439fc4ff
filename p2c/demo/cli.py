"""`flask p2c demo-data --pledges N --seed S` and `flask p2c demo-reviewer`."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from p2c.accounts import services as accounts
from p2c.accounts.models import User
from p2c.cli import p2c_cli
from p2c.core.bulk import analyze_after_load, vacuum_after_load
from p2c.core.enums import UserRole
from p2c.core.signals import bulk_loaded
from p2c.core.unit import commit
from p2c.demo.generator import DemoGenerator
from p2c.demo.needs import ensure_needs
from p2c.extensions import db
from p2c.pledges.models import Pledge


@p2c_cli.command("demo-data")
@click.option("--pledges", "count", type=click.IntRange(1, 5_000_000), default=2000, show_default=True)
@click.option("--seed", type=int, default=2030, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has pledges.")
def demo_data(count: int, seed: int, if_empty: bool) -> None:
    """Create realistic demo organizations, pledges, reviews and progress reports."""
    existing = db.session.scalar(select(func.count(Pledge.id)))
    if if_empty and existing:
        click.echo(f"demo data skipped: the database already has {existing} pledges")
        return
    started = time.perf_counter()
    generator = DemoGenerator(seed)
    with click.progressbar(length=count, label="pledges") as bar:
        result = generator.run(count, progress=bar.update)
    analyze_after_load()
    bulk_loaded.send(current_app._get_current_object(), what="demo-data")
    commit()
    ensure_needs(seed)  # country needs and a few introductions (p2c.demo.needs)
    commit()
    _publish_demo_report()
    commit()  # no transaction of ours left open beside the VACUUM
    vacuum_after_load()
    elapsed = time.perf_counter() - started
    click.echo(
        f"created {result.pledges} pledges, {result.organizations} organizations, "
        f"{result.expressions_of_interest} expressions of interest, {result.progress_reports} progress reports "
        f"in {elapsed:.1f} s"
    )


def _publish_demo_report() -> None:
    """A published report as of last 31 December, so that /reports shows one (only when none exists)."""
    from datetime import date

    from p2c.publications import services as publications
    from p2c.publications.models import Publication

    if db.session.scalar(select(func.count(Publication.id))):
        return
    cutoff = date(date.today().year - 1, 12, 31)
    publications.publish(f"P2C Progress Report {cutoff.year}", cutoff,
                         sections={"foreword": "Demo report: the figures below come from the demo data.\n\n"
                                                "- every approved pledge up to the cut-off counts\n"
                                                "- the JSON download has the exact hashed data"})
    commit()


def _demo_password() -> str:
    """The demo reviewer's password, chosen once and kept in instance/demo-reviewer-password (git-ignored,
    readable by its owner only), so that `make run` gives the same sign-in every time."""
    path = Path(current_app.instance_path) / "demo-reviewer-password"
    if path.exists():
        saved = path.read_text(encoding="utf-8").strip()
        if saved:
            return saved
    password = secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n", encoding="utf-8")
    path.chmod(0o600)
    return password


@p2c_cli.command("demo-reviewer")
def demo_reviewer() -> None:
    """Development only: create the demo reviewer account and print its password."""
    if current_app.config.get("ENV_NAME") != "development":
        raise click.ClickException("the demo reviewer exists only in the development configuration")
    email = current_app.config["DEMO_REVIEWER_EMAIL"]
    user = db.session.scalar(select(User).where(User.email == email))
    password = _demo_password()
    if user is None:
        accounts.create_user(email, password, UserRole.REVIEWER, name="Demo reviewer")
    else:
        user.password_hash = accounts.hash_password(password)
    commit()
    click.echo("=" * 60)
    click.echo(f"Demo back-office account (development only): {email} / {password}")
    click.echo("An administrator account: flask --app wsgi p2c create-user EMAIL --role admin")
    click.echo("=" * 60)
