"""Pledged versus disbursed rolled up (by destination country, year, ...) on /api/v1/progress: exact
figures from the known set, and the maintained rollups equal to the direct computation."""

from __future__ import annotations

from p2c.reporting.direct import raw_aggregates
from p2c.reporting.queries import rollup_raw


def _breakdown(body: dict, dimension: str) -> list[tuple]:
    rows = next(b for b in body["finance"]["breakdowns"] if b["dimension"] == dimension)["rows"]
    return [(r["key"], r["pledges"], r["pledged_usd"], r["disbursed_usd"], r["share"]) for r in rows]


def test_rollups_by_destination_country_and_year(eur_pledge, client):
    body = client.get("/api/v1/progress").get_json()
    finance = body["finance"]
    assert (finance["pledged_usd"], finance["disbursed_usd"], finance["share"]) == ("1081300.00", "383930.00",
                                                                                    "0.3551")
    assert (finance["pledges"], finance["reporting_pledges"], finance["reporting_share"]) == (1, 1, "1.0000")
    # Pledged where it was meant to go (both countries in full), disbursed where it went.
    assert _breakdown(body, "country") == [("KEN", 1, "1081300.00", "333930.00", "0.3088"),
                                           ("UGA", 1, "1081300.00", "50000.00", "0.0462")]
    assert _breakdown(body, "region") == [("AFR", 1, "1081300.00", "383930.00", "0.3551")]
    # Pledged by pledge date, disbursed by year disbursed.
    assert _breakdown(body, "year") == [("2023", 1, "1081300.00", "108130.00", "0.1000"),
                                        ("2024", 0, "0.00", "50000.00", None),
                                        ("2025", 0, "0.00", "225800.00", None)]
    assert _breakdown(body, "focus_area")[0] == ("connect", 1, "1081300.00", "383930.00", "0.3551")
    organization = _breakdown(body, "lead_organization")
    assert organization == [(str(eur_pledge.lead_organization_id), 1, "1081300.00", "383930.00", "0.3551")]


def test_rollups_equal_the_direct_computation(eur_pledge, builder):
    rolled, orgs = rollup_raw()
    direct, direct_orgs = raw_aggregates()
    assert {k: v for k, v in rolled.items() if v[0]} == {k: v for k, v in direct.items() if v[0]}
    assert rolled[("disb_year", "2023")] == [1, 0, 10813000]
    assert rolled[("disb_country", "KEN")] == [1, 0, 33393000]
    assert orgs == direct_orgs == 1


def test_the_top_disbursing_organizations_are_read_in_the_finance_tables_order(app):
    """The 50 rows read from the index are the 50 the finance table picks from all rows: most disbursed
    first, ties by numeric organization id (keys of 1 to 4 digits, so text order would differ), rows
    left at zero pledges by a withdrawal never shown."""
    import heapq
    import random

    from p2c.extensions import db
    from p2c.reporting.finance import TOP_ORGANIZATIONS, finance_figures
    from p2c.rollups.models import Rollup

    rng = random.Random(2030)
    rows = {}
    for org_id in rng.sample(range(1, 5000), 400):
        pledges = rng.choice([0, 1, 1, 2, 3])
        rows[str(org_id)] = [pledges, rng.randrange(10**6), rng.choice([0, 500, 10**4, 10**5, 10**7, 10**7])]
        db.session.add(Rollup(dimension="disb_org", key=str(org_id), pledges=pledges, usd_cents=rows[str(org_id)][1],
                              amount_cents=rows[str(org_id)][2]))
    db.session.flush()
    shown = {k: v for k, v in rows.items() if v[0]}
    expected = heapq.nsmallest(TOP_ORGANIZATIONS, shown.items(), key=lambda kv: (-kv[1][2], int(kv[0])))
    assert len({v[2] for _k, v in expected}) < TOP_ORGANIZATIONS  # ties at the cut, the case that matters

    raw, _orgs = rollup_raw()
    top = [(k, v) for (d, k), v in raw.items() if d == "disb_org"]
    assert top == expected
    table = finance_figures({"disb_org": dict(top)}, {})["breakdowns"][-1]["rows"]
    assert [r["key"] for r in table] == [k for k, _v in expected]
    db.session.rollback()


def test_the_daily_check_compares_the_finance_table(app, eur_pledge):
    """The finance table's top organizations come from their own read (`_top_disbursing`), not from the
    breakdowns: the daily check compares the finance figures too, and reports a drifted row."""
    from p2c.extensions import cache, db
    from p2c.operations import jobs, worker
    from p2c.operations.models import JobPeriod
    from p2c.rollups.models import Rollup

    assert worker.run_job(app, jobs.JOB_BY_NAME["check_figures"]) == "rollups agree"
    db.session.execute(JobPeriod.__table__.delete())
    db.session.execute(Rollup.__table__.update().where(Rollup.dimension == "disb_org")
                       .values(amount_cents=Rollup.amount_cents + 100))
    db.session.commit()
    cache.clear()
    result = worker.run_job(app, jobs.JOB_BY_NAME["check_figures"])
    assert result.startswith("failed: rollups differ from the pledge tables in: finance ("), result
