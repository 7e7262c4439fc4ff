"""Output schema of /api/v1/progress (documents the figures of p2c.reporting.figures.assemble)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, post_dump, validate

from p2c.core.counts import QUANTITY_SENTENCE, Quantity, json_quantity
from p2c.core.enums import FigureLevel
from p2c.core.fields import DecimalString
from p2c.reference.regions import ITU_REGIONS


def _unit(obj: dict) -> str | None:
    return obj.get("unit")


class LevelSchema(Schema):
    """An achieved figure's part at one verification level."""

    level = fields.String(metadata={"codes": FigureLevel.values,
                                    "description": "self_reported: approved without a review (e.g. imported); "
                                                   "reviewed: a progress report approved by the coalition team; "
                                                   "verified: confirmed by an independent verifier"})
    pledges = fields.Integer(metadata={"description": "Pledges whose latest approved report is at this level"})
    achieved = fields.String()


class TotalsSchema(Schema):
    """Headline figures (approved pledges only)."""

    pledges = fields.Integer()
    organizations = fields.Integer()
    countries = fields.Integer(metadata={"description": "Countries targeted by approved pledges (what pledges aim "
                                                        "at, not countries reached: see `finance` for where "
                                                        "approved reports say money went)"})
    usd_value = fields.String()
    active_pledges = fields.Integer()
    active_usd_value = fields.String()
    usd_disbursed = fields.String(metadata={"description": "Achieved: USD disbursed to date, from each pledge's "
                                                           "latest approved progress report"})
    disbursing_pledges = fields.Integer(metadata={"description": "Pledges whose latest approved report states "
                                                                 "a disbursement"})
    usd_disbursed_by_level = fields.List(fields.Nested(LevelSchema), metadata={
        "description": "usd_disbursed split by verification level (every level, lowest first; sums to it)"})


class BreakdownRowSchema(Schema):
    """One row of a breakdown."""

    key = fields.String()
    name = fields.String()
    name_translations = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "Event rows only: the coalition team's translations of the name ({\"fr\": ...}); a "
                       "shipped event's name is also translated in the site's catalogs"})
    pledges = fields.Integer()
    usd_value = fields.String()


class BreakdownSchema(Schema):
    """Approved pledges by one dimension; `additive` false means rows do not add up to the total."""

    dimension = fields.String()
    filter = fields.String()
    additive = fields.Boolean()
    rows = fields.List(fields.Nested(BreakdownRowSchema))


class GoalSchema(Schema):
    """A coalition goal with the share reached and the date projected at the recent pace."""

    id = fields.Integer()
    title = fields.String()
    # The team's translations of a custom title, by language code (en is `title`).
    title_translations = fields.Dict(keys=fields.String(), values=fields.String())
    metric = fields.String()
    indicator = fields.String(allow_none=True)
    unit = fields.String(metadata={"description": "USD for usd_value, pledges, organizations, or the indicator's "
                                                  "unit"})
    target_value = Quantity(_unit)
    target_date = fields.String()
    reached_value = Quantity(_unit, metadata={"description": "what the goal counts so far (see `counts`): the "
                                                             "USD value pledged, approved pledges, pledging "
                                                             "organizations, or the indicator's pledged targets "
                                                             "(pledged, not achieved)"})
    counts = fields.String(metadata={"description": "active (pledges inactive for over 24 months left out) "
                                                    "or all_time"})
    reached_active = Quantity(_unit)
    reached_all_time = Quantity(_unit)
    share = fields.String(allow_none=True)
    met = fields.Boolean()
    pace_per_year = Quantity(_unit, allow_none=True)
    projected_date = fields.String(allow_none=True)
    on_track = fields.Boolean()


class IndicatorLevelSchema(LevelSchema):
    """An indicator's achieved figure at one verification level."""

    achieved = fields.Raw(metadata={"oneOf": [{"type": "integer"}, {"type": "string"}],
                                    "description": QUANTITY_SENTENCE})


class IndicatorSchema(Schema):
    """Pledged targets and achieved values (latest approved report per pledge) for one indicator."""

    code = fields.String()
    name = fields.String()
    unit = fields.String()
    pledges = fields.Integer()
    pledged = Quantity(_unit, metadata={"description": "pledged targets, summed"})
    reporting_pledges = fields.Integer()
    achieved = Quantity(_unit, metadata={"description": "achieved in approved progress reports"})
    achieved_by_level = fields.List(fields.Nested(IndicatorLevelSchema), metadata={
        "description": "achieved split by verification level (every level, lowest first; sums to it)"})
    gap_value = Quantity(_unit, allow_none=True)
    gap_source = fields.String(allow_none=True)
    gap_share_pledged = fields.String(allow_none=True)

    @post_dump(pass_original=True)
    def _whole_levels(self, data: dict, original: dict, **_kwargs) -> dict:
        # The nested level rows do not know the unit: counts are whole there too.
        for part in data.get("achieved_by_level") or []:
            part["achieved"] = json_quantity(part.get("achieved"), original.get("unit"))
        return data


class ReportingStatusSchema(Schema):
    """Share of approved pledges per reporting status."""

    status = fields.String()
    pledges = fields.Integer()
    usd_value = fields.String()
    share = fields.String(allow_none=True)


class TrajectoryPointSchema(Schema):
    """The coalition's achieved total as of one reporting period (latest approved report per pledge)."""

    period = fields.Integer()
    achieved = fields.Raw(metadata={"oneOf": [{"type": "integer"}, {"type": "string"}],
                                    "description": QUANTITY_SENTENCE})


