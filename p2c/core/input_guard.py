"""NUL characters in request input, handled before a view sees them.

No field of the platform accepts U+0000, and PostgreSQL refuses it in text, so a NUL would otherwise
surface as a database error. In a URL, a query string or a JSON body (machines, links) it gets one
clear 400 for every endpoint (HTML page, or JSON under /api); in a posted form (people) it is dropped,
as the forms' own text cleaning does, so nobody loses what they typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

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
    if request.method in ("POST", "PUT", "PATCH") and request.is_json:
        yield from _strings(request.get_json(silent=True))


def _clean_form() -> None:
    """Drop NULs from posted form fields. A person who pasted text with a NUL in it (from a PDF, say)
    must not lose a long form to an error page for an invisible character that never means anything."""
    if request.method not in ("POST", "PUT", "PATCH") or request.is_json:
        return
    form = request.form
    if any(NUL in text for text in chain.from_iterable((key, *values) for key, values in form.lists())):
        request.form = ImmutableMultiDict(  # type: ignore[misc] - werkzeug's cached_property takes a value
            [(key.replace(NUL, ""), value.replace(NUL, "")) for key, value in form.items(multi=True)])


def register_input_guard(app: Flask) -> None:
    """Install the check on the app."""

    @app.before_request
    def _refuse_nul() -> None:
        if any(NUL in text for text in _request_strings()):
            abort(400, description=_("This request contains a null character (U+0000), which no field accepts. "
                                     "Remove it and try again."))
        _clean_form()
