"""Demo data follows the published distributions and is reproducible from its seed."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.models import Pledge, pledge_beneficiary
from tests.conftest import clean_database


def _fingerprint() -> str:
    rows = db.session.execute(
        select(Pledge.reference, Pledge.title, Pledge.amount, Pledge.currency_code, Pledge.status,
               Pledge.focus_area_code).order_by(Pledge.id)
    ).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_same_seed_same_data(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["p2c", "demo-data", "--pledges", "300", "--seed", "7"]).exit_code == 0
    first = _fingerprint()
    clean_database()
    assert runner.invoke(args=["p2c", "demo-data", "--pledges", "300", "--seed", "7"]).exit_code == 0
    assert _fingerprint() == first
    clean_database()
    assert runner.invoke(args=["p2c", "demo-data", "--pledges", "300", "--seed", "8"]).exit_code == 0
    assert _fingerprint() != first


def test_distributions_follow_the_published_shares(app):
    result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "3000", "--seed", "1"])
    assert result.exit_code == 0, result.output
    total = db.session.scalar(select(func.count(Pledge.id)))
    assert total == 3000
    # /reports is not empty after `make run`: the demo data publish one report.
    from p2c.publications.models import Publication

    assert db.session.scalar(select(func.count(Publication.id))) == 1

    def share(condition) -> float:
        return db.session.scalar(select(func.count(Pledge.id)).where(condition)) / total

    assert abs(share(Pledge.pledge_type_code == "programmatic") - 0.58) < 0.04
    assert abs(share(Pledge.pledge_type_code == "advocacy") - 0.21) < 0.04
    assert abs(share(Pledge.pledge_type_code == "policy") - 0.12) < 0.03
    assert abs(share(Pledge.pledge_type_code == "financial") - 0.09) < 0.03  # "the rest"
    assert abs(share(Pledge.targets_ldc.is_(True)) - 0.31) < 0.05
    assert share(Pledge.focus_area_code.in_(["connect", "empower"])) > 0.6
    assert 0.7 < share(Pledge.status == ReviewStatus.APPROVED) < 0.9
    women = db.session.scalar(select(func.count()).select_from(pledge_beneficiary).where(
        pledge_beneficiary.c.beneficiary_code == "women_girls")) / total
    assert abs(women - 0.5) < 0.05
    # Amounts: log-normal with a long tail; USD value always derived from amount and rate.
    biggest = db.session.scalar(select(func.max(Pledge.usd_value)))
    median_like = db.session.scalar(select(func.count(Pledge.id)).where(Pledge.usd_value < 5_000_000))
    assert biggest > 500_000_000 and median_like > total * 0.3
    multi_billion = db.session.scalar(select(func.count(Pledge.id)).where(Pledge.usd_value >= 1_000_000_000))
    assert 1 <= multi_billion <= total * 0.01  # "a few multi-billion pledges"
    # Every step of the review workflow occurs, most pledges approved.
    statuses = set(db.session.scalars(select(Pledge.status).distinct()))
    assert {ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, ReviewStatus.CHANGES_REQUESTED,
            ReviewStatus.REJECTED, ReviewStatus.APPROVED} <= statuses
    mismatched = [p for p in db.session.scalars(select(Pledge).where(Pledge.amount.isnot(None)).limit(200))
                  if abs(p.amount * p.usd_rate - p.usd_value) > 1]
    assert mismatched == []


def test_if_empty_skips_a_populated_database(app, builder):
    builder.pledge()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "10", "--if-empty"])
    assert "skipped" in result.output
    assert db.session.scalar(select(func.count(Pledge.id))) == 1


def test_new_records_after_demo_data_get_fresh_ids(app, builder):
    app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "50", "--seed", "3"])
    pledge = builder.pledge()
    db.session.commit()
    assert pledge.id == 51


def test_demo_reviewer_only_in_development(app):
    result = app.test_cli_runner().invoke(args=["p2c", "demo-reviewer"])
    assert result.exit_code != 0
    assert "development" in result.output


def test_demo_data_has_the_2021_call_and_an_open_rolling_call(app, client):
    from datetime import date

    from p2c.members.models import CallForInterest

    app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "20", "--seed", "4"])
    calls = db.session.scalars(select(CallForInterest).order_by(CallForInterest.opens_on)).all()
    assert [(c.closes_on, c.rolling) for c in calls] == [(date(2021, 10, 31), False), (None, True)]
    page = client.get("/join").get_data(as_text=True)
    assert 'name="org_name"' in page  # the form, not the "no call is open" page


def test_demo_reviewer_password_stays_the_same_between_runs(app, tmp_path, monkeypatch):
    from p2c.demo.cli import _demo_password

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    with app.app_context():
        first = _demo_password()
        assert _demo_password() == first and len(first) >= 16
    saved = tmp_path / "demo-reviewer-password"
    assert saved.read_text().strip() == first and saved.stat().st_mode & 0o777 == 0o600


def test_demo_pledges_are_aligned_with_regional_initiatives_of_their_countries(app):
    """`make run` shows non-empty region pages: some pledges are aligned with an initiative of a target
    country's region (issue 15)."""
    from p2c.pledges.models import pledge_country, pledge_initiative
    from p2c.reference.initiatives import RegionalInitiative
    from p2c.reference.models import Country

    assert app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "400", "--seed", "3"]).exit_code == 0
    links = db.session.execute(select(pledge_initiative.c.pledge_id, RegionalInitiative.region)
                               .join(RegionalInitiative,
                                     RegionalInitiative.code == pledge_initiative.c.initiative_code)).all()
    aligned = {pid for pid, _region in links}
    assert 0.15 * 400 < len(aligned) < 0.5 * 400
    for pid, region in links:
        regions = set(db.session.scalars(select(Country.itu_region).join(
            pledge_country, pledge_country.c.country_iso3 == Country.iso3).where(pledge_country.c.pledge_id == pid)))
        assert region in regions


def test_a_load_on_postgresql_is_vacuumed(app):
    """VACUUM (ANALYZE) after the load: the visibility map set for index-only counts (issue 19)."""
    import pytest
    from sqlalchemy import text

    if db.session.connection().dialect.name != "postgresql":
        pytest.skip("PostgreSQL's VACUUM; SQLite keeps no visibility map")
    before = db.session.scalar(text("SELECT clock_timestamp()"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["p2c", "demo-data", "--pledges", "50", "--seed", "3"])
    assert result.exit_code == 0, result.output
    db.session.commit()  # a fresh statistics snapshot
    vacuumed = db.session.scalar(text("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'pledge'"))
    assert vacuumed is not None and vacuumed > before
