"""Refuse NUL characters in any request input, before a view sees it.

No field of the platform accepts U+0000, and PostgreSQL refuses it in text, so a NUL in a query
string, a form field, a URL segment or a JSON body would otherwise surface as a database error. One
check here gives every endpoint the same clear 400 (HTML page, or JSON under /api).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from flask import Flask, abort, request
from flask_babel import gettext as _

NUL = "\x00"


def _strings(value: object) -> Iterator[str]:
    """Every string inside a decoded JSON value (keys included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _request_strings() -> Iterator[str]:
    yield request.path
    yield from chain.from_iterable((key, *values) for key, values in request.args.lists())
    if request.method in ("POST", "PUT", "PATCH"):
        if request.is_json:
            yield from _strings(request.get_json(silent=True))
        else:
            yield from chain.from_iterable((key, *values) for key, values in request.form.lists())


def register_input_guard(app: Flask) -> None:
    """Install the check on the app."""

    @app.before_request
    def _refuse_nul() -> None:
        if any(NUL in text for text in _request_strings()):
            abort(400, description=_("This request contains a null character (U+0000), which no field accepts. "
                                     "Remove it and try again."))
