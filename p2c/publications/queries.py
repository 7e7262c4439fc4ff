"""Reads of published reports: the list, one report, hash verification, CSV rows, comparison."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from p2c.core.counts import is_count, whole
from p2c.extensions import db
from p2c.publications.canonical import canonical_json, content_hash
from p2c.publications.models import Publication
from p2c.reference.models import FocusArea
from p2c.reporting.figures import goal_unit


def focus_area_names() -> dict[str, str]:
    """Focus area code -> English name (a msgid)."""
    return dict(db.session.execute(select(FocusArea.code, FocusArea.name)).all())


def all_publications() -> list[Publication]:
    """Every published report, latest cut-off first."""
    return list(db.session.scalars(select(Publication).order_by(Publication.cutoff_date.desc(),
                                                                Publication.published_at.desc())))


def by_slug(slug: str) -> Publication | None:
    """One report by its slug."""
    return db.session.scalars(select(Publication).where(Publication.slug == slug)).first()


def previous_publication(cutoff: date) -> Publication | None:
    """The report with the latest cut-off before `cutoff` (its period starts after that cut-off)."""
    return db.session.scalars(select(Publication).where(Publication.cutoff_date < cutoff)
                              .order_by(Publication.cutoff_date.desc(), Publication.id.desc()).limit(1)).first()


def canonical_text(publication: Publication) -> str:
    """The report's data as canonical JSON (what the hash is computed over)."""
    return canonical_json(publication.content)


def verify(publication: Publication) -> bool:
    """True when the stored content still hashes to the stored content hash."""
    return content_hash(publication.content) == publication.content_hash


