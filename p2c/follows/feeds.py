"""Atom documents (feedgen) of what was approved about a subject."""

from __future__ import annotations

from datetime import UTC

from feedgen.feed import FeedGenerator
from flask import Response, request
from flask_babel import gettext as _

from p2c.core.i18n import current_language
from p2c.core.text import safe_text
from p2c.core.tokens import absolute_url


def _aware(value):
    return value.replace(tzinfo=UTC)


def atom(subject, items: list, title: str) -> bytes:
    """The feed: one entry per approved pledge or progress report, ids stable across runs."""
    fg = FeedGenerator()
    page = absolute_url(subject.page)
    fg.id(absolute_url(request.path))
    fg.title(safe_text(title))
    fg.link(href=page, rel="alternate")
    fg.link(href=absolute_url(request.path), rel="self")
    fg.language(current_language())
    fg.author({"name": "Partner2Connect Digital Coalition, ITU"})
    fg.updated(_aware(items[0].approved_at) if items else None)
    if not items:
        from p2c.core.db import utcnow

        fg.updated(_aware(utcnow()))
    for item in reversed(items):  # feedgen puts the last added first
        entry = fg.add_entry()
        url = absolute_url(f"/pledges/{item.pledge_reference}")
        entry.id(absolute_url(f"/pledges/{item.pledge_reference}") + (f"#{item.key}" if item.kind == "report" else ""))
        if item.kind == "pledge":
            entry.title(safe_text(_("New pledge %(ref)s: %(title)s", ref=item.key, title=item.title)))
        else:
            entry.title(safe_text(_("Progress report %(ref)s on: %(title)s", ref=item.key, title=item.title)))
        entry.link(href=url)
        entry.updated(_aware(item.approved_at))
        entry.published(_aware(item.approved_at))
        entry.summary(safe_text(item.summary))
    return fg.atom_str(pretty=True)


def response(body: bytes) -> Response:
    out = Response(body, mimetype="application/atom+xml")
    out.headers["Cache-Control"] = "public, max-age=300"
    return out
