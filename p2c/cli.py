"""The `flask p2c` command group. Each feature adds its subcommands in its own cli.py."""

from __future__ import annotations

import importlib

from flask import Flask
from flask.cli import AppGroup

p2c_cli = AppGroup("p2c", help="Partner2Connect commands.")

# Feature modules that add commands to the group (explicit, like the blueprints).
CLI_MODULES = [
    "p2c.reference.cli",
    "p2c.accounts.cli",
    "p2c.demo.cli",
    "p2c.opendata.cli",
    "p2c.api.cli",
    "p2c.access.cli",
    "p2c.review.cli",
    "p2c.implementation.cli",
    "p2c.publications.cli",
    "p2c.reporting.cli",
    "p2c.operations.cli",
]


def register_cli(app: Flask) -> None:
    """Attach the group (and every feature's commands) to the app."""
    for name in CLI_MODULES:
        importlib.import_module(name)
    app.cli.add_command(p2c_cli)
