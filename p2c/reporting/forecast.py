"""Where the coalition will be in 2030 at the current pace, for each indicator with a published 2030 gap.

Method (stated on /progress and in the API, `FORECAST_METHOD`): for each reporting period (year) from
the first one with a value, the coalition's achieved total is the sum over approved pledges of the
values in each pledge's latest approved progress report of that period or earlier (the rule of the
"achieved" column, p2c.implementation.latest: latest report only, not a sum over years, so the last
point equals the page's achieved figure). A straight line is fitted to these yearly totals by ordinary
least squares (scipy.stats.linregress) and read at 2030; the range is the 95 % prediction interval of
that reading (Student's t with n - 2 degrees of freedom); the reading and both ends are shown not
below zero (an achieved total cannot be negative). With fewer than `MIN_YEARS` yearly totals
there is no forecast. Values are rounded half up to whole units (people, US dollars).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from scipy import stats
from sqlalchemy import func, select

from p2c.extensions import db
from p2c.implementation.latest import latest_approved_per_period
from p2c.implementation.models import ProgressReport, ProgressValue
from p2c.pledges.models import Pledge, PledgeTarget
from p2c.reference.models import Indicator
from p2c.reporting.contributions import FORECAST_DIMENSIONS, LAST_PERIOD
from p2c.reporting.direct import counted_pledges
from p2c.reporting.layout import layout_current
from p2c.rollups.models import Rollup

FORECAST_YEAR = 2030
CONFIDENCE = 0.95
# Two points always fit a line exactly: a range needs at least one degree of freedom left.
MIN_YEARS = 3
FORECAST_METHOD = "ols_linear_trend_95_prediction_interval"


def _whole(value: float | Decimal) -> str:
    return str(Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def linear_forecast(points: list[tuple[int, Decimal]], year: int = FORECAST_YEAR,
                    confidence: float = CONFIDENCE) -> dict | None:
    """Least-squares line through (year, value) points, read at `year`, with its prediction interval.

    Returns {"value", "low", "high", "slope_per_year"} as floats, or None with fewer than MIN_YEARS
    points. The interval is value ± t(1 - (1 - confidence)/2, n - 2) · s · sqrt(1 + 1/n + (x0 - x̄)² / Sxx),
    s² the residual variance (sum of squared residuals / (n - 2)); a perfect fit gives a zero-width range.
    """
    n = len(points)
    if n < MIN_YEARS:
        return None
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    fit = stats.linregress(xs, ys)
    mean_x = sum(xs) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    residuals = sum((y - (fit.intercept + fit.slope * x)) ** 2 for x, y in zip(xs, ys, strict=True))
    s = math.sqrt(residuals / (n - 2))
    value = fit.intercept + fit.slope * year
    half = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 2)) * s * math.sqrt(1 + 1 / n + (year - mean_x) ** 2 / sxx)
    return {"value": value, "low": value - half, "high": value + half, "slope_per_year": float(fit.slope)}


def trajectories(codes: list[str], cutoff: datetime | None = None, *,
                 direct: bool = False) -> dict[str, list[tuple[int, Decimal]]]:
    """{indicator code: [(period, coalition achieved total as of that period)]}, periods ascending, from
    the first period with a value for the indicator to the last period any counted report covers, so
    the last point is the page's achieved figure (see module docstring).

    Each pledge's latest approved report of each period (p2c.implementation.latest.latest_approved_per_period)
    counts from its period until the pledge's next reported period: +value at the one, -value at the other,
    so the yearly totals are running sums of yearly changes. Now (no `cutoff`): those changes are
    maintained in the rollups (dimensions `trajectory` and `last_period`, p2c.reporting.contributions), a
    few rows whatever the number of pledges. As of a cut-off (published reports), or now with `direct`
    (the tests' independent check of the rollups): from the tables, in SQL.
    """
    if not codes:
        return {}
    deltas, last = _rollup_deltas(codes) if cutoff is None and not direct else _direct_deltas(codes, cutoff)
    out: dict[str, list[tuple[int, Decimal]]] = {}
    for code in codes:
        delta = deltas.get(code)
        first = min((p for p, v in delta.items() if v > 0), default=None) if delta else None
        if first is None:
            out[code] = []
            continue
        total, series = Decimal(0), []
        for year in range(first, last + 1):
            total += delta.get(year, Decimal(0))
            series.append((year, total))
        out[code] = series
    return out


Deltas = dict[str, dict[int, Decimal]]


def _rollup_deltas(codes: list[str]) -> tuple[Deltas, int | None]:
    """The yearly changes and the last reported period from the rollups (exact: integer cents)."""
    deltas: Deltas = defaultdict(lambda: defaultdict(Decimal))
    last = None
    wanted = set(codes)
    for dimension, key, amount in db.session.execute(
            select(Rollup.dimension, Rollup.key, Rollup.amount_cents)
            .where(Rollup.dimension.in_(FORECAST_DIMENSIONS))):
        if dimension == LAST_PERIOD:
            last = max(last or int(key), int(key))
            continue
        code, _, year = key.rpartition("|")
        if code in wanted and amount:
            deltas[code][int(year)] += Decimal(int(amount)) / 100
    return deltas, last


def _direct_deltas(codes: list[str], cutoff: datetime | None) -> tuple[Deltas, int | None]:
    """The same from the tables, as of `cutoff`: the values summed per (indicator, period, next period)
    in SQL, a few rows whatever the number of reports."""
    counted = select(Pledge.id).where(*counted_pledges(cutoff))
    latest = latest_approved_per_period(ProgressReport.pledge_id.in_(counted), as_of=cutoff).subquery()
    last = db.session.scalar(select(func.max(latest.c.period)))
    rows = db.session.execute(
        select(PledgeTarget.indicator_code, latest.c.period, latest.c.next_period,
               func.sum(ProgressValue.achieved_value))
        .join(ProgressValue, ProgressValue.report_id == latest.c.id)
        .join(PledgeTarget, PledgeTarget.id == ProgressValue.target_id)
        .where(PledgeTarget.indicator_code.in_(codes))
        .group_by(PledgeTarget.indicator_code, latest.c.period, latest.c.next_period)).all()
    deltas: Deltas = defaultdict(lambda: defaultdict(Decimal))
    for code, period, next_period, value in rows:
        if value:
            deltas[code][period] += Decimal(value)
            if next_period is not None:  # a value still counted at the last period changes nothing after it
                deltas[code][next_period] -= Decimal(value)
    return deltas, last


def forecasts(cutoff: datetime | None = None, *, direct: bool = False) -> list[dict]:
    """One entry per indicator with a 2030 gap, in catalogue order: code, name, unit, gap_value, the
    yearly `trajectory` [{period, achieved}], and the 2030 `forecast`, `forecast_low`, `forecast_high`,
    `pace_per_year` and their shares of the gap (all decimal strings, None without enough years).

    The trajectories come from the rollups, except as of a `cutoff`, with `direct` (the daily check,
    p2c.operations.jobs.check_figures) and while the rollups are not yet in this release's layout
    (p2c.reporting.layout.layout_current): then from the tables."""
    indicators = list(db.session.scalars(select(Indicator).where(Indicator.gap_value.is_not(None))
                                         .order_by(Indicator.position)))
    series = trajectories([i.code for i in indicators], cutoff,
                          direct=direct or (cutoff is None and not layout_current()))
    out = []
    for ind in indicators:
        points = series.get(ind.code, [])
        fit = linear_forecast(points)
        gap = Decimal(ind.gap_value)
        entry = {
            "code": ind.code, "name": ind.name, "unit": ind.unit, "gap_value": _whole(gap),
            "method": FORECAST_METHOD, "year": FORECAST_YEAR, "confidence": str(CONFIDENCE), "years": len(points),
            "trajectory": [{"period": y, "achieved": str(v.quantize(Decimal("0.01")))} for y, v in points],
            "forecast": None, "forecast_low": None, "forecast_high": None, "pace_per_year": None,
            "share_of_gap": None, "share_of_gap_low": None, "share_of_gap_high": None,
        }
        if fit is not None:
            entry.update({"forecast": _whole(max(fit["value"], 0.0)), "forecast_low": _whole(max(fit["low"], 0.0)),
                          "forecast_high": _whole(max(fit["high"], 0.0)),
                          "pace_per_year": _whole(fit["slope_per_year"])})
            for key, name in (("share_of_gap", "forecast"), ("share_of_gap_low", "forecast_low"),
                              ("share_of_gap_high", "forecast_high")):
                entry[key] = str((Decimal(entry[name]) / gap).quantize(Decimal("0.0001")))
        out.append(entry)
    return out
