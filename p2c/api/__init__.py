"""API plumbing below the features: the /api/v1 blueprint, the OpenAPI document, the JSON error
format, bearer tokens and idempotent writes.

Features register their resources (reads and writes) in their own `api.py`; `RESOURCE_MODULES`
lists them so the blueprint has every route before it is registered on the app. This package
imports no feature above `members` (tokens belong to organizations).
"""

from __future__ import annotations

import importlib

from flask import Blueprint

RESOURCE_MODULES: list[str] = [
    "p2c.pledges.api",
    "p2c.implementation.api",
    "p2c.reporting.api",
    "p2c.matchmaking.api",
    "p2c.events.api",
    "p2c.api.openapi",
]


def api_blueprint() -> Blueprint:
    """Import every resource module, then return the blueprint."""
    from p2c.api.blueprint import bp

    for name in RESOURCE_MODULES:
        importlib.import_module(name)
    return bp
