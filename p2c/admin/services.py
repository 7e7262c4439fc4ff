"""Admin writes on the records admins manage: calls for interest, goals, pillars, rates, initiatives,
events, SDG targets and GDC objectives.

One generic `save()` creates or edits a record from validated plain data, checks the version of
versioned records (goals), refuses duplicate keys with a message on the field, and records the
audit event with the values before and after. Staff account writes live in p2c.accounts.services.
Never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from p2c.core import audit
from p2c.core.errors import Conflict, NotFound, ServiceError
from p2c.extensions import db
from p2c.members.models import CallForInterest
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import Event, ExchangeRate, GdcObjective, Pillar, Sdg, SdgTarget
from p2c.reporting.models import Goal


@dataclass(frozen=True)
class Managed:
    """A kind of record admins manage: its model, key column, editable fields and audit name."""

    name: str
    model: type
    key: str
    fields: tuple[str, ...]
    create_only: tuple[str, ...] = ()  # fields fixed once created (codes)
    unique: tuple[str, ...] = ()  # fields that together must be unique
    label: str = "title"


CALLS = Managed("call_for_interest", CallForInterest, "id",
                ("title", "title_translations", "opens_on", "closes_on", "closes_time", "time_zone", "rolling",
                 "description"))
GOALS = Managed("goal", Goal, "id",
                ("title", "title_translations", "metric", "indicator_code", "target_value", "target_date", "active",
                 "counts",
                 "position"))
PILLARS = Managed("pillar", Pillar, "code", ("code", "focus_area_code", "name", "position", "active"),
                  create_only=("code", "focus_area_code"), unique=("code",), label="name")
RATES = Managed("exchange_rate", ExchangeRate, "id", ("currency_code", "year", "usd_per_unit", "source", "as_of"),
                unique=("currency_code", "year"), label="currency_code")
INITIATIVES = Managed("regional_initiative", RegionalInitiative, "code",
                      ("code", "region", "number", "title_en", "title_ar", "title_es", "title_fr", "title_ru",
                       "title_zh", "period_start", "period_end", "active"),
                      create_only=("code",), unique=("code",), label="code")
EVENTS = Managed("event", Event, "code", ("code", "name", "name_translations", "slug", "kind", "starts_on", "ends_on",
                                         "location", "access_code", "position"),
                 create_only=("code",), unique=("code",), label="name")
# The SDG number of a target comes from its code (9.c -> 9), checked against the SDGs in save().
SDG_TARGETS = Managed("sdg_target", SdgTarget, "code", ("code", "sdg_number", "name", "name_translations", "position",
                                                      "active"),
                      create_only=("code", "sdg_number"), unique=("code",), label="code")
GDC_OBJECTIVES = Managed("gdc_objective", GdcObjective, "code", ("code", "name", "name_translations", "position",
                                                                "active"),
                         create_only=("code",), unique=("code",), label="code")


def _sdg_of(code: str) -> int:
    """The SDG number of a target code ("9.c" -> 9), or a ServiceError on the code when no such SDG exists."""
    head = (code or "").split(".", 1)[0]
    number = int(head) if head.isdigit() else 0
    if db.session.get(Sdg, number) is None:
        raise ServiceError(_("There is no SDG %(number)s: the code starts with the number of an SDG (1 to 17).",
                             number=head or "–"), field="code")
    return number


def get(kind: Managed, key: Any) -> Any:
    """The record, or a 404 ServiceError."""
    obj = db.session.get(kind.model, key)
    if obj is None:
        raise NotFound(_("This record does not exist."))
    return obj


def save(kind: Managed, key: Any, data: dict[str, Any], expected_version: int | None = None) -> Any:
    """Create (key None) or edit a record from `data`; returns it."""
    obj = kind.model() if key is None else get(kind, key)
    if key is not None and expected_version is not None and getattr(obj, "version", None) != expected_version:
        raise Conflict()
    fields = [f for f in kind.fields if key is None or f not in kind.create_only]
    values = {f: data[f] for f in fields if f in data}
    if kind.name == "sdg_target" and key is None:
        values["sdg_number"] = _sdg_of(values.get("code", ""))
    if kind.name == "goal" and values.get("metric") != "indicator":
        values["indicator_code"] = None
    if kind.unique:
        probe = {f: values.get(f, getattr(obj, f, None)) for f in kind.unique}
        query = select(kind.model).filter_by(**probe)
        clash = db.session.scalars(query).first()
        if clash is not None and clash is not obj:
            raise ServiceError(_("This already exists."), field=kind.unique[-1])
    if kind.name == "event" and "slug" in values:
        clash = db.session.scalars(select(Event).where(Event.slug == values["slug"])).first()
        if clash is not None and clash is not obj:
            raise ServiceError(_("Another event has this address."), field="slug")
    before = audit.snapshot(obj, list(kind.fields)) if key is not None else None
    for name, value in values.items():
        setattr(obj, name, value)
    if key is None:
        db.session.add(obj)
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict() from None
    after = audit.snapshot(obj, list(kind.fields))
    if before is not None:
        changed = [f for f in kind.fields if before[f] != after[f]]
        before, after = {f: before[f] for f in changed}, {f: after[f] for f in changed}
    audit.record("create" if key is None else "edit", kind.name, getattr(obj, "id", None),
                 label=str(getattr(obj, kind.label, "") or getattr(obj, kind.key)),
                 before=before, after=after)
    return obj
