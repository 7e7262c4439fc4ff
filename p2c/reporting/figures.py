"""Turn raw aggregates (from the rollups or computed directly) into the published figures.

One function, `assemble`, serves the progress page, the API and published reports, so they can
never disagree. The result is plain JSON data: ints, and decimals as strings ("1234.50").
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from p2c.core.enums import FigureLevel, ImplementationStatus, ReportingStatus
from p2c.core.numbers import money
from p2c.core.reporting_status import months_before, status_of_day
from p2c.extensions import db
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import (
    BeneficiaryGroup,
    Event,
    FocusArea,
    Indicator,
    Pillar,
    PledgeType,
    Sdg,
    StakeholderGroup,
    WsisLine,
)
from p2c.reference.regions import REGION_CODES
from p2c.reporting.contributions import NONE_KEY
from p2c.reporting.finance import finance_figures
from p2c.reporting.models import Goal

# (dimension, filter parameter of the directory, additive?)
BREAKDOWNS: list[tuple[str, str, bool]] = [
    ("focus_area", "focus_area", True),
    ("pledge_type", "type", True),
    ("stakeholder", "stakeholder", True),
    ("lead_region", "lead_region", True),
    ("start_year", "year", True),
    ("impl_status", "implementation", True),
    ("event", "event", True),
    ("pillar", "pillar", False),
    ("target_region", "region", False),
    ("scope", "group", False),
    ("beneficiary", "beneficiary", False),
    ("sdg", "sdg", False),
    ("wsis", "wsis", False),
    ("initiative", "initiative", False),
    ("country", "country", False),
]
SCOPES = ("global", "ldc", "lldc", "sids")
NO_PROJECTION_AFTER = date(2100, 1, 1)


def ratio(part: Decimal | int, whole: Decimal | int) -> str | None:
    """part / whole as a string with 4 decimals (None when whole is 0)."""
    if not whole:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")))


def _names() -> dict[str, dict[str, str]]:
    """English names (gettext msgids) of the reference codes, per dimension, in catalogue order."""
    q = db.session.execute
    return {
        "focus_area": dict(q(select(FocusArea.code, FocusArea.name).order_by(FocusArea.position)).all()),
        "pledge_type": dict(q(select(PledgeType.code, PledgeType.name).order_by(PledgeType.position)).all()),
        "stakeholder": dict(q(select(StakeholderGroup.code, StakeholderGroup.name)
                              .order_by(StakeholderGroup.position)).all()),
        "pillar": dict(q(select(Pillar.code, Pillar.name).order_by(Pillar.focus_area_code, Pillar.position)).all()),
        "beneficiary": dict(q(select(BeneficiaryGroup.code, BeneficiaryGroup.name)
                              .order_by(BeneficiaryGroup.position)).all()),
        "sdg": {str(n): name for n, name in q(select(Sdg.number, Sdg.name).order_by(Sdg.number))},
        "wsis": dict(q(select(WsisLine.code, WsisLine.name).order_by(WsisLine.position)).all()),
        # English titles (not msgids): the pages show the reader's language through reference.initiatives.
        "initiative": dict(q(select(RegionalInitiative.code, RegionalInitiative.title_en)
                             .order_by(RegionalInitiative.region, RegionalInitiative.number)).all()),
        "event": dict(q(select(Event.code, Event.name).order_by(Event.position)).all()),
        "impl_status": {s.value: s.value for s in ImplementationStatus},
        "lead_region": {r: r for r in REGION_CODES},
        "target_region": {r: r for r in REGION_CODES},
        "scope": {s: s for s in SCOPES},
    }


def _rows(dimension: str, values: dict[str, list[int]], names: dict[str, str] | None,
          translations: dict[str, dict[str, str]] | None = None) -> list[dict]:
    rows = []
    order = list(names) if names else []
    for key, (n, u, _a) in values.items():
        rows.append({"key": key, "name": (names or {}).get(key, key), "pledges": n, "usd_value": money(u)})
        if translations is not None:  # events: the team's translations of the name, {"fr": ...}
            rows[-1]["name_translations"] = dict(translations.get(key) or {})
    if dimension in ("start_year", "country"):
        rows.sort(key=lambda r: (-r["pledges"], r["key"]) if dimension == "country" else r["key"])
    else:
        rows.sort(key=lambda r: (order.index(r["key"]) if r["key"] in order else len(order), r["key"]))
    return rows


def _pace(by_dim: dict, today: date, metric: str, indicator: str | None) -> Decimal | None:
    """What was pledged in the last 12 months (the 'recent pace', per year)."""
    since = months_before(today, 12)
    if metric in ("usd_value", "pledges"):
        total = 0
        for key, (n, u, _a) in by_dim.get("approved_day", {}).items():
            if key != NONE_KEY and since < date.fromisoformat(key) <= today:
                total += u if metric == "usd_value" else n * 100
        return Decimal(total) / 100
    if metric == "indicator" and indicator:
        total = 0
        first_month = since.isoformat()[:7]
        for key, (_n, _u, a) in by_dim.get("indicator_month", {}).items():
            code, _, month = key.partition("|")
            if code == indicator and first_month < month <= today.isoformat()[:7]:
                total += a
        return Decimal(total) / 100
    return None


def goal_unit(metric: str, indicator_unit: str | None = None) -> str:
    """What a goal's figures are in: "USD" (usd_value), "pledges", "organizations", or its indicator's unit
    (p2c.core.counts.is_count tells whether it counts things)."""
    if metric == "usd_value":
        return "USD"
    if metric in ("pledges", "organizations"):
        return metric
    return indicator_unit or ""


def _goals(by_dim: dict, totals: dict, today: date) -> list[dict]:
    out = []
    goals = list(db.session.scalars(select(Goal).where(Goal.active.is_(True)).order_by(Goal.position, Goal.id)))
    units = dict(db.session.execute(select(Indicator.code, Indicator.unit)).all()) if any(
        g.metric == "indicator" for g in goals) else {}
    for goal in goals:
        # Active (pledges not inactive) and all-time, side by side; the goal's setting says which it counts.
        # Organizations and indicators have no active figure: both are the all-time one.
        if goal.metric == "usd_value":
            all_time, active = Decimal(totals["usd_value"]), Decimal(totals["active_usd_value"])
        elif goal.metric == "pledges":
            all_time, active = Decimal(totals["pledges"]), Decimal(totals["active_pledges"])
        elif goal.metric == "organizations":
            all_time = active = Decimal(totals["organizations"])
        else:
            cents = by_dim.get("indicator", {}).get(goal.indicator_code or "", [0, 0, 0])[2]
            all_time = active = Decimal(cents) / 100
        counts = goal.counts if goal.counts in ("active", "all_time") else "active"
        reached = active if counts == "active" else all_time
        target = Decimal(goal.target_value)
        pace = _pace(by_dim, today, goal.metric, goal.indicator_code)
        projected = None
        if reached < target and pace:
            days = int((target - reached) / pace * 365) + 1
            if today + timedelta(days=min(days, 40_000)) < NO_PROJECTION_AFTER:
                projected = (today + timedelta(days=days)).isoformat()
        out.append({
            "id": goal.id, "title": goal.title, "title_translations": dict(goal.title_translations or {}),
            "metric": goal.metric, "indicator": goal.indicator_code, "unit": goal_unit(goal.metric, units.get(
                goal.indicator_code or "")),
            "target_value": str(target.quantize(Decimal("0.01"))), "target_date": goal.target_date.isoformat(),
            "reached_value": str(reached.quantize(Decimal("0.01"))), "share": ratio(reached, target),
            "counts": counts, "reached_active": str(active.quantize(Decimal("0.01"))),
            "reached_all_time": str(all_time.quantize(Decimal("0.01"))),
            "met": reached >= target,
            "pace_per_year": str(pace.quantize(Decimal("0.01"))) if pace is not None else None,
            "projected_date": projected,
            "on_track": (reached >= target) or (projected is not None and projected <= goal.target_date.isoformat()),
        })
    return out


def _levels(by_level: dict[str, list[int]]) -> list[dict]:
    """The achieved figure split by verification level, every level in order (lowest first)."""
    out = []
    for level in FigureLevel:
        n, _u, amount = by_level.get(level.value, [0, 0, 0])
        out.append({"level": level.value, "pledges": n, "achieved": money(amount)})
    return out


def _indicators(by_dim: dict) -> list[dict]:
    out = []
    pledged, achieved = by_dim.get("indicator", {}), by_dim.get("achieved", {})
    by_level: dict[str, dict[str, list[int]]] = {}
    for key, value in by_dim.get("achieved_level", {}).items():
        code, _, level = key.partition("|")
        by_level.setdefault(code, {})[level] = value
    for ind in db.session.scalars(select(Indicator).order_by(Indicator.position)):
        n, _u, amount = pledged.get(ind.code, [0, 0, 0])
        rn, _ru, done = achieved.get(ind.code, [0, 0, 0])
        gap = Decimal(ind.gap_value) if ind.gap_value is not None else None
        out.append({
            "code": ind.code, "name": ind.name, "unit": ind.unit, "pledges": n, "pledged": money(amount),
            "reporting_pledges": rn, "achieved": money(done),
            "achieved_by_level": _levels(by_level.get(ind.code, {})),
            "gap_value": str(gap.quantize(Decimal("0.01"))) if gap is not None else None,
            "gap_source": ind.gap_source or None,
            "gap_share_pledged": ratio(Decimal(amount) / 100, gap) if gap else None,
        })
    return out


def assemble(raw: dict[tuple[str, str], list[int]], organizations: int, today: date,
             as_of: datetime, source: str) -> dict:
    """The figures of the progress page and API from raw aggregates (see module docstring)."""
    by_dim: dict[str, dict[str, list[int]]] = {}
    for (dimension, key), value in raw.items():
        if value[0]:
            by_dim.setdefault(dimension, {})[key] = value
    total_n, total_u, _ = by_dim.get("total", {}).get("", [0, 0, 0])
    status_n = {s.value: 0 for s in ReportingStatus}
    status_u = {s.value: 0 for s in ReportingStatus}
    for key, (n, u, _a) in by_dim.get("activity_day", {}).items():
        st = status_of_day(date.fromisoformat(key) if key != NONE_KEY else None, today).value
        status_n[st] += n
        status_u[st] += u
    inactive = ReportingStatus.INACTIVE.value
    totals = {
        "pledges": total_n, "organizations": organizations, "countries": len(by_dim.get("country", {})),
        "usd_value": money(total_u),
        "active_pledges": total_n - status_n[inactive], "active_usd_value": money(total_u - status_u[inactive]),
    }
    disbursing, _u, disbursed = by_dim.get("disbursed", {}).get("", [0, 0, 0])
    totals["usd_disbursed"] = money(disbursed)
    totals["disbursing_pledges"] = disbursing
    totals["usd_disbursed_by_level"] = _levels(by_dim.get("disbursed_level", {}))
    names = _names()
    event_translations = dict(db.session.execute(select(Event.code, Event.name_translations)).all())
    breakdowns = []
    for dimension, param, additive in BREAKDOWNS:
        breakdowns.append({"dimension": dimension, "filter": param, "additive": additive,
                           "rows": _rows(dimension, by_dim.get(dimension, {}), names.get(dimension),
                                         event_translations if dimension == "event" else None)})
    reporting = [{"status": s.value, "pledges": status_n[s.value], "usd_value": money(status_u[s.value]),
                  "share": ratio(status_n[s.value], total_n)} for s in ReportingStatus]
    return {
        "as_of": as_of.replace(microsecond=0).isoformat(), "today": today.isoformat(), "source": source,
        "totals": totals, "goals": _goals(by_dim, totals, today), "breakdowns": breakdowns,
        "indicators": _indicators(by_dim), "reporting_status": reporting, "finance": finance_figures(by_dim, names),
        "notes": {
            "approved_only": "Only approved pledges are counted; a joint pledge counts once, under its lead.",
            "usd": "Amounts are converted to USD at the yearly average rate of the pledge date.",
            "non_additive": ("A multi-country pledge counts in every country, region and group it targets, "
                             "and in every pillar, SDG, WSIS line and beneficiary group it names; those rows "
                             "do not add up to the total."),
            "achieved": "Achieved values come from each pledge's latest approved progress report (not a sum "
                        "over years).",
            "levels": "Each achieved figure is split by how far it was checked: self-reported (approved "
                      "without a review, e.g. imported), reviewed by the coalition team (approved report), "
                      "independently verified (a verifier confirmed the report's evidence).",
            "usd_disbursed": "USD disbursed is achieved, not pledged: the 'disbursed to date' of each pledge's "
                             "latest approved progress report, summed over the pledges that state one.",
            "finance": ("Pledged is the approved pledges' USD value; disbursed is the USD value of the entries of "
                        "their approved progress reports, each converted at the rate of its year. Pledged by "
                        "country and region is where pledges were meant to go (a multi-country pledge counts in "
                        "each); disbursed is where each entry went. By year: pledged by pledge date, disbursed "
                        "by year disbursed. The two are never added."),
            "gaps": "Contributions to the 2030 gaps are pledged, not achieved.",
            "reporting_status": "Current: approved or reported within 12 months; due: 12 to 24 months; "
                                "inactive: over 24 months (left out of active totals).",
        },
    }
