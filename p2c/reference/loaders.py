"""Load the shipped reference files into the database, idempotently (insert or update by code)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

from sqlalchemy import inspect, select

from p2c.extensions import db
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import (
    BeneficiaryGroup,
    Country,
    Currency,
    Event,
    ExchangeRate,
    FocusArea,
    GdcObjective,
    Indicator,
    Pillar,
    PledgeType,
    ReferenceSource,
    Sdg,
    SdgTarget,
    StakeholderGroup,
    WsisLine,
)

DATA = resources.files("p2c.reference") / "data"


def _rows(filename: str) -> list[dict[str, str]]:
    with (DATA / filename).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _flag(value: str) -> bool:
    return value.strip() in {"1", "true", "True", "yes"}


def _opt_date(value: str) -> date | None:
    return date.fromisoformat(value) if value.strip() else None


def _upsert(model: type, key: str, records: Iterable[dict], keep: tuple[str, ...] = ()) -> int:
    """Insert or update rows of `model` identified by `key`; fields in `keep` are set only on insert."""
    existing = {getattr(obj, key): obj for obj in db.session.scalars(select(model))}
    count = 0
    for record in records:
        obj = existing.get(record[key])
        if obj is None:
            db.session.add(model(**record))
        else:
            for name, value in record.items():
                if name not in keep:
                    setattr(obj, name, value)
        count += 1
    db.session.flush()
    return count


LOADERS: list[tuple[str, Callable[[], int]]] = []


def _loader(dataset: str) -> Callable:
    def register(fn: Callable[[], int]) -> Callable[[], int]:
        LOADERS.append((dataset, fn))
        return fn

    return register


@_loader("countries")
def load_countries() -> int:
    """ISO 3166-1 countries with ITU region and LDC / LLDC / SIDS flags."""
    return _upsert(Country, "iso3", (
        {"iso3": r["iso3"], "iso2": r["iso2"], "m49": r["m49"], "name": r["name"],
         "itu_region": r["itu_region"], "ldc": _flag(r["ldc"]), "lldc": _flag(r["lldc"]),
         "sids": _flag(r["sids"]), "itu_member": _flag(r["itu_member"])}
        for r in _rows("countries.csv")
    ))


@_loader("focus_areas")
def load_focus_areas() -> int:
    """The four focus areas."""
    return _upsert(FocusArea, "code", (
        {"code": r["code"], "official_name": r["official_name"], "name": r["name"], "position": int(r["position"])}
        for r in _rows("focus_areas.csv")
    ))


@_loader("pillars")
def load_pillars() -> int:
    """Pillars: inserted when missing; names and activity edited by admins are kept."""
    return _upsert(Pillar, "code", (
        {"code": r["code"], "focus_area_code": r["focus_area_code"], "name": r["name"],
         "position": int(r["position"]), "active": True}
        for r in _rows("pillars.csv")
    ), keep=("name", "active", "position"))


def _code_name(model: type, filename: str, keep: tuple[str, ...] = ()) -> int:
    return _upsert(model, "code", (
        {"code": r["code"], "name": r["name"], "position": int(r["position"])} for r in _rows(filename)
    ), keep=keep)


@_loader("pledge_types")
def load_pledge_types() -> int:
    """programmatic, advocacy, policy, financial."""
    return _code_name(PledgeType, "pledge_types.csv")


@_loader("stakeholder_groups")
def load_stakeholder_groups() -> int:
    """Stakeholder groups."""
    return _code_name(StakeholderGroup, "stakeholder_groups.csv")


@_loader("beneficiary_groups")
def load_beneficiary_groups() -> int:
    """Beneficiary groups."""
    return _code_name(BeneficiaryGroup, "beneficiary_groups.csv")


@_loader("sdgs")
def load_sdgs() -> int:
    """SDGs 1-17."""
    return _upsert(Sdg, "number", ({"number": int(r["number"]), "name": r["name"]} for r in _rows("sdgs.csv")))


@_loader("sdg_targets")
def load_sdg_targets() -> int:
    """SDG targets (goal.target) that digital pledges align with (9.c, 4.4, 5.b, 17.6 ...): inserted when
    missing; names and positions admins edited (/admin/sdg-targets) are kept."""
    return _upsert(SdgTarget, "code", (
        {"code": r["code"], "sdg_number": int(r["sdg_number"]), "name": r["name"], "position": int(r["position"])}
        for r in _rows("sdg_targets.csv")
    ), keep=("name", "position"))


@_loader("gdc_objectives")
def load_gdc_objectives() -> int:
    """The five objectives of the Global Digital Compact (names admins edited are kept)."""
    return _code_name(GdcObjective, "gdc_objectives.csv", keep=("name", "position"))


@_loader("wsis_lines")
def load_wsis_lines() -> int:
    """WSIS Action Lines C1-C11."""
    return _code_name(WsisLine, "wsis_lines.csv")


@_loader("indicators")
def load_indicators() -> int:
    """The indicator catalogue tied to the 2030 targets."""
    return _upsert(Indicator, "code", (
        {"code": r["code"], "name": r["name"], "unit": r["unit"], "focus_area_code": r["focus_area_code"] or None,
         "umc_target": r["umc_target"], "gap_value": Decimal(r["gap_value"]) if r["gap_value"] else None,
         "gap_source": r["gap_source"], "position": int(r["position"])}
        for r in _rows("indicators.csv")
    ))


@_loader("currencies")
def load_currencies() -> int:
    """ISO 4217 currencies."""
    return _upsert(Currency, "code", (
        {"code": r["code"], "name": r["name"], "numeric": r["numeric"]} for r in _rows("currencies.csv")
    ))


@_loader("events")
def load_events() -> int:
    """Pledging moments (announced at). Admins edit events: an existing one keeps what it has and gets
    only what it lacks (dates, place, kind, and the shipped page address in place of the one migration
    0007 made from the code)."""
    existing = {e.code: e for e in db.session.scalars(select(Event))}
    slugs = {e.slug for e in existing.values()}
    count = 0
    for r in _rows("events.csv"):
        record = {"code": r["code"], "name": r["name"], "slug": r["slug"], "kind": r["kind"],
                  "starts_on": _opt_date(r["starts_on"]), "ends_on": _opt_date(r["ends_on"]),
                  "location": r["location"], "position": int(r["position"])}
        event = existing.get(r["code"])
        count += 1
        if event is None:
            db.session.add(Event(**record))
            continue
        event.position = record["position"]
        if event.kind in (None, "", "other"):
            event.kind = record["kind"]
        if event.starts_on is None and event.ends_on is None:
            event.starts_on, event.ends_on = record["starts_on"], record["ends_on"]
        elif event.ends_on is None and event.starts_on == record["starts_on"]:
            event.ends_on = record["ends_on"]
        if not event.location:
            event.location = record["location"]
        if event.slug in (None, "", event.code.replace("_", "-")) and record["slug"] not in slugs:
            event.slug = record["slug"]
    db.session.flush()
    return count


@_loader("regional_initiatives")
def load_regional_initiatives() -> int:
    """WTDC-25 regional initiatives: inserted when missing; on existing rows only empty titles are
    filled in, so titles and translations admins edited are kept (and running it again changes nothing)."""
    from p2c.reference.initiatives import LANGUAGES, PERIOD, RegionalInitiative

    existing = {r.code: r for r in db.session.scalars(select(RegionalInitiative))}
    rows = _rows("regional_initiatives.csv")
    for r in rows:
        obj = existing.get(r["code"])
        titles = {f"title_{lang}": (r.get(f"title_{lang}") or "").strip() for lang in LANGUAGES}
        if obj is None:
            db.session.add(RegionalInitiative(code=r["code"], region=r["region"], number=int(r["number"]),
                                              period_start=PERIOD[0], period_end=PERIOD[1], active=True, **titles))
            continue
        for name, value in titles.items():
            if value and not getattr(obj, name):
                setattr(obj, name, value)
    db.session.flush()
    return len(rows)


@_loader("exchange_rates")
def load_shipped_rates() -> int:
    """Yearly average USD rates shipped with the application."""
    with (DATA / "exchange_rates.csv").open(encoding="utf-8", newline="") as fh:
        return load_rates(fh.read())


class RatesFileError(ValueError):
    """A rates file that cannot be loaded; the message names the line."""


def load_rates(text: str) -> int:
    """Load a CSV of yearly rates (currency,year,usd_per_unit,source[,as_of]); refuse it whole if a line is bad."""
    reader = csv.DictReader(io.StringIO(text))
    required = {"currency", "year", "usd_per_unit"}
    if not reader.fieldnames or not required <= set(reader.fieldnames):
        raise RatesFileError(f"the header must contain {', '.join(sorted(required))}")
    currencies = set(db.session.scalars(select(Currency.code)))
    records = []
    for line, row in enumerate(reader, start=2):
        code = (row.get("currency") or "").strip().upper()
        if code not in currencies:
            raise RatesFileError(f"line {line}: unknown currency {code!r}")
        try:
            year = int(row["year"])
            rate = Decimal(row["usd_per_unit"])
        except (TypeError, ValueError, InvalidOperation) as exc:
            raise RatesFileError(f"line {line}: year and usd_per_unit must be numbers") from exc
        if not 1990 <= year <= 2100 or rate <= 0:
            raise RatesFileError(f"line {line}: year out of range or rate not positive")
        as_of = _opt_date(row.get("as_of") or "")
        records.append((code, year, rate, (row.get("source") or "").strip(), as_of))
    existing = {(r.currency_code, r.year): r for r in db.session.scalars(select(ExchangeRate))}
    for code, year, rate, source, as_of in records:
        obj = existing.get((code, year))
        if obj is None:
            db.session.add(ExchangeRate(currency_code=code, year=year, usd_per_unit=rate, source=source, as_of=as_of))
        else:
            obj.usd_per_unit, obj.source, obj.as_of = rate, source, as_of
    db.session.flush()
    return len(records)


def load_rates_file(path: Path) -> int:
    """Load rates from a file on disk."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RatesFileError("the file is not UTF-8 text") from exc
    return load_rates(text)