def _cell(value: Any) -> str:
    """A CSV cell: None empty, booleans as true/false, the rest as their JSON text (decimals are strings)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# The field that names an item in each list of the frozen figures.
_FIGURE_ITEM_KEYS = {"goals": "id", "indicators": "code", "reporting_status": "status", "forecast": "code"}
# Fields of those items (and of their points) that are figures in the item's unit: whole for a count.
_QUANTITY_KEYS = {"pledged", "achieved", "gap_value", "forecast", "forecast_low", "forecast_high", "pace_per_year",
                  "target_value", "reached_value", "reached_active", "reached_all_time"}


def _item_units(name: str, items: list[dict], figures: dict) -> dict[Any, str]:
    """{item id: unit} for the indicators, forecast and goals of frozen figures (goals frozen before they
    carried a unit: from their metric and indicator)."""
    ident = _FIGURE_ITEM_KEYS.get(name, "id")
    if name in ("indicators", "forecast"):
        return {i.get(ident): i.get("unit") or "" for i in items}
    if name == "goals":
        indicator_units = {i.get("code"): i.get("unit") for i in figures.get("indicators") or []}
        return {g.get(ident): g.get("unit") or goal_unit(g.get("metric", ""), indicator_units.get(g.get("indicator")))
                for g in items}
    return {}


def counts_whole(content: dict) -> bool:
    """Whether a report's counts are shown whole (p2c.core.counts): content frozen since the rule
    (schema_version 2, or earlier content whose goals carry their unit: frozen between the rule and the
    version). Older content is shown exactly as frozen ("12.5"), so that a published report never changes."""
    if (content.get("schema_version") or 1) >= 2:
        return True
    return any("unit" in g for g in (content.get("figures") or {}).get("goals") or [])


def _figure_cell(key: str, value: Any, unit: str | None, whole_counts: bool = True) -> str:
    """A figure's cell: a count whole ("1000", not "1000.00"; p2c.core.counts) when `whole_counts`, the rest
    (and every figure of content frozen before the rule) as `_cell`."""
    if (whole_counts and unit is not None and is_count(unit) and key in _QUANTITY_KEYS
            and value not in (None, "")):
        return _cell(whole(value))
    return _cell(value)


def _figure_rows(figures: dict, whole_counts: bool = True) -> Iterator[list[str]]:
    """Every frozen /progress figure as (section, item, metric, value): one row per scalar, so nothing the
    JSON holds is left out (the test walks the JSON to check). `whole_counts`: `counts_whole` of the content."""
    for name in sorted(figures):
        value = figures[name]
        if name == "finance":  # pledged versus disbursed: its scalars, then its breakdowns
            for key in sorted(k for k in value if k != "breakdowns"):
                yield ["figures.finance", "", key, _cell(value[key])]
            yield from _breakdown_rows("figures.finance.breakdowns", value.get("breakdowns", []))
        elif name == "breakdowns":
            yield from _breakdown_rows("figures.breakdowns", value)
        elif isinstance(value, dict):
            for key in sorted(value):
                if isinstance(value[key], list):  # the totals split by verification level: one row per level
                    for part in value[key]:
                        for field in sorted(k for k in part if k != "level"):
                            yield [f"figures.{name}.{key}", _cell(part.get("level")), field, _cell(part[field])]
                    continue
                yield [f"figures.{name}", "", key, _cell(value[key])]
        elif isinstance(value, list):
            ident = _FIGURE_ITEM_KEYS.get(name, "id")
            units = _item_units(name, value, figures)
            for item in value:
                unit = units.get(item.get(ident))
                for key in sorted(k for k in item if k != ident):
                    if isinstance(item[key], list):  # the forecast's trajectory (one row per point and field),
                        for point in item[key]:       # an achieved figure split by level (per level and field)
                            label = point.get("period", point.get("level"))
                            for field in sorted(point):
                                yield [f"figures.{name}.{key}", f"{_cell(item.get(ident))}/{label}",
                                       field, _figure_cell(field, point[field], unit, whole_counts)]
                        continue
                    if isinstance(item[key], dict):  # a goal's title in the team's translations: per language
                        for lang in sorted(item[key]):
                            yield [f"figures.{name}.{key}", f"{_cell(item.get(ident))}/{lang}", "text",
                                   _cell(item[key][lang])]
                        continue
                    yield [f"figures.{name}", _cell(item.get(ident)), key,
                           _figure_cell(key, item[key], unit, whole_counts)]
        else:
            yield ["figures", "", name, _cell(value)]


def _breakdown_rows(prefix: str, breakdowns: list[dict]) -> Iterator[list[str]]:
    """One breakdown per section `<prefix>.<dimension>`: its additive and filter, then one row per value."""
    for b in breakdowns:
        section = f"{prefix}.{b['dimension']}"
        yield [section, "", "additive", _cell(b.get("additive"))]
        yield [section, "", "filter", _cell(b.get("filter"))]
        for row in b.get("rows", []):
            for key in sorted(k for k in row if k != "key"):
                yield [section, _cell(row["key"]), key, _cell(row[key])]


def csv_rows(publication: Publication) -> Iterator[list[str]]:
    """The report's data as long-format rows: section, item, metric, value (header first).

    The frozen /progress figures follow the report's own lists, in sections named `figures.<part>`
    (totals, goals, indicators, reporting_status, forecast, forecast.trajectory, notes,
    breakdowns.<dimension>; see README)."""
    c = publication.content
    yield ["section", "item", "metric", "value"]
    yield ["report", publication.slug, "title", publication.title]
    yield ["report", publication.slug, "cutoff", c.get("cutoff") or ""]
    yield ["report", publication.slug, "previous_cutoff", c.get("previous_cutoff") or ""]
    yield ["report", publication.slug, "content_sha256", publication.content_hash]
    summary = c.get("summary", {})
    for key in sorted(k for k in summary if k != "by_focus_area"):
        yield ["summary", "", key, str(summary[key])]
    for row in summary.get("by_focus_area", []):
        yield ["by_focus_area", row["focus_area"], "pledges", str(row["pledges"])]
        yield ["by_focus_area", row["focus_area"], "usd_value", str(row["usd_value"])]
    for key, value in sorted(c.get("implementation_status", {}).items()):
        yield ["implementation_status", key, "pledges", str(value)]
    for key, value in sorted(c.get("reporting_status", {}).items()):
        yield ["reporting_status", key, "pledges", str(value)]
    for section in ("new_pledges", "largest_pledges"):
        for row in c.get(section, []):
            for key in ("title", "organization", "focus_area", "pledge_type", "usd_value", "approved_on"):
                yield [section, row["reference"], key, "" if row.get(key) is None else str(row[key])]
    for kind, rows in sorted(c.get("highlights", {}).items()):
        for row in rows:
            for key in ("pledge", "period", "implementation_status", "usd_disbursed", "excerpt"):
                yield [f"highlights.{kind}", row["report"], key, "" if row.get(key) is None else str(row[key])]
    for name, text in sorted(c.get("sections", {}).items()):
        yield ["sections", name, "text", text]
    for lang, texts in sorted((c.get("translations") or {}).items()):  # the team's translations, by language
        for part, text in sorted(texts.items()):
            yield ["translations", lang, part, text]
    yield from _figure_rows(c.get("figures") or {}, counts_whole(c))


# Comparison -------------------------------------------------------------------------------------

@dataclass
class Comparison:
    """What changed from report `a` (earlier cut-off) to report `b`."""

    a: Publication
    b: Publication
    pledges_added: int = 0
    value_added: Decimal = Decimal(0)
    organizations_added: int = 0
    countries_added: int = 0
    new_pledges: list[dict] = field(default_factory=list)
    implementation_changes: list[dict] = field(default_factory=list)
    reporting_changes: list[dict] = field(default_factory=list)
    newly_completed: list[dict] = field(default_factory=list)
    by_focus_area: list[dict] = field(default_factory=list)


def _num(value: Any) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def compare(a: Publication, b: Publication) -> Comparison:
    """Compare two reports; they are put in cut-off order first (a = the earlier)."""
    if (b.cutoff_date, b.id) < (a.cutoff_date, a.id):
        a, b = b, a
    ca, cb = a.content, b.content
    sa, sb = ca.get("summary", {}), cb.get("summary", {})
    result = Comparison(a=a, b=b)
    result.pledges_added = int(sb.get("pledges", 0)) - int(sa.get("pledges", 0))
    result.value_added = _num(sb.get("usd_value")) - _num(sa.get("usd_value"))
    result.organizations_added = int(sb.get("organizations", 0)) - int(sa.get("organizations", 0))
    result.countries_added = int(sb.get("countries", 0)) - int(sa.get("countries", 0))
    a_cutoff = ca.get("cutoff") or ""
    result.new_pledges = [p for p in cb.get("new_pledges", []) if (p.get("approved_on") or "") > a_cutoff]
    for key, label in (("implementation_status", "implementation_changes"), ("reporting_status", "reporting_changes")):
        before, after = ca.get(key, {}), cb.get(key, {})
        rows = [{"status": s, "before": int(before.get(s, 0)), "after": int(after.get(s, 0)),
                 "change": int(after.get(s, 0)) - int(before.get(s, 0))} for s in after.keys() | before.keys()]
        setattr(result, label, sorted(rows, key=lambda r: r["status"]))
    done_before = {r["pledge"] for r in ca.get("highlights", {}).get("completed", [])}
    result.newly_completed = [r for r in cb.get("highlights", {}).get("completed", [])
                              if r["pledge"] not in done_before]
    areas_a = {r["focus_area"]: r for r in sa.get("by_focus_area", [])}
    areas_b = {r["focus_area"]: r for r in sb.get("by_focus_area", [])}
    for code in sorted(areas_a.keys() | areas_b.keys()):
        ra, rb = areas_a.get(code, {}), areas_b.get(code, {})
        result.by_focus_area.append({
            "focus_area": code,
            "pledges_before": int(ra.get("pledges", 0)), "pledges_after": int(rb.get("pledges", 0)),
            "value_before": _num(ra.get("usd_value")), "value_after": _num(rb.get("usd_value")),
        })
    return result
