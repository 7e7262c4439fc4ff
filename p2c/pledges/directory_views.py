"""The pledge directory (/pledges) and public pledge pages (/pledges/<ref>).

Routes are added to p2c.pledges.blueprint.bp. Filters are parsed by p2c.pledges.filters (shared with
the API and exports); reads are in p2c.pledges.queries.
"""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from p2c.core.collation import collated
from p2c.core.enums import ImplementationStatus, ReportingStatus
from p2c.core.i18n import country_name, current_language, ref_name, reference_translation
from p2c.extensions import cache, db
from p2c.pledges import directory_cache, queries
from p2c.pledges.blueprint import bp
from p2c.pledges.filters import FILTER_NAMES, GROUPS, active_filters, parse_filters
from p2c.reference.initiatives import initiatives
from p2c.reference.models import (
    BeneficiaryGroup,
    Country,
    Event,
    FocusArea,
    GdcObjective,
    Pillar,
    PledgeType,
    Sdg,
    SdgTarget,
    StakeholderGroup,
    WsisLine,
)
from p2c.reference.regions import GROUP_NAMES, REGION_CODES, REGION_NAMES
from p2c.rollups.queries import data_version


def _options() -> dict[str, list[tuple[str, str]]]:
    """(value, label) choices of each facet, in the reader's language (cached a minute per language and
    data version: an admin's new name or translation shows at once)."""
    return _options_and_english()[0]


def _english_values() -> dict[str, list[str]]:
    """{facet: values whose label fell back to English} (team names not translated into the reader's
    language): their <option> carries lang="en" so that screen readers pronounce them in English."""
    return _options_and_english()[1]


def _options_and_english() -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[str]]]:
    key = f"directory-options:{current_language()}:{data_version()}"
    cached = cache.get(key)
    if cached is None:
        english: dict[str, list[str]] = {}
        cached = (_build_options(english), english)
        cache.set(key, cached, ttl=60)
    return cached[0], cached[1]


def _build_options(english: dict[str, list[str]]) -> dict[str, list[tuple[str, str]]]:
    """The facets' choices; `english` is filled with {facet: values whose label is the English fallback}."""
    lang = current_language()

    def codes(model, order=None):
        return [(c, ref_name(n)) for c, n in db.session.execute(
            select(model.code, model.name).order_by(order if order is not None else model.position))]

    def translated(model, facet, with_code=False):
        # Events, SDG targets, GDC objectives: the team's translation, then the catalog's, then English.
        out = []
        for c, n, t in db.session.execute(
                select(model.code, model.name, model.name_translations).order_by(model.position)):
            text, text_lang = reference_translation(n, t)
            if text_lang == "en" and lang != "en":
                english.setdefault(facet, []).append(c)
            out.append((c, f"{c} {text}" if with_code else text))
        return out

    countries = collated(((iso3, country_name(iso3)) for iso3 in db.session.scalars(select(Country.iso3))),
                         key=lambda c: c[1])
    return {
        "focus_area": codes(FocusArea), "type": codes(PledgeType),
        "pillar": [(c, ref_name(n)) for c, n in db.session.execute(
            select(Pillar.code, Pillar.name).where(Pillar.active.is_(True)).order_by(Pillar.focus_area_code,
                                                                                     Pillar.position))],
        "region": [(r, str(REGION_NAMES[r])) for r in REGION_CODES], "country": countries,
        "group": [(g, str(GROUP_NAMES[g])) for g in GROUPS],
        "stakeholder": codes(StakeholderGroup), "beneficiary": codes(BeneficiaryGroup),
        "sdg": [(str(n), f"{n}. {ref_name(name)}") for n, name in db.session.execute(
            select(Sdg.number, Sdg.name).order_by(Sdg.number))],
        "wsis": [(c, f"{c} {ref_name(n)}") for c, n in db.session.execute(
            select(WsisLine.code, WsisLine.name).order_by(WsisLine.position))],
        "implementation": ImplementationStatus.choices(), "reporting": ReportingStatus.choices(),
        "year": [(str(y), str(y)) for y in range(2021, 2031)], "event": translated(Event, "event"),
        "sdg_target": translated(SdgTarget, "sdg_target", with_code=True), "gdc": translated(GdcObjective, "gdc"),
        "lead_region": [(r, str(REGION_NAMES[r])) for r in REGION_CODES],
        "initiative": [(i.code, f"{i.code} {i.title}") for i in initiatives(current_language())],
    }


