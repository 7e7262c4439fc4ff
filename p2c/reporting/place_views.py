"""/regions/<code> (an ITU region: its WTDC-25 initiatives, countries and pledges), /countries/<iso3>
(pledges for the country, regional and global pledges covering it, what its institutions pledged
elsewhere) and /countries/<iso3>/brief.pdf (a one-page brief in the reader's language).

Routes are added to the reporting blueprint (imported by the app factory). Reads are in `places`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Response, abort, current_app, redirect, render_template, url_for

from p2c.core.db import utcnow
from p2c.core.i18n import country_name, current_language, text_direction
from p2c.core.pdf import html_to_pdf
from p2c.core.tokens import absolute_url
from p2c.extensions import cache, limiter
from p2c.reference.initiatives import Initiative, RegionalInitiative, initiatives, title_in
from p2c.reference.regions import ITU_REGIONS, region_name
from p2c.reporting import places, queries
from p2c.reporting.views import bp
from p2c.rollups.queries import data_version

# Making a PDF costs a few hundred milliseconds: a client may ask for a few a minute, not hundreds.
BRIEF_RATE_LIMIT = "20 per minute"


@bp.app_template_global("initiative_of")
def initiative_of(record: RegionalInitiative) -> Initiative:
    """An initiative record as plain data titled in the reader's language (for other features' pages)."""
    title, lang = title_in(record, current_language())
    return Initiative(record.code, record.region, record.number, title, lang, record.period_start,
                      record.period_end, record.active)


@bp.get("/regions")
def regions():
    """The six ITU regions, each linking to its page."""
    return render_template("reporting/regions.html",
                           regions=[(code, region_name(code)) for code in ITU_REGIONS])


@bp.get("/regions/<code>")
def region(code: str):
    """One ITU region: its initiatives with pledged and achieved, its countries, its pledges."""
    if code.upper() != code and places.region_exists(code.upper()):
        return redirect(url_for("reporting.region", code=code.upper()), 301)
    if not places.region_exists(code):
        abort(404)
    lang = current_language()
    # Admins may retitle an initiative without any pledge changing: its titles are part of the key.
    stamp = hashlib.sha1(repr(initiatives(lang, region=code)).encode(), usedforsecurity=False).hexdigest()[:12]
    data = _cached(f"region-page:{code}:{lang}:{stamp}", lambda: places.region_page(code, lang))
    data["countries"].sort(key=lambda c: country_name(c["iso3"]))
    return render_template("reporting/region.html", code=code, name=region_name(code), **data)


def _cached(name: str, compute):
    """The figures of a page, cached per data version (an approval or a report shows at once)."""
    key = f"{name}:{data_version(committed=True)}"
    data = cache.get(key)
    if data is None:
        data = compute()
        cache.set(key, data, ttl=3600)
    return data


def _country_or_404(iso3: str):
    record = queries.country(iso3)
    if record is None:
        abort(404)
    return record


@bp.get("/countries/<iso3>")
def country(iso3: str):
    """Pledges for one country, regional and global pledges covering it, its pledgers, its institutions'
    pledges elsewhere."""
    record = _country_or_404(iso3)
    if iso3 != record.iso3:
        return redirect(url_for("reporting.country", iso3=record.iso3), 301)
    data = _cached(f"country-page:{record.iso3}", lambda: places.country_page(record.iso3))
    return render_template("reporting/country.html", country=record, region=region_name(record.itu_region), **data)


@bp.get("/countries/<iso3>/brief.pdf")
@limiter.limit(BRIEF_RATE_LIMIT)
def country_brief(iso3: str):
    """The country page on one printed page, as a PDF in the reader's language (cached per data version
    and language: making a PDF costs far more than a page)."""
    record = _country_or_404(iso3)
    if iso3 != record.iso3:
        return redirect(url_for("reporting.country_brief", iso3=record.iso3), 301)
    lang = current_language()
    key = f"country-brief:{record.iso3}:{lang}:{data_version(committed=True)}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = _brief_pdf(record, lang)
        cache.set(key, pdf, ttl=3600)
    filename = f"p2c-{record.iso3.lower()}-{lang}.pdf"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Content-Language"] = lang
    return response


def _brief_pdf(record, lang: str) -> bytes:
    html = render_template("reporting/country_brief.html", country=record, region=region_name(record.itu_region),
                           lang=lang, dir=text_direction(lang), today=utcnow().date(),
                           page_url=absolute_url(url_for("reporting.country", iso3=record.iso3)),
                           **_cached(f"country-page:{record.iso3}", lambda: places.country_page(record.iso3)))
    static = Path(current_app.static_folder or ".").resolve()
    return html_to_pdf(html, static.as_uri() + "/")


__all__ = ["country", "country_brief", "initiative_of", "region", "regions"]
