"""Check import rows cell by cell against the column definitions; every problem names its field.

`Validator.row(raw)` returns the parsed values (Python types, as `records` produces them) and a
list of (field, message) errors. Reference codes are read once per import.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from p2c.core.counts import is_count
from p2c.core.enums import FigureLevel, ImplementationStatus
from p2c.core.numbers import EXPORT_FORMAT, NumberError, currency_precision_error, read_machine_number
from p2c.core.text import find_unsafe
from p2c.extensions import db
from p2c.opendata.columns import COLUMNS, KEPT_WHEN_ABSENT, MILESTONE_KEYS, TARGET_KEYS, Column, Kind, reference_values
from p2c.opendata.exports import split_items
from p2c.pledges import constants as limits
from p2c.pledges.models import Pledge, PledgeMilestone, PledgeTarget
from p2c.reference.models import Country, Indicator, Pillar
from p2c.reference.queries import to_usd, usd_rate


class Invalid(ValueError):
    """A cell value that cannot be used."""


# Years outside this range are mistakes, and bigger numbers would overflow the database's integers.
YEAR_MIN, YEAR_MAX = 1900, 2100
INTEGER_RANGES = {"start_year": (YEAR_MIN, YEAR_MAX), "usd_rate_year": (YEAR_MIN, YEAR_MAX)}
# Upper bounds (exclusive) of decimal columns without a money limit: they fit their database column.
DECIMAL_MAXIMUM = {"usd_rate": Decimal(10) ** 10}
NO_MAXIMUM = Decimal(10) ** 20


def _text(raw: Any) -> str:
    """Text as the file holds it, refused if it has a character the platform's text rule never keeps
    (`p2c.core.text`: controls, direction overrides; an import stores the file exactly or says why)."""
    text = str(raw)
    found = find_unsafe(text)
    if found:
        raise Invalid(_("Remove the invisible character U+%(code)s at position %(pos)s: text may hold tabs and "
                        "line breaks, but no other control character or text-direction override.",
                        code=f"{ord(found[1]):04X}", pos=found[0] + 1))
    return text


def _in_range(value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise Invalid(_("Enter a whole number from %(low)s to %(high)s.", low=low, high=high))
    return value


def _decimal(raw: Any, places: int, maximum: Decimal | None, locale: str) -> Decimal:
    """A number cell, read by the one number reader (p2c.core.numbers) in the file's format."""
    try:
        return read_machine_number(raw, upper=maximum or NO_MAXIMUM, places=places, allow_empty=False,
                                   locale=locale)
    except NumberError as exc:
        raise Invalid(str(exc)) from None


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise Invalid(_("Enter a whole number."))
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        raise Invalid(_("Enter a whole number.")) from None


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise Invalid(_("Enter true or false."))


def _date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise Invalid(_("Enter a date as YYYY-MM-DD.")) from None


def _datetime(raw: Any) -> datetime:
    if isinstance(raw, datetime):
        value = raw
    else:
        text = str(raw).strip()
        try:
            value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            raise Invalid(_("Enter a date and time as YYYY-MM-DDTHH:MM:SS (UTC).")) from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def _items(raw: Any) -> list[str]:
    if isinstance(raw, list):
        return [str(v).strip() for v in raw if str(v).strip()]
    return split_items(str(raw))


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def _json_objects(raw: Any, not_json: str, not_objects: str) -> list[dict[str, Any]]:
    """A JSON column's cell as a list of dicts (a JSON string in CSV and XLSX, a list in JSON)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise Invalid(not_json) from None
    if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
        raise Invalid(not_objects)
    return raw


def _milestone(item: dict[str, Any]) -> dict[str, Any]:
    """One milestone object, checked like the pledge form's (p2c.pledges.rules)."""
    if item.get("kind") not in limits.MILESTONE_KINDS:
        raise Invalid(_("the kind must be one of %(kinds)s.", kinds=", ".join(limits.MILESTONE_KINDS)))
    description = item.get("description")
    if not isinstance(description, str) or not description.strip():
        raise Invalid(_("describe the milestone."))
    description = _text(description)
    if len(description) > limits.MILESTONE_MAX:
        raise Invalid(_("use at most %(n)s characters.", n=limits.MILESTONE_MAX))
    try:
        due_on = date.fromisoformat(item.get("due_on"))
    except (TypeError, ValueError):
        raise Invalid(_("enter the due date as YYYY-MM-DD.")) from None
    if not limits.MIN_YEAR <= due_on.year <= limits.MAX_YEAR:
        raise Invalid(_("the due date must be between %(a)s and %(b)s.", a=limits.MIN_YEAR, b=limits.MAX_YEAR))
    done = item.get("done")
    if done is not None and not isinstance(done, bool):
        raise Invalid(_("done must be true, false or null."))
    return {"kind": item["kind"], "description": description, "due_on": due_on, "done": done}


