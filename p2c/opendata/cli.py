"""`flask p2c export --format csv|json|xlsx|iati [--output FILE]` and `flask p2c import FILE [--dry-run]`."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

import click

from p2c.cli import p2c_cli
from p2c.core.numbers import EXPORT_FORMAT
from p2c.core.unit import commit, rollback
from p2c.opendata.exports import FORMATS
from p2c.opendata.iati_stream import iati_chunks
from p2c.opendata.imports import import_file, iter_errors


def _progress(items: Iterable, label: str) -> AbstractContextManager[Iterable]:
    # Rows stream from the file (their number is not known ahead): a running count on a terminal.
    if not sys.stderr.isatty():
        return nullcontext(items)
    return click.progressbar(items, label=label, file=sys.stderr, show_pos=True)


@p2c_cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "iati"]), default="csv",
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="File to write (default: standard output).")
def export(fmt: str, output: Path | None) -> None:
    """Export the approved pledges (the same files as /data)."""
    chunks = iati_chunks if fmt == "iati" else FORMATS[fmt][2]
    if output is None:
        stream = sys.stdout.buffer
        for chunk in chunks(None):
            stream.write(chunk)
        stream.flush()
        return
    with output.open("wb") as fh:
        for chunk in chunks(None):
            fh.write(chunk)
    click.echo(f"wrote {output}", err=True)


@p2c_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report, without writing anything.")
@click.option("--locale", default=EXPORT_FORMAT, show_default=True,
              help="How numbers are written in the file: 'export' (1234.50, as the export writes them) or a "
                   "language code whose format the file uses (fr: 1 234,50; es: 1.234,50).")
@click.option("--restore", is_flag=True,
              help="The file is this platform's own export, loaded back: keep the level of the achieved figures "
                   "each row states (reviewed, verified). Without it, imported figures are self-reported.")
def import_(file: Path, dry_run: bool, locale: str, restore: bool) -> None:
    """Import pledges from a CSV, XLSX or JSON file in the export format (all or nothing)."""
    if locale != EXPORT_FORMAT:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            raise click.BadParameter(f"unknown language code {locale!r}", param_hint="--locale") from None
    result = import_file(file, dry_run=dry_run, progress=_progress, locale=locale, restore=restore)
    if not result.ok:
        rollback()
        for line in iter_errors(result):
            click.echo(line, err=True)
        if result.errors:
            click.echo(f"{len(result.errors)} problem(s) in {result.rows} row(s); nothing was imported.", err=True)
        raise SystemExit(1)
    if dry_run:
        rollback()
        click.echo(f"dry run: {result.rows} valid row(s) ({result.fmt}); would create {result.created} and "
                   f"update up to {result.updated} pledge(s). Nothing was written.")
        return
    commit()
    click.echo(f"imported {result.rows} row(s) ({result.fmt}): {result.created} created, {result.updated} updated, "
               f"{result.unchanged} unchanged.")
