"""marshmallow input schema for progress reports filed through the API (same rules as the HTML form).

The schema needs the pledge (its targets, periods and pledged value), so it is built per pledge:
`ProgressReportInputSchema(pledge=pledge).load(payload)` returns the plain data that
`services.file_report` takes, or raises `ValidationError` with {field: [messages]}.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema
from sqlalchemy import select

from p2c.core.counts import count_precision_error
from p2c.core.enums import ImplementationStatus
from p2c.extensions import db
from p2c.implementation import ledger, rules
from p2c.pledges.models import Pledge
from p2c.pledges.rules import codes
from p2c.pledges.schemas import Number, Text
from p2c.reference.models import BeneficiaryGroup


class People(Number):
    """A count of people: a whole number read like every number (p2c.core.numbers), as an int."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(upper=Decimal(10) ** 15, places=0, **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> int:
        return int(super()._deserialize(value, attr, data, **kwargs))


class AchievedValueSchema(Schema):
    """The value achieved for one target, named by its id or (when unambiguous) its indicator code."""

    target_id = fields.Integer(load_default=None)
    indicator = Text(load_default=None, metadata={"description": "indicator code of the target",
                                                  "codes": codes("indicators")})
    achieved_value = Number(required=True, upper=rules.ACHIEVED_MAX)


class DisbursementEntrySchema(Schema):
    """One disbursement: amount in `currency` (default: the pledge's), the year paid, recipient, instrument."""

    amount = Number(required=True, upper=ledger.AMOUNT_LIMIT)
    currency = Text(load_default=None, metadata={"description": "ISO 4217 code; default: the pledge's currency",
                                                 "codes": codes("currencies")})
    year = fields.Integer(load_default=None, metadata={"description": "the year it was disbursed; default: "
                                                                      "the year reported on"})
    recipient = Text(required=True, metadata={"description": "ISO 3166 alpha-3 country, ITU region code "
                                                             "(AFR, AMS, ARB, ASP, CIS, EUR) or global"})
    instrument = fields.String(required=True, validate=validate.OneOf(list(ledger.INSTRUMENTS)))
    cofinancing = fields.Boolean(load_default=False,
                                 metadata={"description": "co-financing mobilized from others"})


class ProgressReportInputSchema(Schema):
    """A progress report as JSON: see the field descriptions in the OpenAPI document."""

    period = fields.Integer(required=True, metadata={"description": "the year reported on"})
    implementation_status = fields.Enum(ImplementationStatus, by_value=True, required=True)
    entries = fields.List(fields.Nested(DisbursementEntrySchema), load_default=list,
                          metadata={"description": "the disbursements of the year; the total disbursed to "
                                                   "date is derived from the approved reports' entries"})
    disbursement_explanation = Text(multiline=True, load_default="",
                                    validate=validate.Length(max=rules.EXPLANATION_MAX))
    narrative = Text(multiline=True, required=True,
                     validate=validate.Length(min=rules.NARRATIVE_MIN, max=rules.NARRATIVE_MAX))
    evidence_links = fields.List(Text(), load_default=list)
    values = fields.List(fields.Nested(AchievedValueSchema), load_default=list)
    beneficiaries = fields.Dict(
        keys=fields.String(),
        values=People(validate=validate.Range(max=rules.PEOPLE_MAX, error=rules.PEOPLE_TOO_MANY)),
        load_default=dict, metadata={"description": "people reached per beneficiary group code",
                                     "codes": codes("beneficiary_groups")},
    )

    def __init__(self, *args: Any, pledge: Pledge, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.today = today

    @validates("evidence_links")
    def _links(self, value: list[str], **_: Any) -> None:
        errors = rules.evidence_links_errors([v.strip() for v in value])
        if errors:
            raise ValidationError(errors)

    @validates("beneficiaries")
    def _groups(self, value: dict, **_: Any) -> None:
        known = set(db.session.scalars(select(BeneficiaryGroup.code)))
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValidationError(str(_l("Unknown beneficiary group: %(codes)s.", codes=", ".join(unknown))))

    def _resolve_values(self, items: list[dict]) -> dict[int, Decimal]:
        """{target id: value}; an indicator code stands for the pledge's single target with that indicator."""
        by_id = {t.id: t for t in self.pledge.targets}
        resolved: dict[int, Decimal] = {}
        for item in items:
            target_id = item.get("target_id")
            if target_id is None and item.get("indicator"):
                matches = [t.id for t in self.pledge.targets if t.indicator_code == item["indicator"]]
                target_id = matches[0] if len(matches) == 1 else None
            if target_id not in by_id:
                raise ValidationError(str(_l("Report only on this pledge's own targets.")), "values")
            message = count_precision_error(item["achieved_value"], by_id[target_id].indicator.unit)
            if message:
                raise ValidationError(message, "values")
            resolved[target_id] = item["achieved_value"]
        return resolved

    def _entries(self, data: dict) -> list[dict]:
        """The entries with their defaults: the pledge's currency, the year reported on."""
        return [{**e, "currency": (e.get("currency") or self.pledge.currency_code or "USD").upper(),
                 "year": e.get("year") or data.get("period"), "recipient": (e.get("recipient") or "").strip()}
                for e in data.get("entries") or []]

    @validates_schema
    def _cross_field(self, data: dict, **_: Any) -> None:
        plain = dict(data)
        plain["values"] = self._resolve_values(data.get("values") or [])
        plain["entries"] = self._entries(data)
        entry_errors = ledger.entries_errors(plain["entries"], self.pledge, data.get("period"))
        if entry_errors:
            raise ValidationError({"entries": {i: messages for i, messages in entry_errors.items()}})
        plain["usd_disbursed"] = ledger.running_total(self.pledge, plain["entries"])
        errors = rules.cross_field_errors(self.pledge, plain, self.today)
        if errors:
            raise ValidationError({name: [message] for name, message in errors.items()})

    @post_load
    def _plain(self, data: dict, **_: Any) -> dict:
        data["values"] = self._resolve_values(data.get("values") or [])
        data["entries"] = self._entries(data)
        data["usd_disbursed"] = ledger.running_total(self.pledge, data["entries"])
        data["evidence_links"] = rules.split_links("\n".join(data.get("evidence_links") or []))
        data["narrative"] = data["narrative"].strip()
        data["disbursement_explanation"] = (data.get("disbursement_explanation") or "").strip()
        return data
