"""Reads for the region pages (/regions/<code>) and the country pages (/countries/<iso3>, its PDF brief).

Every figure is computed from the pledge tables with the directory's own conditions
(`p2c.pledges.queries.conditions`), so each links to the filtered directory that lists the same
pledges. "Achieved" is the latest approved progress report of each pledge (`implementation.latest`),
as on /progress. A pledge that names several countries or initiatives counts in full in each.

A country's pledges fall into three groups that never overlap:
- `own`: approved pledges whose only target country is this one;
- `regional`: approved pledges that target this country and at least one other;
- `global`: global pledges that do not name this country (a global pledge keeps no country list).
So own + regional = the directory's `country=<iso3>`, and own + regional + global = that plus the
directory's `group=global`, less the global pledges that also name the country (tested).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, not_, select

from p2c.extensions import db
from p2c.implementation.latest import latest_approved_reports
from p2c.implementation.models import ProgressReport, ProgressValue
from p2c.members.models import Organization
from p2c.pledges.models import Pledge, PledgeTarget, pledge_country, pledge_initiative
from p2c.pledges.queries import conditions, list_items
from p2c.reference.initiatives import initiatives
from p2c.reference.models import Country, Indicator
from p2c.reference.regions import ITU_REGIONS
from p2c.reporting.projection import due_for_release_query
from p2c.rollups.models import Rollup

LIST_LIMIT = 20
ORGANIZATION_LIMIT = 30


@dataclass
class Measure:
    """Approved pledges matching some conditions: how many, their USD value, what they disbursed,
    and per indicator what they pledged (sum of target values) and achieved (latest approved reports)."""

    pledges: int = 0
    usd: Decimal = Decimal(0)
    # USD disbursed to date as the latest approved progress reports state it (the definition of the
    # "disbursed" figure on /progress and of the exports' usd_disbursed column).
    disbursed: Decimal = Decimal(0)
    indicators: list[dict] = field(default_factory=list)  # {code, name, unit, pledged, achieved}


def _ids(where: list):
    return select(Pledge.id).where(*where)


def measure(where: list) -> Measure:
    """The figures of the approved pledges matching `where` (conditions on Pledge)."""
    count, usd = db.session.execute(
        select(func.count(Pledge.id), func.coalesce(func.sum(Pledge.usd_value), 0)).where(*where)).one()
    if not count:
        return Measure()
    ids = _ids(where)
    pledged = dict(db.session.execute(
        select(PledgeTarget.indicator_code, func.sum(PledgeTarget.target_value))
        .where(PledgeTarget.pledge_id.in_(ids)).group_by(PledgeTarget.indicator_code)).all())
    latest = latest_approved_reports(ProgressReport.pledge_id.in_(ids)).subquery()
    disbursed = db.session.scalar(select(func.coalesce(func.sum(latest.c.usd_disbursed), 0)))
    achieved = dict(db.session.execute(
        select(PledgeTarget.indicator_code, func.sum(ProgressValue.achieved_value))
        .join(latest, latest.c.id == ProgressValue.report_id)
        .join(PledgeTarget, PledgeTarget.id == ProgressValue.target_id)
        .group_by(PledgeTarget.indicator_code)).all())
    rows = []
    for code, name, unit in db.session.execute(select(Indicator.code, Indicator.name, Indicator.unit)
                                               .order_by(Indicator.position, Indicator.code)):
        if code in pledged or code in achieved:
            rows.append({"code": code, "name": name, "unit": unit, "pledged": Decimal(pledged.get(code) or 0),
                         "achieved": Decimal(achieved.get(code) or 0)})
    return Measure(int(count), Decimal(usd), Decimal(disbursed or 0), rows)


def _newest(where: list, limit: int = LIST_LIMIT) -> list:
    ids = list(db.session.scalars(_ids(where).order_by(Pledge.approved_at.desc(), Pledge.id.desc()).limit(limit)))
    return list_items(ids)


# --- regions -------------------------------------------------------------------------------------------

def region_exists(code: str) -> bool:
    """One of the six ITU development regions (OE, outside them, has no page)."""
    return code in ITU_REGIONS


def region_page(code: str, lang: str) -> dict:
    """A region's initiatives with their figures, its countries with pledge counts, its pledges."""
    rows = []
    for item in initiatives(lang, region=code):
        rows.append({"initiative": item, "measure": measure(conditions({"initiative": item.code}))})
    counts = dict(db.session.execute(select(Rollup.key, Rollup.pledges).where(Rollup.dimension == "country")).all())
    countries = [{"iso3": iso3, "ldc": ldc, "lldc": lldc, "sids": sids, "pledges": int(counts.get(iso3) or 0)}
                 for iso3, ldc, lldc, sids in db.session.execute(
                     select(Country.iso3, Country.ldc, Country.lldc, Country.sids).where(Country.itu_region == code))]
    where = conditions({"region": code})
    return {"initiatives": rows, "countries": countries, "pledges": measure(where), "newest": _newest(where)}


