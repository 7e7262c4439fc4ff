"""/progress (the public progress page); the region and country pages are in `place_views`.

The progress page is rendered from `progress_figures()` and cached per data version and language,
so a read costs one small query whatever the number of pledges, and an approval shows at once.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

from babel.numbers import format_compact_currency
from flask import Blueprint, Response, current_app, render_template, request, session, url_for
from flask_babel import format_date, format_number, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from p2c.core.collation import collated
from p2c.core.compress import not_modified, not_modified_response, pack, packed_response
from p2c.core.enums import FigureLevel, ImplementationStatus, ReportingStatus
from p2c.core.i18n import country_name, current_language, ref_name, reference_translation, text_direction
from p2c.extensions import cache, db
from p2c.pledges.directory_views import _options, _selects
from p2c.pledges.filters import active_filters, parse_filters
from p2c.reference.initiatives import initiative_title_langs
from p2c.reference.models import Country, Event
from p2c.reference.queries import name_translations
from p2c.reference.regions import GROUP_NAMES, REGION_NAMES
from p2c.reporting import queries
from p2c.reporting.charts import Bar, bar_chart, cumulative_chart, progress_bar
from p2c.reporting.titles import goal_title
from p2c.reporting.worldmap import legend, world_map
from p2c.web.usertext import user_text

bp = Blueprint("reporting", __name__, template_folder="templates")

TITLES = {
    "focus_area": _l("By focus area"), "pledge_type": _l("By pledge type"),
    "stakeholder": _l("By stakeholder group of the lead organization"),
    "lead_region": _l("By ITU region of the lead organization"), "start_year": _l("By start year"),
    "impl_status": _l("By implementation status"), "event": _l("By pledging event"), "pillar": _l("By pillar"),
    "target_region": _l("By ITU region of the target countries"),
    "scope": _l("Least developed, landlocked and island countries"),
    "beneficiary": _l("By beneficiary group"), "sdg": _l("By Sustainable Development Goal"),
    "wsis": _l("By WSIS Action Line"), "country": _l("Top target countries"),
    "initiative": _l("By WTDC-25 regional initiative"),
}
# Breakdown rows: the ITU regions, and "none" for a lead organization with no country.
ROW_REGION_NAMES = {**REGION_NAMES, "none": _l("Not stated")}
TOP_COUNTRIES = 15


@bp.app_template_global("figure_levels")
def figure_levels() -> list[FigureLevel]:
    """The verification levels of achieved figures, lowest first (column order of the split tables)."""
    return list(FigureLevel)


def row_label(dimension: str, key: str, name: str) -> str:
    """The reader's-language label of one breakdown row (plain text: chart bars, filter chips)."""
    return row_label_lang(dimension, key, name)[0]


def row_label_html(dimension: str, key: str, name: str) -> Markup:
    """The label of one breakdown row for a table cell: a name shown in English because the reader's
    language has none (an event or initiative the team has not translated) is marked lang="en"."""
    label, lang = row_label_lang(dimension, key, name)
    return user_text(label, lang, languages=tuple(current_app.config["LANGUAGES"])) if lang else escape(label)


def row_label_lang(dimension: str, key: str, name: str) -> tuple[str, str | None]:
    """(label, "en" when it is an English fallback on a page in another language, else None)."""
    lang = current_language()
    if dimension == "event" and key != "none":
        text, text_lang = reference_translation(name, name_translations(Event).get(key))
        return text, ("en" if text_lang == "en" and lang != "en" else None)
    if dimension == "initiative":
        title, title_lang = initiative_title_langs(lang).get(key, (name, "en"))
        return f"{key} {title}", ("en" if title_lang == "en" and lang != "en" else None)
    return _row_label(dimension, key, name), None


def _row_label(dimension: str, key: str, name: str) -> str:
    if dimension in ("lead_region", "target_region"):
        return str(ROW_REGION_NAMES.get(key, key))
    if dimension == "scope":
        return str(GROUP_NAMES.get(key, key))
    if dimension == "impl_status":
        return ImplementationStatus(key).title if key in ImplementationStatus.values() else key
    if dimension == "country":
        return country_name(key)
    if dimension == "sdg":
        return _("SDG %(number)s: %(name)s", number=key, name=ref_name(name))
    if key == "none":
        return _("Not stated")
    return ref_name(name) if dimension != "start_year" else key


