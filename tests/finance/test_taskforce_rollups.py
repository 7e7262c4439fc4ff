"""The task-force view read from the rollups (dimensions tf_country_year, disb_country_year,
reported_period with pledged_month and disb_year) equals the view computed from the tables (`direct=True`)
for any period, leaves embargoed pledges out on both paths, and moves on the very next read after an
approval; while the rollups are in an older layout it reads the tables."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.pledges.visibility import public_clause
from p2c.reporting import taskforce
from p2c.reporting.projection import rebuild, release_due
from p2c.rollups.models import Rollup, RollupState
from tests.finance.conftest import file_and_approve

PERIODS = [(2020, 2040), (2021, 2026), (2023, 2023), (2025, 2030), (2022, 2024)]
TF = ("tf_country_year", "disb_country_year", "reported_period")


def _both(first: int, last: int) -> tuple[list[dict], list[dict]]:
    period = taskforce.Period(first, last)
    rolled = (taskforce.by_year(period), taskforce.by_country(period))
    assert rolled == (taskforce.by_year(period, direct=True), taskforce.by_country(period, direct=True))
    return rolled


def _csv(client, query: str = "from=2023&to=2025") -> dict[tuple[str, str, str], str]:
    body = client.get(f"/progress/task-force.csv?{query}").get_data(as_text=True)
    return {(s, k, m): v for s, k, m, v in list(csv.reader(io.StringIO(body)))[1:]}


def test_rollups_equal_the_tables_on_demo_data(app):
    result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "300", "--seed", "11"])
    assert result.exit_code == 0, result.output
    for first, last in PERIODS:
        _both(first, last)
    years, countries = _both(2020, 2040)
    # Not a comparison of two empty views: the demo set pledges, disburses and reports over several years.
    dated = db.session.scalar(select(func.count()).select_from(Pledge).where(public_clause(),
                                                                             Pledge.pledged_on.is_not(None)))
    assert dated > 200 and years[-1]["pledges_expected"] == dated
    assert sum(r["pledges_reported"] > 0 for r in years) >= 3
    assert sum(r["disbursed_usd"] != "0.00" for r in years) >= 3
    assert sum(r["disbursed_usd"] != "0.00" for r in countries) >= 5
    # A full rebuild gives the same task-force rows as the demo load's.
    query = select(Rollup.dimension, Rollup.key, Rollup.pledges, Rollup.usd_cents, Rollup.amount_cents).where(
        Rollup.dimension.in_(TF))
    rows = set(db.session.execute(query).all())
    rebuild()
    db.session.commit()
    assert rows == set(db.session.execute(query).all())


def test_an_embargoed_pledge_is_left_out_on_both_paths(eur_pledge, builder):
    later = builder.pledge(amount=500_000, pledged_on=date(2023, 5, 1), countries=["KEN"],
                           public_from=utcnow() + timedelta(days=2))
    builder.progress_report(later, period=2024)
    db.session.commit()
    years, countries = _both(2023, 2025)
    assert [(r["pledged_usd"], r["pledges_expected"], r["pledges_reported"]) for r in years] == [
        ("1081300.00", 1, 0), ("0.00", 1, 1), ("0.00", 1, 1)]
    assert {r["country"]: (r["pledges"], r["pledged_usd"]) for r in countries} == {
        "KEN": (1, "1081300.00"), "UGA": (1, "1081300.00")}
    # Announced: it counts from then on, on both paths.
    db.session.execute(update(Pledge).where(Pledge.id == later.id).values(public_from=datetime(2024, 1, 1)))
    db.session.commit()
    assert release_due() == 1
    db.session.commit()
    years, countries = _both(2023, 2025)
    assert [(r["pledged_usd"], r["pledges_expected"], r["pledges_reported"]) for r in years] == [
        ("1581300.00", 2, 0), ("0.00", 2, 2), ("0.00", 2, 1)]
    assert {r["country"]: (r["pledges"], r["pledged_usd"]) for r in countries} == {
        "KEN": (2, "1581300.00"), "UGA": (1, "1081300.00")}


def test_the_view_moves_right_after_an_approval(app, eur_pledge, builder, client, login):
    before = _csv(client)
    assert before[("by_year", "2023", "pledged_usd")] == "1081300.00"
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED, amount=200_000, pledged_on=date(2024, 2, 1),
                            countries=["UGA"])
    db.session.commit()
    login("reviewer")
    response = client.post(f"/review/pledge/{pledge.id}/decide",
                           data={"action": "approve", "message": "", "version": pledge.version})
    assert response.status_code == 302
    after = _csv(client)  # the next read: the data version moved, no cache to clear
    assert after[("by_year", "2024", "pledged_usd")] == "200000.00"
    assert after[("by_year", "2024", "pledges_expected")] == "2"
    assert after[("by_country", "UGA", "pledges")] == "2"
    assert after[("by_country", "UGA", "pledged_usd")] == "1281300.00"
    db.session.expire_all()
    file_and_approve(app, db.session.get(Pledge, pledge.id), 2024, [
        {"amount": 30000, "currency": "USD", "year": 2024, "recipient": "UGA", "instrument": "grant"}])
    reported = _csv(client)
    assert reported[("by_year", "2024", "disbursed_usd")] == "80000.00"
    assert reported[("by_year", "2024", "pledges_reported")] == "2"
    assert reported[("by_country", "UGA", "disbursed_usd")] == "80000.00"
    _both(2023, 2025)


def test_an_older_layout_reads_the_tables(eur_pledge):
    """Before the worker's rebuild the task-force rows are missing: the view must not read them."""
    db.session.execute(update(RollupState).values(layout="2026-11-30-trajectory"))
    db.session.execute(Rollup.__table__.delete().where(Rollup.dimension.in_(TF)))
    db.session.commit()
    period = taskforce.Period(2023, 2025)
    assert [r["pledges_reported"] for r in taskforce.by_year(period)] == [0, 1, 1]
    assert taskforce.by_country(period)[0] == {"country": "KEN", "pledges": 1, "pledged_usd": "1081300.00",
                                               "disbursed_usd": "333930.00", "share": "0.3088"}
