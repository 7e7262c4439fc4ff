"""/progress/task-force and /progress/task-force.csv: the task-force view (p2c.reporting.taskforce) for
a period `?from=YYYY&to=YYYY` (default: 2021 to this year). Routes on the reporting blueprint."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from p2c.core.cells import protect_formula
from p2c.core.errors import render_error
from p2c.core.i18n import country_name
from p2c.extensions import cache
from p2c.pledges.constants import MAX_YEAR, MIN_YEAR
from p2c.reporting import queries, taskforce
from p2c.reporting.views import bp

FIRST_YEAR = 2021
YEARS = validate.Range(MIN_YEAR, MAX_YEAR, error=_l("Choose a year from %(min)s to %(max)s.", min=MIN_YEAR,
                                                    max=MAX_YEAR))


class PeriodSchema(Schema):
    """?from=YYYY&to=YYYY (other parameters, such as ?lang=, are not the period's)."""

    class Meta:
        unknown = EXCLUDE

    first = fields.Integer(data_key="from", load_default=FIRST_YEAR, validate=YEARS)
    last = fields.Integer(data_key="to", load_default=None, validate=YEARS)

    @validates_schema
    def _order(self, data: dict, **_kw) -> None:
        last = data.get("last") or date.today().year  # noqa: DTZ011 - a calendar year
        if data.get("first") and data["first"] > last:
            raise ValidationError(str(_l("The first year must not be after the last.")), "from")


def _period() -> taskforce.Period | dict:
    try:
        data = PeriodSchema().load({k: v for k, v in request.args.items() if v != ""})
    except ValidationError as exc:
        return exc.messages
    return taskforce.Period(data["first"], data["last"] or date.today().year)  # noqa: DTZ011


def _figures(period: taskforce.Period) -> tuple[list[dict], list[dict]]:
    """The period's rows, cached under the data version (any decision moves it on) and the period."""
    key = f"task-force:{queries.state_token(committed=True)}:{period.first}:{period.last}"
    found = cache.get(key)
    if found is None:
        found = (taskforce.by_year(period), taskforce.by_country(period))
        cache.set(key, found, ttl=3600)
    return found


@bp.get("/progress/task-force")
def task_force():
    """Pledged versus disbursed per year and per recipient country, with the share of pledges that reported."""
    period = _period()
    if isinstance(period, dict):
        return render_error(400, " ".join(" ".join(map(str, m)) for m in period.values()))
    years, countries = _figures(period)
    return render_template("reporting/taskforce.html", period=period, years=years, countries=countries,
                           country_name=country_name)


@bp.get("/progress/task-force.csv")
def task_force_csv():
    """The task-force view as CSV (long format: section, key, metric, value)."""
    period = _period()
    if isinstance(period, dict):
        return render_error(400, " ".join(" ".join(map(str, m)) for m in period.values()))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    years, countries = _figures(period)
    for row in taskforce.csv_rows(period, years, countries):
        writer.writerow([protect_formula(cell) for cell in row])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (f'attachment; filename="p2c-task-force-{period.first}-'
                                               f'{period.last}.csv"')
    return response
