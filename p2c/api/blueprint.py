"""The /api/v1 blueprint and the registry of documented endpoints.

Feature modules (`p2c/<feature>/api.py`) add routes to `bp` and describe them with `documented`,
so the OpenAPI document is generated from the same marshmallow schemas that (de)serialize.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1", template_folder="templates")

# Cross-origin reads (flask-cors): any site's scripts may GET the open figures, as a ministry's page
# showing its own pledges live. No credentials (the read API needs none), and a preflight admits
# only GET/HEAD with a conditional-request header: the write endpoints' bearer tokens
# (Authorization) are never allowed across origins.
CORS_RESOURCES = {r"/api/v1/*": {
    "origins": "*", "send_wildcard": True, "methods": ["GET", "HEAD"],
    "allow_headers": ["If-None-Match", "If-Modified-Since"],
    "expose_headers": ["ETag", "Last-Modified", "Link"], "supports_credentials": False, "max_age": 86400}}


@dataclass
class EndpointDoc:
    """OpenAPI facts about one operation."""

    path: str  # OpenAPI style: /pledges/{ref}
    method: str  # get, post ...
    summary: str
    tags: list[str]
    query_schema: type | None = None
    body_schema: type | None = None
    responses: dict[int, type | None] = field(default_factory=dict)
    description: str = ""
    auth: bool = False  # needs a bearer token


ENDPOINTS: list[EndpointDoc] = []


def documented(path: str, method: str, *, summary: str, tags: list[str], query_schema: type | None = None,
               body_schema: type | None = None, responses: dict[int, type | None] | None = None,
               description: str = "", auth: bool = False) -> Callable:
    """Record OpenAPI metadata for a view (the route itself is declared with bp.get/bp.post)."""

    def decorator(view: Callable) -> Callable:
        ENDPOINTS.append(EndpointDoc(path, method.lower(), summary, tags, query_schema, body_schema,
                                     responses or {200: None}, description, auth))
        return view

    return decorator