FINANCE_TITLES = {
    "focus_area": _l("Pledged and disbursed by focus area"), "pledge_type": _l("Pledged and disbursed by pledge type"),
    "stakeholder": _l("Pledged and disbursed by stakeholder group of the lead"),
    "lead_region": _l("Pledged and disbursed by ITU region of the lead organization"),
    "country": _l("By country: pledged where it was meant to go, disbursed where it went"),
    "region": _l("By ITU region: pledged where it was meant to go, disbursed where it went"),
    "year": _l("By year: pledged by pledge date, disbursed by year disbursed"),
    "lead_organization": _l("Lead organizations that disbursed the most"),
}
FINANCE_COLUMNS = {
    "focus_area": _l("Focus area"), "pledge_type": _l("Pledge type"), "stakeholder": _l("Stakeholder group"),
    "lead_region": _l("ITU region"), "country": _l("Country"), "region": _l("ITU region"), "year": _l("Year"),
    "lead_organization": _l("Lead organization"),
}


def finance_label(dimension: str, key: str, name: str) -> Markup:
    """The reader's-language label of one row of the finance tables (an English fallback marked)."""
    if dimension == "region":
        return escape(str(_l("Global")) if key == "global" else str(ROW_REGION_NAMES.get(key, key)))
    if dimension == "year":
        return escape(key if key != "none" else _("Not stated"))
    return row_label_html(dimension, key, name)


def _charts(figures: dict, rtl: bool) -> list[dict]:
    charts = []
    for b in figures["breakdowns"]:
        rows = b["rows"][:TOP_COUNTRIES] if b["dimension"] == "country" else b["rows"]
        items = []
        for r in rows:
            if b["dimension"] == "country":
                href = url_for("reporting.country", iso3=r["key"])
            else:
                href = url_for("pledges.directory", **{b["filter"]: r["key"]}) if r["key"] != "none" else None
            label, lang = row_label_lang(b["dimension"], r["key"], r["name"])
            items.append({**r, "label": label, "href": href, "label_html": user_text(
                label, lang, languages=tuple(current_app.config["LANGUAGES"])) if lang else escape(label)})
        title = str(TITLES[b["dimension"]])
        bars = [Bar(i["label"], i["pledges"], format_number(i['pledges']), i["href"] or "#") for i in items]
        charts.append({"dimension": b["dimension"], "title": title, "additive": b["additive"], "rows": items,
                       "svg": bar_chart(bars, title, rtl) if items else None})
    return charts


def _countries(figures: dict) -> list[dict]:
    """Every country with approved pledges, by name: the map's table equivalent (the chart has the top ones)."""
    rows = [{**r, "label": country_name(r["key"]), "href": url_for("reporting.country", iso3=r["key"])}
            for b in figures["breakdowns"] if b["dimension"] == "country" for r in b["rows"]]
    return collated(rows, key=lambda r: r["label"])


def _goals(figures: dict) -> list[dict]:
    """Goals with their title in the reader's language (or the admin's own, flagged `custom`) and bar."""
    names = {i["code"]: i["name"] for i in figures["indicators"]}
    goals = []
    for g in figures["goals"]:
        title, generated = goal_title(g, names)
        goals.append({**g, "title": title, "custom": not generated,
                      "bar": progress_bar(float(g["share"] or 0), title)})
    return goals


def _timeline() -> dict | None:
    """The cumulative pledged value by month with the pledging events in its span (None without pledges)."""
    points = queries.monthly_pledged()
    if not points:
        return None
    first, last = points[0][0], points[-1][0]
    named = [(d, *reference_translation(n, t)) for d, n, t in queries.pledging_events()
             if first <= d <= date(last.year, last.month, 28)]
    events = [(d, name) for d, name, _lang in named]
    title = _("Value pledged over time (cumulative, USD, by month of the pledge date)")
    lang = current_language()
    svg = cumulative_chart(points, events, title,
                           lambda v: format_compact_currency(v, "USD", locale=lang, fraction_digits=1),
                           lambda n, name, d: f"{n}. {name} ({format_date(d)})",
                           lambda d: format_date(d, "MMM y"))
    return {"svg": svg, "title": title, "events": named,
            "years": [(d.year, v) for d, v in points if d.month == 12 or d == last]}