# Datasets whose table (or columns) came with a later migration than the first: a database migrated
# only part of the way (an upgrade test, a node before `db upgrade`) loads the others and skips these.
_LATER_SCHEMA = {"sdg_targets": SdgTarget, "gdc_objectives": GdcObjective, "events": Event,
                 "regional_initiatives": RegionalInitiative}


def _schema_has(model: type) -> bool:
    inspector = inspect(db.session.connection())
    if not inspector.has_table(model.__tablename__):
        return False
    present = {c["name"] for c in inspector.get_columns(model.__tablename__)}
    return {c.name for c in model.__table__.columns} <= present


def load_all() -> dict[str, int]:
    """Load every reference dataset, in dependency order, and record its source and as-of date."""
    sources = json.loads((DATA / "sources.json").read_text(encoding="utf-8"))
    counts = {}
    for dataset, fn in LOADERS:
        if dataset in _LATER_SCHEMA and not _schema_has(_LATER_SCHEMA[dataset]):
            continue
        counts[dataset] = fn()
        meta = sources[dataset]
        src = db.session.get(ReferenceSource, dataset)
        if src is None:
            src = ReferenceSource(dataset=dataset)
            db.session.add(src)
        src.source, src.as_of, src.rows = meta["source"], meta["as_of"], counts[dataset]
    db.session.flush()
    return counts
