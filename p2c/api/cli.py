"""`flask p2c api-token create ORG_ID --name NAME` and `flask p2c api-token revoke ID`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from p2c.api import services
from p2c.api.models import ApiToken
from p2c.cli import p2c_cli
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.members.models import Organization

api_token = AppGroup("api-token", help="Issue and revoke API tokens of partner organizations.")
p2c_cli.add_command(api_token)


@api_token.command("create")
@click.argument("org_id", type=int)
@click.option("--name", required=True, help="What the token is for.")
def create(org_id: int, name: str) -> None:
    """Issue a token to an organization and print it (shown once)."""
    organization = db.session.get(Organization, org_id)
    if organization is None:
        raise click.ClickException(f"no organization has id {org_id}")
    token, secret = services.issue_token(organization, name)
    commit()
    click.echo(f"token {token.id} for {organization.name}:", err=True)
    click.echo(secret)


@api_token.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token has id {token_id}")
    services.revoke_token(token)
    commit()
    click.echo(f"token {token_id} ({token.prefix}…) revoked")