def _map_legend(figures: dict) -> list[dict]:
    counts = [r["pledges"] for b in figures["breakdowns"] if b["dimension"] == "country" for r in b["rows"]]
    return legend(max(counts, default=0))


def _map(figures: dict):
    counts = {r["key"]: r["pledges"] for b in figures["breakdowns"] if b["dimension"] == "country" for r in b["rows"]}
    by_m49 = {m49: (iso3, country_name(iso3)) for iso3, m49 in db.session.execute(select(Country.iso3, Country.m49))}
    return world_map(counts, by_m49, lambda iso3: url_for("reporting.country", iso3=iso3),
                     _("Number of approved pledges targeting each country"),
                     lambda name, n: ngettext("%(country)s: %(count)s pledge", "%(country)s: %(count)s pledges", n,
                                              country=name, count=format_number(n)))


# The directory's filters offered on the progress page (the API takes every one of them).
PAGE_FILTERS = ("region", "country", "group", "focus_area", "type", "stakeholder", "year")


def _filter_box(filters: dict, errors: dict) -> dict:
    """The filter form's option lists (the directory's own) and the chips of the active filters."""
    selects = _selects(filters, None)
    options = _options()
    chips = []
    for name, value in active_filters(filters).items():
        label = dict(options.get(name, [])).get(str(value), str(value))
        rest = {k: v for k, v in active_filters(filters).items() if k != name}
        chips.append((name, label, url_for("reporting.progress", **rest)))
    return {"selects": selects, "chips": chips, "errors": errors, "names": PAGE_FILTERS}


@bp.get("/progress")
def progress():
    """Headline figures, goals, breakdowns, indicators, reporting status and the map; the directory's
    filters narrow them (the URL says which, so it can be shared)."""
    lang = current_language()
    # Without a query string (most readers) nothing is parsed: the cached page is served as before.
    filters, errors = parse_filters(request.args) if request.args else ({}, {})
    active = active_filters(filters)
    token = queries.state_token(committed=True)  # a GET: nothing of its own to see
    if active or errors:
        token = f"{token}:{json.dumps(active, sort_keys=True, default=str)}:{sorted(errors)}"
    etag = hashlib.sha1(f"{token}.{lang}".encode(), usedforsecurity=False).hexdigest()
    if not_modified(etag):
        return not_modified_response(etag)
    # Anonymous readers with nothing flashed all get the same page: cache it whole, as bytes, plain and
    # gzipped. Anyone else gets the cached body inside a freshly rendered frame (their navigation, their
    # messages).
    anonymous = not session
    page_key = f"progress-page-v3:{token}:{lang}"  # v2: (plain, gzip) bytes; v3: levels
    packed = cache.get(page_key) if anonymous else None
    if packed is None:
        body_key = f"progress-body-v2:{token}:{lang}"
        body = cache.get(body_key)
        if body is None:
            figures = queries.filtered_figures(active)
            rtl = text_direction(lang) == "rtl"
            goals = _goals(figures)
            body = render_template(
                "reporting/_progress_body.html", figures=figures, goals=goals, charts=_charts(figures, rtl),
                world=_map(figures), countries=_countries(figures), map_legend=_map_legend(figures),
                timeline=_timeline() if not active else None, filter_box=_filter_box(filters, errors),
                reporting_titles={s.value: s.title for s in ReportingStatus},
                finance_titles=FINANCE_TITLES, finance_columns=FINANCE_COLUMNS, finance_label=finance_label,
                to_date=date.fromisoformat, to_datetime=datetime.fromisoformat)
            cache.set(body_key, body, ttl=24 * 3600)
        html = render_template("reporting/progress.html", body=Markup(body))  # noqa: S704 - our own rendered template
        if not (anonymous and not session):
            response = Response(html, mimetype="text/html")
            response.set_etag(etag)
            return response
        packed = pack(html)
        cache.set(page_key, packed, ttl=24 * 3600)
    return packed_response(packed, "text/html", etag)
