"""What changed between two audit snapshots, in words: the reviewer reads "Target countries: Kenya →
Kenya, Uganda", not escaped JSON. Used by the record page (changes of the latest resubmission) and
the history (the details behind each sentence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import lazy_gettext as _l

from p2c.core.counts import format_count, is_count
from p2c.core.i18n import country_name, ref_name, reference_translation

# Audit fields shown to reviewers, in form order, with their labels; other fields (ids, versions,
# derived rates) are bookkeeping and stay in the raw audit data.
LABELS = {
    "title": _l("Title"), "description": _l("Description"), "language": _l("Language"),
    "focus_area_code": _l("Focus area"), "pillars": _l("Pillars"), "pledge_type_code": _l("Pledge type"),
    "event_code": _l("Announced at"), "partners": _l("Partners"), "amount": _l("Amount"),
    "currency_code": _l("Currency"), "usd_value": _l("Value (USD)"), "is_global": _l("Global"),
    "countries": _l("Target countries"), "start_date": _l("Start date"), "end_date": _l("End date"),
    "targets": _l("Targets"), "beneficiary_groups": _l("Beneficiaries"), "sdgs": _l("SDGs"),
    "wsis_lines": _l("WSIS Action Lines"), "consent_public": _l("Agrees to publication"), "status": _l("Status"),
    "implementation_status": _l("Implementation status"), "narrative": _l("Narrative"),
    "name": _l("Name"), "acronym": _l("Acronym"), "website": _l("Website"),
}


@dataclass
class Change:
    """One field that changed: its label and both values as text."""

    field: str
    label: str
    old: str
    new: str


def _names(model_name: str, codes: list[str]) -> dict[str, str]:
    from sqlalchemy import select

    from p2c.extensions import db
    from p2c.reference import models as ref

    model = getattr(ref, model_name)
    key = model.code
    if hasattr(model, "name_translations"):  # events: the team's translation before the catalog's
        return {c: reference_translation(n, t)[0] for c, n, t in db.session.execute(
            select(key, model.name, model.name_translations).where(key.in_(codes)))}
    return {c: ref_name(n) for c, n in db.session.execute(select(key, model.name).where(key.in_(codes)))}


def _quantity(value: object, unit: str | None) -> str:
    """A target value: a whole count, or an amount with its decimals (p2c.core.counts)."""
    try:
        return format_count(value) if is_count(unit) else format_decimal(value)
    except (ValueError, TypeError, ArithmeticError):
        return str(value)


def _words(field: str, value: object) -> str:
    """A snapshot value as the reviewer reads it."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if field == "countries":
        return ", ".join(country_name(c) for c in value)
    lookups = {"focus_area_code": "FocusArea", "pledge_type_code": "PledgeType", "event_code": "Event",
               "pillars": "Pillar", "beneficiary_groups": "BeneficiaryGroup"}
    if field in lookups:
        codes = value if isinstance(value, list) else [value]
        names = _names(lookups[field], [str(c) for c in codes])
        return ", ".join(names.get(str(c), str(c)) for c in codes)
    if field == "targets":
        from p2c.reference.catalog import catalog

        indicators = _names("Indicator", [t[0] for t in value])
        units = {code: row.unit for code, row in catalog().indicators.items()}
        return "; ".join(f"{indicators.get(t[0], t[0])}: {_quantity(t[1], units.get(t[0]))} ({t[2]})" for t in value)
    if field in ("start_date", "end_date") and isinstance(value, str):
        try:
            return format_date(date.fromisoformat(value[:10]))
        except ValueError:
            return value
    if field in ("amount", "usd_value"):
        try:
            return format_decimal(value)
        except (ValueError, TypeError, ArithmeticError):
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def changes(before: dict | None, after: dict | None) -> list[Change]:
    """The reviewer-facing fields whose value differs between two snapshots, in form order."""
    before, after = before or {}, after or {}
    return [Change(field, str(label), _words(field, before.get(field)), _words(field, after.get(field)))
            for field, label in LABELS.items()
            if (field in before or field in after) and before.get(field) != after.get(field)]
