"""/embed/...: light widgets (HTML pages and SVG images) that any site may frame or show.

Each widget has an HTML page (own small stylesheet, no script) and an SVG image with the same
figures, in the reader's language (?lang=). These responses alone allow framing by any site
(`frame-ancestors *`, no X-Frame-Options); every other page keeps refusing it (p2c.web.hooks).
Links open the source page in a new browsing context, since our pages cannot be shown in a frame.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from p2c.core.i18n import current_language, text_direction
from p2c.embed import queries

bp = Blueprint("embed", __name__, url_prefix="/embed", template_folder="templates")

# No script anywhere; styles from our own stylesheet (HTML) or inline in the SVG document itself.
HTML_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors *; "
            "base-uri 'none'; form-action 'none'")
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"
SVG_TYPE = "image/svg+xml; charset=utf-8"


@bp.after_request
def _allow_framing(response):
    """Set the widget's own policy before the app-wide hook, which then leaves framing alone."""
    svg = response.mimetype == "image/svg+xml"
    if response.status_code < 400:
        response.headers["Content-Security-Policy"] = SVG_CSP if svg else HTML_CSP
    return response


def _svg(template: str, **context):
    body = render_template(template, lang=current_language(), rtl=text_direction(current_language()) == "rtl",
                           **context)
    return body, 200, {"Content-Type": SVG_TYPE}


@bp.get("/coalition")
def coalition():
    """Coalition counter: approved pledges, USD pledged, organizations and countries targeted."""
    return render_template("embed/coalition.html", figures=queries.coalition())


@bp.get("/coalition.svg")
def coalition_svg():
    """The coalition counter as an SVG image (for an <img> where frames are not wanted)."""
    return _svg("embed/coalition.svg", figures=queries.coalition())


@bp.get("/countries/<iso3>")
def country(iso3: str):
    """Country counter: approved pledges that target the country and their USD value."""
    found = queries.country(iso3)
    if found is None:
        abort(404)
    record, summary = found
    if iso3 != record.iso3:
        return redirect(url_for("embed.country", iso3=record.iso3), 301)
    return render_template("embed/country.html", country=record, summary=summary)


@bp.get("/countries/<iso3>.svg")
def country_svg(iso3: str):
    """The country counter as an SVG image."""
    found = queries.country(iso3)
    if found is None:
        abort(404)
    record, summary = found
    return _svg("embed/country.svg", country=record, summary=summary)


@bp.get("/pledges/<ref>")
def pledge(ref: str):
    """Pledge badge: an approved pledge's reference, title, lead organization and value."""
    record = queries.pledge(ref)
    if record is None:
        abort(404)
    return render_template("embed/pledge.html", pledge=record)


@bp.get("/pledges/<ref>.svg")
def pledge_svg(ref: str):
    """The pledge badge as an SVG image."""
    record = queries.pledge(ref)
    if record is None:
        abort(404)
    return _svg("embed/pledge.svg", pledge=record)
