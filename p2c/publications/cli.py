"""`flask p2c publish`: freeze and publish a progress report from the command line."""

from __future__ import annotations

import json
from datetime import date

import click

from p2c.cli import p2c_cli
from p2c.core.errors import ServiceError
from p2c.core.unit import commit, rollback
from p2c.publications import services
from p2c.publications.content import SECTIONS


@p2c_cli.command("publish")
@click.option("--title", required=True, help='e.g. "P2C Progress Report 2026"')
@click.option("--cutoff", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--slug", default=None, help="web address under /reports/ (default: from the title)")
@click.option("--sections", "sections_file", type=click.File("r", encoding="utf-8"), default=None,
              help=f"JSON file with the narrative sections: {', '.join(SECTIONS)}")
def publish(title: str, cutoff, slug: str | None, sections_file) -> None:
    """Publish a progress report frozen as of the cut-off date (it never changes afterwards)."""
    sections: dict[str, str] = {}
    if sections_file is not None:
        try:
            loaded = json.load(sections_file)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not valid JSON: {exc}", param_hint="--sections") from None
        if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
            raise click.BadParameter("expected an object of strings", param_hint="--sections")
        unknown = set(loaded) - set(SECTIONS)
        if unknown:
            raise click.BadParameter(f"unknown sections: {', '.join(sorted(unknown))}", param_hint="--sections")
        sections = loaded
    cutoff_day: date = cutoff.date()
    try:
        publication = services.publish(title, cutoff_day, slug, sections)
        commit()
    except ServiceError as exc:
        rollback()
        raise click.ClickException(f"{exc.field or 'error'}: {exc.message}") from None
    click.echo(f"published /reports/{publication.slug}")
    click.echo(f"cut-off {publication.cutoff_date.isoformat()}  sha256 {publication.content_hash}")
