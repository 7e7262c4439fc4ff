"""Marshmallow input schema of a pledge, for the write API: the same rules as the HTML form.

`PledgeInputSchema().load(payload)` returns the plain data `p2c.pledges.services.create_pledge`
takes (the same shape as `PledgeForm.to_data()`), or raises ValidationError with messages under
the form's field names (`targets` errors are nested per row: {"targets": {0: {"value": [...]}}}).
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Equal, Length, OneOf, Range

from p2c.core import text
from p2c.core.numbers import read_machine_number
from p2c.members.queries import match_organization
from p2c.pledges import constants as C
from p2c.pledges import rules


def _length(min_len: int = 0, max_len: int | None = None) -> Length:
    return Length(min=min_len or None, max=max_len)


class Text(fields.String):
    """A string cleaned by the platform's text rule, like a form field (`p2c.core.text.clean_text`).

    Single-line by default (tabs and line breaks become spaces); `multiline=True` for long texts.
    """

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.multiline = multiline

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        return text.clean_text(super()._deserialize(value, attr, data, **kwargs), multiline=self.multiline)


class Number(fields.Field):
    """A JSON number, or a string read in the request's language like the form's (p2c.core.numbers);
    refuses NaN, exponents, negatives, bools and more than two decimals."""

    def __init__(self, *, upper, places: int = 2, **kwargs) -> None:
        # The OpenAPI document reads the range from here (p2c.api.openapi: what the reader accepts,
        # 0 <= value < upper); the text form is described in words, so clients send JSON numbers.
        kwargs["metadata"] = {"range": {"type": "number", "minimum": 0, "maximum": int(upper),
                                        "exclusiveMaximum": True},
                              "description": f"0 <= value < {int(upper)}, at most {places} decimals; also accepted "
                                             "as text written in the request's language (1,500,000.50 in English, "
                                             "1.500.000,50 in Spanish)",
                              **kwargs.get("metadata", {})}
        super().__init__(**kwargs)
        self.upper = upper
        self.places = places

    def _deserialize(self, value: Any, attr, data, **kwargs):
        try:
            return read_machine_number(value, upper=self.upper, places=self.places, allow_empty=self.allow_none)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class Website(Text):
    """'example.org' or a full http(s) address; stored with its scheme."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        try:
            return text.normalize_website(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class EmailAddress(Text):
    """A syntactically valid e-mail address, normalized (no DNS lookup)."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        try:
            return text.check_email(super()._deserialize(value, attr, data, **kwargs))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class Phone(Text):
    """Digits and the usual separators."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        phone = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.check_phone(phone)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return phone


class TargetInputSchema(Schema):
    """One quantified target."""

    class Meta:
        unknown = EXCLUDE

    indicator = Text(required=True, validate=_length(1, 40), metadata={"codes": rules.codes("indicators")})
    value = Number(required=True, upper=C.TARGET_VALUE_MAX)
    year = fields.Integer(required=True, strict=False, validate=Range(C.MIN_YEAR, C.MAX_YEAR))
    baseline = Number(load_default=None, allow_none=True, upper=C.TARGET_VALUE_MAX)


class MilestoneInputSchema(Schema):
    """One qualitative target: a milestone with its date instead of a number."""

    class Meta:
        unknown = EXCLUDE

    kind = Text(required=True, validate=OneOf(C.MILESTONE_KINDS), metadata={"codes": rules.codes("milestone_kinds")})
    description = Text(required=True, validate=_length(1, C.MILESTONE_MAX))
    due_on = fields.Date(required=True)


def _codes(max_len: int = 40, *, pool: str, **kwargs) -> fields.List:
    return fields.List(Text(validate=_length(1, max_len), metadata={"codes": rules.codes(pool)}), load_default=list,
                       **kwargs)


class PledgeInputSchema(Schema):
    """A new pledge (or the changed one) as the API receives it. Field names match the HTML form."""

    class Meta:
        unknown = EXCLUDE

    lead_name = Text(required=True, validate=_length(1, C.ORG_NAME_MAX))
    lead_acronym = Text(load_default="", validate=_length(0, C.ACRONYM_MAX))
    lead_stakeholder_group = Text(load_default=None, allow_none=True, validate=_length(0, 40),
                                  metadata={"codes": rules.codes("stakeholder_groups")})
    lead_country = Text(load_default=None, allow_none=True, validate=_length(0, 3),
                        metadata={"codes": rules.codes("countries")})
    lead_website = Website(load_default="")
    partners = fields.List(Text(validate=_length(1, C.ORG_NAME_MAX)), load_default=list,
                           validate=Length(max=C.MAX_PARTNERS))
    title = Text(required=True, validate=_length(5, C.TITLE_MAX))
    description = Text(required=True, multiline=True, validate=_length(C.DESCRIPTION_MIN, C.DESCRIPTION_MAX))
    language = Text(required=True, validate=OneOf(C.PLEDGE_LANGUAGES))
    focus_area = Text(required=True, validate=_length(1, 20), metadata={"codes": rules.codes("focus_areas")})
    pillars = _codes(pool="pillars")
    pledge_type = Text(required=True, validate=_length(1, 40), metadata={"codes": rules.codes("pledge_types")})
    amount = Number(load_default=None, allow_none=True, upper=C.AMOUNT_MAX)
    currency = Text(load_default=None, allow_none=True, validate=_length(0, 3),
                    metadata={"codes": rules.codes("currencies")})
    countries = _codes(3, pool="countries", validate=Length(max=C.MAX_COUNTRIES))
    shortcuts = _codes(20, pool="shortcuts", validate=Length(max=20))
    beneficiary_groups = _codes(pool="beneficiary_groups")
    sdgs = fields.List(fields.Integer(strict=False, metadata={"codes": rules.codes("sdgs")}), load_default=list)
    wsis_lines = _codes(pool="wsis_lines")
    initiatives = _codes(10, pool="initiatives", validate=Length(max=40))
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    targets = fields.List(fields.Nested(TargetInputSchema), load_default=list, validate=Length(max=C.MAX_TARGETS))
    milestones = fields.List(fields.Nested(MilestoneInputSchema), load_default=list,
                             validate=Length(max=C.MAX_MILESTONES))
    sdg_targets = _codes(8, pool="sdg_targets")
    gdc_objectives = _codes(pool="gdc_objectives")
    event = Text(load_default=None, allow_none=True, validate=_length(0, 40), metadata={"codes": rules.codes("events")})
    focal_name = Text(required=True, validate=_length(1, C.PERSON_NAME_MAX))
    focal_title = Text(load_default="", validate=_length(0, C.PERSON_NAME_MAX))
    focal_email = EmailAddress(required=True, validate=_length(1, C.EMAIL_MAX))
    focal_phone = Phone(load_default="", validate=_length(0, C.PHONE_MAX))
    consent = fields.Boolean(required=True, validate=Equal(True, error=str(_l("Please confirm to submit the pledge."))))

    @staticmethod
    def _canonical(data: dict) -> dict:
        countries, is_global, _ = rules.resolve_countries(data.get("countries") or [], data.get("shortcuts") or [])
        amount = data.get("amount")
        return {
            "lead": {"name": data.get("lead_name", ""), "acronym": data.get("lead_acronym", ""),
                     "stakeholder_group": data.get("lead_stakeholder_group") or None,
                     "country": data.get("lead_country") or None, "website": data.get("lead_website", "")},
            "partners": list(dict.fromkeys(data.get("partners") or [])),
            "title": data.get("title", ""), "description": data.get("description", ""),
            "language": data.get("language"), "focus_area": data.get("focus_area"),
            "pillars": list(dict.fromkeys(data.get("pillars") or [])), "pledge_type": data.get("pledge_type"),
            "amount": amount, "currency": (data.get("currency") or None) if amount is not None else None,
            "countries": countries, "is_global": is_global,
            "beneficiary_groups": list(dict.fromkeys(data.get("beneficiary_groups") or [])),
            "sdgs": sorted(set(data.get("sdgs") or [])),
            "wsis_lines": list(dict.fromkeys(data.get("wsis_lines") or [])),
            "initiatives": list(dict.fromkeys(data.get("initiatives") or [])),
            "start_date": data.get("start_date"), "end_date": data.get("end_date"),
            "targets": [{"indicator": t.get("indicator"), "value": t.get("value"), "year": t.get("year"),
                         "baseline": t.get("baseline")} for t in data.get("targets") or []],
            "milestones": [{"kind": m.get("kind"), "description": m.get("description"), "due_on": m.get("due_on")}
                           for m in data.get("milestones") or []],
            "sdg_targets": list(dict.fromkeys(data.get("sdg_targets") or [])),
            "gdc_objectives": list(dict.fromkeys(data.get("gdc_objectives") or [])),
            "event": data.get("event") or None,
            "focal_point": {"name": data.get("focal_name", ""), "title": data.get("focal_title", ""),
                            "email": data.get("focal_email", ""), "phone": data.get("focal_phone", "")},
            "consent": bool(data.get("consent")),
        }

    @validates_schema(skip_on_field_errors=False)
    def _rules(self, data: dict, **kwargs) -> None:
        """The shared rules (reference data, pillars of the area, dates in order, countries)."""
        canonical = self._canonical(data)
        _, _, unknown = rules.resolve_countries(data.get("countries") or [], data.get("shortcuts") or [])
        known_lead = match_organization(data.get("lead_name", ""), data.get("lead_country") or None) is not None
        errors = rules.check_pledge(canonical, known_lead=known_lead, unknown_countries=unknown)
        if errors:
            raise ValidationError(errors)

    @post_load
    def _to_service_data(self, data: dict, **kwargs) -> dict:
        return self._canonical(data)
