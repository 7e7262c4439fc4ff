"""NUL characters and over-deep JSON in request input, handled before a view sees them.

No field of the platform accepts U+0000, and PostgreSQL refuses it in text, so a NUL would otherwise
surface as a database error. In a URL, a query string or a JSON body (machines, links) it gets one
clear 400 for every endpoint (HTML page, or JSON under /api); in a posted form (people) it is dropped,
as the forms' own text cleaning does, so nobody loses what they typed. A JSON body nested more than
MAX_JSON_DEPTH levels, on any URL and with any method, gets the same kind of 400.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict

NUL = "\x00"


MAX_JSON_DEPTH = 32  # our deepest body (a pledge's targets) is 3 levels; a few more leave room


class _TooDeep(Exception):
    pass


def _strings(value: object) -> Iterator[str]:
    """Every string inside a decoded JSON value (keys included), walked without recursion;
    raises _TooDeep past MAX_JSON_DEPTH, so no later code (schemas, canonical dumps) recurses that far."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _TooDeep
            if isinstance(item, dict):
                yield from (str(key) for key in item)
                item = item.values()
            stack.extend((child, depth + 1) for child in item)


def _json_body() -> object:
    """The decoded JSON body, or None when it is not valid JSON (the view then says so). A body
    nested deeper than the decoder's recursion limit is refused here (it raised RecursionError: a 500)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise _TooDeep from None


def _request_strings() -> Iterator[str]:
    yield request.path
    yield from chain.from_iterable((key, *values) for key, values in request.args.lists())
    if request.is_json and request.content_length != 0:
        yield from _strings(_json_body())


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
        uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
        if len(uri) > app.config["MAX_URL_LENGTH"]:
            abort(414)
        try:
            found = any(NUL in text for text in _request_strings())
        except _TooDeep:
            abort(400, description=_("This JSON document is nested too deeply (more than %(num)d levels).",
                                     num=MAX_JSON_DEPTH))
        if found:
            abort(400, description=_("This request contains a null character (U+0000), which no field accepts. "
                                     "Remove it and try again."))
        _clean_form()
