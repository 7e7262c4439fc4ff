"""`flask p2c create-user EMAIL --role reviewer|admin|verifier`."""

from __future__ import annotations

import sys

import click

from p2c.accounts import services
from p2c.cli import p2c_cli
from p2c.core.enums import UserRole
from p2c.core.errors import ServiceError
from p2c.core.unit import commit


@p2c_cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(UserRole.values()), default="reviewer", show_default=True)
@click.option("--name", default="", help="Display name.")
def create_user(email: str, role: str, name: str) -> None:
    """Create a staff account; the password is prompted, or read from standard input when piped."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        services.create_user(email, password, UserRole(role), name=name)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    commit()
    click.echo(f"created {role} {email}")