class Validator:
    """Parses and checks rows; holds the reference codes for one import run."""

    def __init__(self, locale: str = EXPORT_FORMAT, *, restore: bool = False) -> None:
        # How numbers in text cells are written: the export's own format, or a locale the file declares.
        self.locale = locale
        self.restore = restore  # the platform's own export loaded back (`import_file(restore=True)`)
        self.codes = {k: set(v) for k, v in reference_values().items()}
        self.countries = {c.iso3: c for c in db.session.scalars(select(Country))}
        self.pillar_area = {p.code: p.focus_area_code for p in db.session.scalars(select(Pillar))}
        self.units = dict(db.session.execute(select(Indicator.code, Indicator.unit)).all())
        self._rates: dict[tuple[str, int], tuple[Decimal, int] | None] = {}

    def _rate(self, currency: str, on: date) -> tuple[Decimal, int] | None:
        key = (currency, on.year)
        if key not in self._rates:
            self._rates[key] = usd_rate(currency, on)
        return self._rates[key]

    def _usd(self, rec: dict[str, Any]) -> list[tuple[str, str]]:
        """The USD rule: every amount has a USD value at a known rate, and the value is amount x rate.

        Without a rate the pledge would be imported with no USD value and silently drop out of every
        total, so the file must then carry the rate it used (usd_rate, usd_rate_year, usd_value).
        """
        amount, currency = rec["amount"], rec["currency"]
        if amount is None or not currency:
            return []
        given = {k: rec[k] for k in ("usd_value", "usd_rate", "usd_rate_year")}
        if all(v is None for v in given.values()):
            if self._rate(currency, rec["pledged_on"]) is None:
                return [("currency", _("No exchange rate to US dollars is known for %(currency)s in %(year)s: "
                                       "give usd_rate, usd_rate_year and usd_value.",
                                       currency=currency, year=rec["pledged_on"].year))]
            return []
        missing = [k for k, v in given.items() if v is None]
        if missing:
            return [(k, _("Give usd_value, usd_rate and usd_rate_year together.")) for k in missing]
        expected = to_usd(amount, rec["usd_rate"])
        if rec["usd_value"] != expected:
            return [("usd_value", _("Does not match amount × usd_rate rounded to cents (should be %(value)s).",
                                    value=format(expected, "f")))]
        return []

    def _code(self, column: Column, raw: Any) -> str:
        code = _text(raw).strip()
        allowed = self.codes.get(column.values_from or "")
        if column.name == "language":
            allowed = set(limits.PLEDGE_LANGUAGES)
        elif column.name == "implementation_status":
            allowed = set(ImplementationStatus.values())
        elif column.name == "lead_organization_region":
            allowed = {c.itu_region for c in self.countries.values()}
        elif column.name == "achieved_level":
            allowed = set(FigureLevel.values())
        if allowed is not None and code not in allowed:
            raise Invalid(_("Unknown code %(code)s; see the allowed values on /data.", code=code))
        return code

    def value(self, column: Column, raw: Any) -> Any:
        """One parsed cell (None or [] when empty); raises Invalid."""
        kind = column.kind
        if _empty(raw):
            return [] if kind in (Kind.CODES, Kind.TEXTS, Kind.INTEGERS, Kind.JSON) else None
        if kind == Kind.TEXT:
            return _text(raw)
        if kind == Kind.CODE:
            return self._code(column, raw)
        if kind == Kind.CODES:
            return sorted({self._code(column, item) for item in _items(raw)})
        if kind == Kind.TEXTS:
            return sorted({_text(item) for item in _items(raw)})
        if kind == Kind.INTEGERS:
            numbers = sorted({_integer(item) for item in (raw if isinstance(raw, list) else _items(raw))})
            if any(n < 1 or n > 17 for n in numbers):
                raise Invalid(_("SDGs are numbered 1 to 17."))
            return numbers
        if kind == Kind.DECIMAL:
            maximum = limits.AMOUNT_MAX if column.places == 2 else DECIMAL_MAXIMUM.get(column.name)
            return _decimal(raw, column.places, maximum, self.locale)
        if kind == Kind.INTEGER:
            return _in_range(_integer(raw), *INTEGER_RANGES.get(column.name, (YEAR_MIN, YEAR_MAX)))
        if kind == Kind.BOOLEAN:
            return _boolean(raw)
        if kind == Kind.DATE:
            return _date(raw)
        if kind == Kind.DATETIME:
            return _datetime(raw)
        if column.name == "milestones":
            return self.milestones(raw)
        return self.targets(raw)

    def targets(self, raw: Any) -> list[dict[str, Any]]:
        """The `targets` JSON: a list of objects with the TARGET_KEYS."""
        raw = _json_objects(raw, _("Enter the targets as a JSON array, as the export writes them."),
                            _("Enter the targets as a JSON array of objects."))
        if len(raw) > limits.MAX_TARGETS:
            raise Invalid(_("A pledge has at most %(n)s targets.", n=limits.MAX_TARGETS))
        out = []
        for i, item in enumerate(raw, start=1):
            unknown = sorted(set(item) - set(TARGET_KEYS))
            if unknown:
                raise Invalid(_("Target %(i)s: unknown keys %(keys)s.", i=i, keys=", ".join(unknown)))
            try:
                out.append(self._target(item))
            except Invalid as exc:
                raise Invalid(_("Target %(i)s: %(problem)s", i=i, problem=str(exc))) from None
        return out

    def _target(self, item: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(item.get("indicator"), str) or item["indicator"] not in self.codes["indicators"]:
            raise Invalid(_("unknown indicator %(code)s.", code=item.get("indicator")))
        if _empty(item.get("target_value")) or _empty(item.get("target_year")):
            raise Invalid(_("target_value and target_year are required."))
        year = _integer(item["target_year"])
        if not limits.MIN_YEAR <= year <= limits.MAX_YEAR:
            raise Invalid(_("the target year must be between %(a)s and %(b)s.", a=limits.MIN_YEAR,
                            b=limits.MAX_YEAR))
        # A count (people, schools...) is whole; USD may have cents (p2c.core.counts).
        places = 0 if is_count(self.units.get(item["indicator"])) else 2
        achieved = None if _empty(item.get("achieved_value")) else _decimal(
            item["achieved_value"], places, limits.TARGET_VALUE_MAX, self.locale)
        period = None if _empty(item.get("achieved_period")) else _in_range(
            _integer(item["achieved_period"]), YEAR_MIN, YEAR_MAX)
        if (achieved is None) != (period is None):
            raise Invalid(_("achieved_value and achieved_period go together."))
        return {
            "indicator": item["indicator"],
            "target_value": _decimal(item["target_value"], places, limits.TARGET_VALUE_MAX, self.locale),
            "target_year": year,
            "baseline": None if _empty(item.get("baseline")) else _decimal(item["baseline"], places,
                                                                          limits.TARGET_VALUE_MAX, self.locale),
            "note": _text(item.get("note") or ""),
            "achieved_value": achieved,
            "achieved_period": period,
        }

    def milestones(self, raw: Any) -> list[dict[str, Any]]:
        """The `milestones` JSON: a list of objects with the MILESTONE_KEYS (`done` may be left out)."""
        raw = _json_objects(raw, _("Enter the milestones as a JSON array, as the export writes them."),
                            _("Enter the milestones as a JSON array of objects."))
        if len(raw) > limits.MAX_MILESTONES:
            raise Invalid(_("A pledge has at most %(n)s milestones.", n=limits.MAX_MILESTONES))
        out = []
        for i, item in enumerate(raw, start=1):
            unknown = sorted(set(item) - set(MILESTONE_KEYS))
            if unknown:
                raise Invalid(_("Milestone %(i)s: unknown keys %(keys)s.", i=i, keys=", ".join(unknown)))
            try:
                out.append(_milestone(item))
            except Invalid as exc:
                raise Invalid(_("Milestone %(i)s: %(problem)s", i=i, problem=str(exc))) from None
        return out

    def row(self, values: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Parsed record and its errors (field, message)."""
        parsed: dict[str, Any] = {}
        errors: list[tuple[str, str]] = []
        for column in COLUMNS:
            if column.name in KEPT_WHEN_ABSENT and column.name not in values:
                parsed[column.name] = None  # a file from before the column: the stored values stay
                continue
            raw = values.get(column.name)
            if column.required and _empty(raw):
                errors.append((column.name, _("This field is required.")))
                continue
            try:
                parsed[column.name] = self.value(column, raw)
            except Invalid as exc:
                errors.append((column.name, str(exc)))
        if not errors:
            errors.extend(self._consistency(parsed))
        return parsed, errors

    def _consistency(self, rec: dict[str, Any]) -> list[tuple[str, str]]:
        errors = []
        for name, maximum in (("title", limits.TITLE_MAX), ("lead_organization", limits.ORG_NAME_MAX),
                              ("lead_organization_acronym", limits.ACRONYM_MAX), ("reference", 24)):
            if rec[name] and len(rec[name]) > maximum:
                errors.append((name, _("Use at most %(n)s characters.", n=maximum)))
        for name in rec["partners"]:
            if len(name) > limits.ORG_NAME_MAX:
                errors.append(("partners", _("Use at most %(n)s characters.", n=limits.ORG_NAME_MAX)))
        wrong = [p for p in rec["pillars"] if self.pillar_area.get(p) != rec["focus_area"]]
        if wrong:
            errors.append(("pillars", _("Not pillars of this focus area: %(codes)s.", codes=", ".join(wrong))))
        if rec["amount"] is not None and not rec["currency"]:
            errors.append(("currency", _("Give the currency of the amount.")))
        problem = currency_precision_error(rec["amount"], rec["currency"])
        if problem:
            errors.append(("amount", problem))
        if rec["amount"] is None and any(rec[k] is not None for k in ("usd_value", "usd_rate", "usd_rate_year")):
            errors.append(("amount", _("A USD value needs an amount.")))
        errors.extend(self._usd(rec))
        errors.extend(self._target_or_milestone(rec))
        if rec["start_date"] and rec["end_date"] and rec["end_date"] < rec["start_date"]:
            errors.append(("end_date", _("The end date is before the start date.")))
        countries = [self.countries[c] for c in rec["countries"]]
        for flag, attr in (("targets_ldc", "ldc"), ("targets_lldc", "lldc"), ("targets_sids", "sids")):
            derived = any(getattr(c, attr) for c in countries)
            if rec["is_global"] and rec[flag] is not None:
                continue  # a global pledge may count as reaching every group (the pledge form's rule)
            if rec["is_global"]:
                derived = True
            if rec[flag] is not None and rec[flag] != derived:
                errors.append((flag, _("Does not match the target countries (should be %(v)s).",
                                       v="true" if derived else "false")))
            rec[flag] = derived
        region = self.countries[rec["lead_organization_country"]].itu_region \
            if rec["lead_organization_country"] else None
        if rec["lead_organization_region"] is not None and rec["lead_organization_region"] != region:
            errors.append(("lead_organization_region", _("Does not match the organization's country.")))
        return errors

    def _target_or_milestone(self, rec: dict[str, Any]) -> list[tuple[str, str]]:
        """The pledge form's rule (`p2c.pledges.rules`, every pledge type): at least one quantified target or
        one milestone. [] or one (column, message).

        Not for what the file cannot make worse: a stored pledge that already has neither (approved before
        the rule), a file without the milestones column (`None`: the stored milestones stay) for a pledge
        that has some, and a restore of the platform's own export (`restore`), which must load back
        whatever the platform held."""
        if rec["targets"] or rec["milestones"] or self.restore:
            return []
        if rec["reference"]:
            pledge = select(Pledge.id).where(Pledge.reference == rec["reference"]).scalar_subquery()
            stored = db.session.execute(select(
                select(PledgeTarget.id).where(PledgeTarget.pledge_id == pledge).exists(),
                select(PledgeMilestone.id).where(PledgeMilestone.pledge_id == pledge).exists(),
                select(Pledge.id).where(Pledge.id == pledge).exists())).one()
            has_targets, has_milestones, exists = stored
            if exists and not has_targets and (not has_milestones or rec["milestones"] is None):
                return []
        return [("targets", _("Give at least one quantified target (targets) or one milestone (milestones)."))]