class ForecastSchema(Schema):
    """Where the coalition will be in 2030 at the current pace, for one indicator with a 2030 gap."""

    code = fields.String()
    name = fields.String()
    unit = fields.String()
    gap_value = Quantity(_unit)
    method = fields.String(metadata={"description": "ols_linear_trend_95_prediction_interval: a least-squares "
                                                    "line through the yearly achieved totals, read at `year`, "
                                                    "with the 95% prediction interval (Student's t, n-2 df)"})
    year = fields.Integer()
    confidence = fields.String()
    years = fields.Integer(metadata={"description": "Yearly totals the line is fitted to (at least 3 to forecast)"})
    trajectory = fields.List(fields.Nested(TrajectoryPointSchema))
    forecast = Quantity(_unit, allow_none=True)
    forecast_low = Quantity(_unit, allow_none=True, metadata={"description": "Lower end of the range; "
                                                                             "forecast and range are not below 0"})
    forecast_high = Quantity(_unit, allow_none=True)
    pace_per_year = Quantity(_unit, allow_none=True)
    share_of_gap = fields.String(allow_none=True)
    share_of_gap_low = fields.String(allow_none=True)
    share_of_gap_high = fields.String(allow_none=True)

    @post_dump(pass_original=True)
    def _whole_trajectory(self, data: dict, original: dict, **_kwargs) -> dict:
        for point in data.get("trajectory") or []:
            point["achieved"] = json_quantity(point.get("achieved"), original.get("unit"))
        return data


class FinanceRowSchema(Schema):
    """Pledged and disbursed for one key of a dimension (pledged is null where it has no meaning)."""

    key = fields.String()
    name = fields.String()
    pledges = fields.Integer()
    pledged_usd = fields.String(allow_none=True)
    disbursed_usd = fields.String()
    share = fields.String(allow_none=True, metadata={"description": "disbursed / pledged, 4 decimals"})


class FinanceBreakdownSchema(Schema):
    """Pledged versus disbursed by one dimension."""

    dimension = fields.String()
    filter = fields.String(allow_none=True)
    additive = fields.Boolean()
    rows = fields.List(fields.Nested(FinanceRowSchema))


class FinanceSchema(Schema):
    """The financial commitments ledger, rolled up: pledged versus disbursed (never added together)."""

    pledged_usd = fields.String()
    disbursed_usd = fields.String()
    share = fields.String(allow_none=True)
    pledges = fields.Integer()
    reporting_pledges = fields.Integer(metadata={"description": "pledges with at least one approved "
                                                                "disbursement entry"})
    reporting_pledged_usd = fields.String()
    reporting_share = fields.String(allow_none=True, metadata={"description": "share of pledges that reported "
                                                                              "disbursements"})
    breakdowns = fields.List(fields.Nested(FinanceBreakdownSchema))


class ProgressSchema(Schema):
    """The figures of the progress page."""

    as_of = fields.String()
    today = fields.String()
    source = fields.String()
    totals = fields.Nested(TotalsSchema)
    goals = fields.List(fields.Nested(GoalSchema))
    breakdowns = fields.List(fields.Nested(BreakdownSchema))
    indicators = fields.List(fields.Nested(IndicatorSchema))
    reporting_status = fields.List(fields.Nested(ReportingStatusSchema))
    forecast = fields.List(fields.Nested(ForecastSchema))
    finance = fields.Nested(FinanceSchema)
    filters = fields.Dict(keys=fields.String(), values=fields.Raw(),
                          metadata={"description": "the filters applied (empty: every approved pledge)"})
    notes = fields.Dict(keys=fields.String(), values=fields.String())


class InitiativeQuerySchema(Schema):
    """Query parameters of /api/v1/regional-initiatives (any other parameter is a 400)."""

    region = fields.String(validate=validate.OneOf(
        ITU_REGIONS, error=_l("Choose one of: %(values)s.", values=", ".join(ITU_REGIONS))),
        metadata={"description": "ITU region (AFR, AMS, ARB, ASP, CIS, EUR)."})


class InitiativeSchema(Schema):
    """A WTDC-25 regional initiative (2026-2029) with the public pledges aligned with it."""

    code = fields.String(required=True, metadata={"description": "e.g. AFR1; the pledges' `initiatives`."})
    region = fields.String(required=True, metadata={"codes": lambda: list(ITU_REGIONS)})
    number = fields.Integer(required=True)
    title = fields.String(required=True, metadata={"description": "In the reader's language (?lang=) when an "
                                                                  "official translation exists, else English."})
    title_lang = fields.String(required=True, metadata={"description": "The language the title is in."})
    period_start = fields.Integer(required=True)
    period_end = fields.Integer(required=True)
    active = fields.Boolean(required=True, metadata={"description": "Offered on the pledge form."})
    pledges = fields.Integer(required=True, metadata={"description": "Public pledges aligned with it."})
    usd_value = DecimalString(required=True, metadata={"description": "Their value in US dollars."})
    url = fields.String(required=True, metadata={"description": "Its region's page, /regions/<region>."})


class InitiativeListSchema(Schema):
    """Every regional initiative (a short reference list: no paging)."""

    count = fields.Integer(required=True)
    results = fields.List(fields.Nested(InitiativeSchema), required=True)
