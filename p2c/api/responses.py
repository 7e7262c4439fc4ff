"""Conditional JSON answers of the read API (ETag, Last-Modified, 304)."""

from __future__ import annotations

from flask import jsonify, request


def conditional(payload: dict, last_modified=None):
    """JSON response with an ETag (and Last-Modified when known); 304 when the client has it already."""
    response = jsonify(payload)
    response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response.make_conditional(request)
