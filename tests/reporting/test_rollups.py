"""The maintained rollups always equal a direct computation from the pledge tables."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.core.signals import bulk_loaded, submission_decided
from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.reporting.direct import raw_aggregates
from p2c.reporting.projection import rebuild
from p2c.reporting.queries import rollup_raw
from tests.builders import Builder
from tests.conftest import clean_database

COUNTRIES = ["KEN", "UGA", "BRA", "FRA", "TUV", "NPL", "FJI", "IND"]
STATUSES = [ReviewStatus.APPROVED, ReviewStatus.APPROVED, ReviewStatus.SUBMITTED, ReviewStatus.REJECTED,
            ReviewStatus.WITHDRAWN]

pledge_spec = st.fixed_dictionaries({
    "lead": st.integers(0, 3),
    "partners": st.lists(st.integers(0, 3), max_size=2, unique=True),
    "status": st.sampled_from(STATUSES),
    "countries": st.lists(st.sampled_from(COUNTRIES), max_size=3, unique=True),
    "amount": st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)),
    "currency": st.sampled_from(["USD", "EUR", "JPY", "KES"]),
    "pledged_on": st.dates(date(2021, 9, 1), date(2026, 11, 1)),
    "focus_area": st.sampled_from(["connect", "empower", "ecosystems", "investment"]),
    "pledge_type": st.sampled_from(["programmatic", "advocacy", "policy", "financial"]),
    "sdgs": st.lists(st.integers(1, 17), min_size=1, max_size=3, unique=True),
    "target": st.integers(1, 10**7),
    "reports": st.lists(st.tuples(st.integers(2022, 2026), st.booleans(), st.integers(0, 10**7)), max_size=2,
                        unique_by=lambda r: r[0]),
})
# After the first check: approve / withdraw / delete some pledges and check again.
changes = st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["approve", "withdraw", "delete"])), max_size=4)


def _check() -> None:
    rolled, orgs = rollup_raw(every_organization=True)
    direct, direct_orgs = raw_aggregates()
    assert orgs == direct_orgs
    assert rolled == direct


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(specs=st.lists(pledge_spec, min_size=1, max_size=8), edits=changes)
def test_rollups_equal_direct_computation(app, specs, edits):
    clean_database()
    b = Builder()
    orgs = [b.organization(stakeholder_group_code=g, country_iso3=c) for g, c in
            [("private_sector", "KEN"), ("government", "FRA"), ("academia", None), ("civil_society", "BRA")]]
    pledges = []
    for spec in specs:
        p = b.pledge(lead=orgs[spec["lead"]], partners=[orgs[i] for i in spec["partners"] if i != spec["lead"]],
                     status=spec["status"], countries=spec["countries"], is_global=not spec["countries"],
                     amount=spec["amount"], currency=spec["currency"] if spec["amount"] is not None else None,
                     pledged_on=spec["pledged_on"], focus_area=spec["focus_area"], pledge_type=spec["pledge_type"],
                     sdgs=spec["sdgs"], targets=[("people_connected", spec["target"], 2030)])
        for period, approved, achieved in spec["reports"]:
            b.progress_report(p, period=period, achieved={"people_connected": achieved},
                              status=ReviewStatus.APPROVED if approved else ReviewStatus.SUBMITTED,
                              implementation_status=ImplementationStatus.ON_TRACK,
                              submitted_at=datetime(period + 1, 2, 1))
        pledges.append(p)
    db.session.commit()
    _check()
    for index, action in edits:
        pledge = pledges[index % len(pledges)]
        if db.session.get(Pledge, pledge.id) is None:
            continue
        if action == "delete":
            db.session.delete(pledge)
        else:
            old = pledge.status
            pledge.status = ReviewStatus.APPROVED if action == "approve" else ReviewStatus.WITHDRAWN
            pledge.approved_at = datetime(2026, 11, 2) if action == "approve" else pledge.approved_at
            submission_decided.send(app, kind="pledge", record=pledge, old=old, new=pledge.status)
        db.session.commit()
        _check()
    # A full rebuild gives the same rows as the incremental path.
    before = rollup_raw(every_organization=True)
    rebuild()
    db.session.commit()
    assert rollup_raw(every_organization=True) == before


def test_bulk_loaded_rebuilds(app, builder):
    builder.pledge(countries=["KEN"])
    db.session.commit()
    db.session.execute(Pledge.__table__.update().values(status=ReviewStatus.WITHDRAWN.value))  # a bulk write
    db.session.commit()
    assert rollup_raw(every_organization=True)[0][("total", "")][0] == 1  # bulk writes bypass the ORM ...
    bulk_loaded.send(app, what="test")
    db.session.commit()
    assert ("total", "") not in rollup_raw(every_organization=True)[0]  # ... until bulk_loaded rebuilds


def test_rebuild_command_restores_rollups_changed_behind_the_app(app, builder):
    from sqlalchemy import delete

    from p2c.reporting.queries import progress_figures
    from p2c.rollups.models import Rollup

    builder.pledge(status="approved", amount=1000, currency="USD")
    builder.pledge(status="approved", amount=500, currency="USD")
    db.session.commit()
    expected = raw_aggregates()[0]
    db.session.execute(delete(Rollup).where(Rollup.dimension == "total"))  # e.g. a restore, hand-written SQL
    db.session.commit()
    assert ("total", "") not in rollup_raw(every_organization=True)[0]
    result = app.test_cli_runner().invoke(args=["p2c", "rollups", "rebuild"])
    assert result.exit_code == 0 and "2 approved pledges" in result.output
    assert rollup_raw(every_organization=True)[0] == expected
    totals = progress_figures()["totals"]  # and the page's figures are not a stale cache
    assert (totals["pledges"], totals["usd_value"]) == (2, "1500.00")