def initiative_counts(now=None) -> dict[str, tuple[int, Decimal]]:
    """{initiative code: (public pledges aligned with it, their USD value)}; a pledge aligned with several
    initiatives counts in full in each.

    The rollups (dimension "initiative", what the region pages read: one small read at any number of
    pledges) plus the pledges public at `now` that the rollups have not taken in yet (an announcement time
    just passed: `projection.due_for_release_query`, few rows by an index), so a pledge counts from its
    announcement time to the second, as the pledge pages show it."""
    counts = {k: (int(n), Decimal(int(c)) / 100) for k, n, c in db.session.execute(
        select(Rollup.key, Rollup.pledges, Rollup.usd_cents).where(Rollup.dimension == "initiative"))}
    pending = db.session.execute(
        select(pledge_initiative.c.initiative_code, func.count(), func.coalesce(func.sum(Pledge.usd_value), 0))
        .join(Pledge, Pledge.id == pledge_initiative.c.pledge_id)
        .where(Pledge.id.in_(due_for_release_query(now))).group_by(pledge_initiative.c.initiative_code))
    for code, n, usd in pending:
        had_n, had_usd = counts.get(code, (0, Decimal(0)))
        counts[code] = (had_n + int(n), had_usd + Decimal(str(usd or 0)))
    return counts


# --- countries ------------------------------------------------------------------------------------------

def _country_count():
    return (select(func.count()).where(pledge_country.c.pledge_id == Pledge.id)
            .correlate(Pledge).scalar_subquery())


def _names_country(iso3: str):
    return Pledge.id.in_(select(pledge_country.c.pledge_id).where(pledge_country.c.country_iso3 == iso3))


def country_groups(iso3: str) -> dict[str, list]:
    """The WHERE clauses of the three groups of a country page (see the module docstring)."""
    base = conditions({"country": iso3})
    return {
        "own": [*base, _country_count() == 1],
        "regional": [*base, _country_count() > 1],
        "global": [*conditions({"group": "global"}), not_(_names_country(iso3))],
    }


def _elsewhere(iso3: str) -> list:
    """Approved pledges led by organizations based in the country that neither name it nor are global."""
    return [*conditions({}), Pledge.is_global.is_(False), not_(_names_country(iso3)),
            Pledge.lead_organization_id.in_(select(Organization.id).where(Organization.country_iso3 == iso3))]


def pledging_organizations(where: list, limit: int = ORGANIZATION_LIMIT) -> list[dict]:
    """Lead organizations of the pledges matching `where`, most pledges first."""
    stmt = (select(Organization.id, Organization.name, Organization.acronym, func.count(Pledge.id),
                   func.coalesce(func.sum(Pledge.usd_value), 0))
            .join(Pledge, Pledge.lead_organization_id == Organization.id).where(*where)
            .group_by(Organization.id, Organization.name, Organization.acronym)
            .order_by(func.count(Pledge.id).desc(), Organization.id).limit(limit))
    return [{"id": oid, "name": name, "acronym": acronym or "", "pledges": int(n), "usd": Decimal(usd)}
            for oid, name, acronym, n, usd in db.session.execute(stmt)]


def country_page(iso3: str) -> dict:
    """Everything the country page and its brief show."""
    groups = country_groups(iso3)
    targeting = conditions({"country": iso3})
    return {
        "groups": {name: {"measure": measure(where), "newest": _newest(where, 10)} for name, where in groups.items()},
        "organizations": pledging_organizations(targeting),
        "organization_count": db.session.scalar(
            select(func.count(func.distinct(Pledge.lead_organization_id))).where(*targeting)) or 0,
        "elsewhere": {"measure": measure(_elsewhere(iso3)), "newest": _newest(_elsewhere(iso3), 10)},
    }
