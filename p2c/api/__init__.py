"""The /api/v1 blueprint, OpenAPI document and JSON error format.

Features register their resources in their own `api.py`; `RESOURCE_MODULES` lists them so the
blueprint has every route before it is registered on the app.
"""

from __future__ import annotations

import importlib

from flask import Blueprint

RESOURCE_MODULES: list[str] = [
    # "p2c.pledges.api", "p2c.reporting.api", ... added by each feature
    "p2c.pledges.api",
    "p2c.reporting.api",
    "p2c.api.write",
    "p2c.api.openapi",
]


def api_blueprint() -> Blueprint:
    """Import every resource module, then return the blueprint."""
    from p2c.api.blueprint import bp

    for name in RESOURCE_MODULES:
        importlib.import_module(name)
    return bp