def _selects(filters: dict, facets: dict | None) -> dict[str, Markup]:
    """The <option> lists of every facet, built once per language and data version, then the chosen
    option marked: a 250-country list costs a string replace, not a template loop."""
    key = f"directory-selects:{current_language()}:{data_version()}:{facets is not None}"
    base = cache.get(key)
    if base is None:
        base = {}
        english = _english_values()
        for name, choices in _options().items():
            counts = (facets or {}).get(name, {})
            in_english = set(english.get(name, ()))
            parts = [f'<option value="">{escape(_("All"))}</option>']
            for value, label in choices:
                n = counts.get(value) if facets is not None else None
                suffix = f" ({format_decimal(n)})" if n is not None else ""
                lang = ' lang="en"' if value in in_english else ""
                parts.append(f'<option value="{escape(value)}"{lang}>{escape(label)}{suffix}</option>')
            base[name] = "".join(parts)
        cache.set(key, base, ttl=300)
    out = {}
    for name, html in base.items():
        chosen = filters.get(name)
        if chosen not in (None, ""):
            marker = f'<option value="{escape(str(chosen))}"'  # then ">" or ' lang="en">'
            html = html.replace(marker, marker + " selected", 1)
        out[name] = Markup(html)  # noqa: S704 - built from escaped parts above
    return out


def _without(args: dict, name: str) -> str:
    """The directory URL without one filter (and without the cursor)."""
    rest = {k: v for k, v in args.items() if k not in (name, "cursor")}
    return url_for("pledges.directory", **rest)


@bp.get("/pledges")
def directory():
    """Approved pledges with faceted filters, sorting and keyset pagination (anonymous readers get the
    page from `directory_cache` while the data and the URL are the same)."""
    key = directory_cache.page_key()
    if key is not None:
        response = directory_cache.cached_response(key)
        if response is not None:
            return response
    filters, errors = parse_filters(request.args)
    html = _render_directory(filters, errors)
    # A refused filter value is not stored: the codes it is checked against are cached a minute apart
    # from the data version (p2c.pledges.filters._known), so a pillar just added could stay "unknown".
    if key is not None and not errors:
        directory_cache.store(key, html)
    return html


def _render_directory(filters: dict, errors: dict) -> str:
    page = queries.directory_page(filters)
    active = active_filters(filters)
    args = {k: v for k, v in request.args.items() if (k in FILTER_NAMES or k == "sort") and k not in errors and v}
    next_url = url_for("pledges.directory", cursor=page.next_cursor, **args) if page.next_cursor else None
    options = _options()
    labels = {name: dict(choices) for name, choices in options.items()}
    chips = [(name, labels.get(name, {}).get(str(value), str(value)), _without(args, name))
             for name, value in active.items()]
    facets = queries.facet_counts() if not active else None
    return render_template("pledges/directory.html", page=page, filters=filters, errors=errors,
                           selects=_selects(filters, facets), facets=facets, chips=chips, next_url=next_url,
                           first_url=url_for("pledges.directory", **args) if filters.get("cursor") else None,
                           args=args)


@bp.get("/pledges/<ref>")
def detail(ref: str):
    """The public page of an approved pledge (never any contact data)."""
    pledge = queries.public_pledge(ref)
    if pledge is None:
        abort(404)
    return render_template("pledges/detail.html", pledge=pledge, amendments=queries.approved_amendments(pledge.id),
                           reporting=queries.status_of(pledge),
                           reporting_title=lambda code: ReportingStatus(code).title)


@bp.get("/organizations/<int:org_id>")
def organization(org_id: int):
    """An organization's public page: its approved pledges as lead and as partner, with their totals."""
    found = queries.organization_pledges(org_id)
    if found is None or not (found.lead or found.partner or found.organization.public_listing):
        abort(404)
    return render_template("pledges/organization.html", found=found, org=found.organization)
