"""Output schemas of public pledge data (API, exports). They list public fields only: the focal
point and every other contact field are simply not there, so no request can bring them out."""

from __future__ import annotations

from datetime import UTC

from flask import url_for
from marshmallow import Schema, fields

from p2c.core.counts import Quantity
from p2c.core.enums import FigureLevel
from p2c.core.fields import DecimalString
from p2c.pledges.queries import status_of
from p2c.reference.catalog import catalog


class UtcDateTime(fields.DateTime):
    """A stored (naive UTC) time written as RFC 3339 with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class OrganizationRefSchema(Schema):
    """An organization as shown next to a pledge."""

    id = fields.Integer()
    name = fields.String()
    acronym = fields.String()
    stakeholder_group = fields.String(attribute="stakeholder_group_code")
    country = fields.String(attribute="country_iso3", allow_none=True)


class PublicOrganizationSchema(OrganizationRefSchema):
    """An organization in /api/v1/organizations, with its approved pledges (joint pledges count under the lead)."""

    website = fields.String()
    is_member = fields.Boolean()
    pledges = fields.Integer()
    usd_value = fields.String()


def _indicator_unit(code: str) -> str | None:
    """The unit of an indicator (reference data, read once per request)."""
    row = catalog().indicators.get(code)
    return row.unit if row is not None else None


class TargetSchema(Schema):
    """A quantified target."""

    indicator = fields.String(attribute="indicator_code")
    target_value = Quantity(lambda t: _indicator_unit(t.indicator_code))
    target_year = fields.Integer()
    baseline = Quantity(lambda t: _indicator_unit(t.indicator_code), allow_none=True)


class MilestoneSchema(Schema):
    """A qualitative target: a milestone with its date."""

    kind = fields.String()
    description = fields.String()
    due_on = fields.Date()


class PublicPledgeSchema(Schema):
    """An approved pledge, as the public sees it."""

    reference = fields.String()
    url = fields.Method("_url")
    title = fields.String()
    description = fields.String()
    language = fields.String()
    lead_organization = fields.Nested(OrganizationRefSchema)
    partners = fields.List(fields.Nested(OrganizationRefSchema))
    focus_area = fields.String(attribute="focus_area_code")
    pillars = fields.Method("_pillars")
    pledge_type = fields.String(attribute="pledge_type_code")
    event = fields.String(attribute="event_code", allow_none=True)
    amount = DecimalString(allow_none=True)
    currency = fields.String(attribute="currency_code", allow_none=True)
    usd_value = DecimalString(allow_none=True)
    usd_rate = DecimalString(allow_none=True)
    usd_rate_year = fields.Integer(allow_none=True)
    is_global = fields.Boolean()
    countries = fields.Method("_countries")
    targets_ldc = fields.Boolean()
    targets_lldc = fields.Boolean()
    targets_sids = fields.Boolean()
    beneficiary_groups = fields.Method("_beneficiaries")
    sdgs = fields.Method("_sdgs")
    wsis_lines = fields.Method("_wsis")
    initiatives = fields.Method("_initiatives", metadata={
        "description": "Codes of the WTDC-25 regional initiatives the pledge is aligned with (AFR1 ...)."})
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    start_year = fields.Integer(allow_none=True)
    pledged_on = fields.Date()
    approved_at = UtcDateTime(allow_none=True)
    implementation_status = fields.Method("_impl")
    reporting_status = fields.Method("_reporting")
    last_reported_at = UtcDateTime(allow_none=True)
    targets = fields.List(fields.Nested(TargetSchema))
    milestones = fields.List(fields.Nested(MilestoneSchema))
    sdg_targets = fields.Method("_sdg_targets")
    gdc_objectives = fields.Method("_gdc")

    def _sdg_targets(self, pledge) -> list[str]:
        return [t.code for t in pledge.sdg_targets]

    def _gdc(self, pledge) -> list[str]:
        return [o.code for o in pledge.gdc_objectives]

    def _url(self, pledge) -> str:
        return url_for("pledges.detail", ref=pledge.reference, _external=True)

    def _pillars(self, pledge) -> list[str]:
        return sorted(p.code for p in pledge.pillars)

    def _countries(self, pledge) -> list[str]:
        return sorted(c.iso3 for c in pledge.countries)

    def _beneficiaries(self, pledge) -> list[str]:
        return sorted(b.code for b in pledge.beneficiary_groups)

    def _sdgs(self, pledge) -> list[int]:
        return sorted(s.number for s in pledge.sdgs)

    def _wsis(self, pledge) -> list[str]:
        return sorted(w.code for w in pledge.wsis_lines)

    def _initiatives(self, pledge) -> list[str]:
        return sorted(i.code for i in pledge.initiatives)

    def _impl(self, pledge) -> str:
        return str(pledge.implementation_status)

    def _reporting(self, pledge) -> str:
        return status_of(pledge)


class PublicAchievedValueSchema(Schema):
    """What a progress report says was achieved on one target."""

    indicator = fields.Function(lambda v: v.target.indicator_code)
    target_year = fields.Function(lambda v: v.target.target_year)
    achieved_value = Quantity(lambda v: _indicator_unit(v.target.indicator_code))


class PublicPeopleReachedSchema(Schema):
    """People reached in one beneficiary group."""

    beneficiary_group = fields.String(attribute="beneficiary_code")
    people_reached = fields.Integer()


def _evidence_link(file) -> str:
    """The public download address of an evidence file (served once its report is approved)."""
    from urllib.parse import quote

    from p2c.core.tokens import absolute_url

    return absolute_url(f"/evidence/{file.id}/{quote(file.filename)}")


class PublicDisbursementSchema(Schema):
    """One entry of the financial commitments ledger (a disbursement of an approved report)."""

    year = fields.Integer(metadata={"description": "the year it was disbursed"})
    amount = DecimalString(metadata={"description": "in `currency`"})
    currency = fields.String(attribute="currency_code")
    recipient = fields.String(metadata={"description": "ISO3 country, ITU region code, global, or empty "
                                                       "(not stated, for migrated totals)"})
    instrument = fields.String()
    cofinancing = fields.Boolean()
    usd_rate = DecimalString(metadata={"description": "USD per unit, yearly average of `usd_rate_year`"})
    usd_rate_year = fields.Integer()
    usd_value = DecimalString()
    migrated = fields.Boolean(metadata={"description": "made from a report's former disbursed-to-date figure"})


class FulfilmentSchema(Schema):
    """Pledged, disbursed to date (approved reports' entries) and the share, in USD."""

    pledged_usd = fields.String(allow_none=True)
    disbursed_usd = fields.String()
    share = fields.String(allow_none=True, metadata={"description": "disbursed / pledged, 4 decimals"})


class PublicProgressReportSchema(Schema):
    """An approved progress report, as the public pledge page shows it (no contact data)."""

    reference = fields.String()
    period = fields.Integer(metadata={"description": "the year reported on"})
    implementation_status = fields.Function(lambda r: str(r.implementation_status))
    achieved = fields.List(fields.Nested(PublicAchievedValueSchema), attribute="values")
    usd_disbursed = DecimalString(allow_none=True, metadata={"description": "USD disbursed to date (a running "
                                                                            "total, not a yearly amount)"})
    people_reached = fields.List(fields.Nested(PublicPeopleReachedSchema), attribute="beneficiaries")
    disbursements = fields.List(fields.Nested(PublicDisbursementSchema), attribute="entries")
    approved_at = UtcDateTime(allow_none=True)
    figure_level = fields.Function(
        lambda r: str(r.figure_level),
        metadata={"codes": FigureLevel.values,
                  "description": "how far the report's figures were checked: self_reported (approved without "
                                 "a review, e.g. imported), reviewed (approved by the coalition team), verified "
                                 "(confirmed by an independent verifier)"})
    verified_at = UtcDateTime(allow_none=True, metadata={"description": "when an independent verifier confirmed it"})
    evidence_files = fields.Function(
        lambda r: [_evidence_link(f) for f in getattr(r, "evidence_files", [])],
        metadata={"description": "download addresses of the report's evidence files"})


class PublicPledgeDetailSchema(PublicPledgeSchema):
    """One approved pledge with its progress history (approved reports, oldest first)."""

    progress_reports = fields.List(fields.Nested(PublicProgressReportSchema))
    fulfilment = fields.Nested(FulfilmentSchema, allow_none=True,
                               metadata={"description": "null when the pledge has no money value"})


class PledgePageSchema(Schema):
    """A page of /api/v1/pledges."""

    count = fields.Integer()
    count_exact = fields.Boolean()
    next = fields.String(allow_none=True)
    results = fields.List(fields.Nested(PublicPledgeSchema))


class OrganizationPageSchema(Schema):
    """A page of /api/v1/organizations."""

    next = fields.String(allow_none=True)
    results = fields.List(fields.Nested(PublicOrganizationSchema))
