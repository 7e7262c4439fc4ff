"""`flask p2c reference load` and `flask p2c rates load FILE`."""

from __future__ import annotations

from pathlib import Path

import click

from p2c.cli import p2c_cli
from p2c.core.unit import commit
from p2c.reference.loaders import RatesFileError, load_all, load_rates_file


@p2c_cli.group("reference")
def reference() -> None:
    """Reference data (countries, focus areas, SDGs, currencies...)."""


@reference.command("load")
def reference_load() -> None:
    """Load or refresh every shipped reference dataset (safe to run again)."""
    counts = load_all()
    commit()
    for dataset, count in counts.items():
        click.echo(f"{dataset}: {count}")


@p2c_cli.group("rates")
def rates() -> None:
    """Exchange rates."""


@rates.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def rates_load(file: Path) -> None:
    """Load yearly USD rates from a CSV file (currency,year,usd_per_unit,source,as_of)."""
    try:
        count = load_rates_file(file)
    except RatesFileError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"{count} rates loaded")
