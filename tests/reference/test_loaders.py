"""Reference data: complete, idempotent, and rates loading refuses bad files with a line number."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from p2c.extensions import db
from p2c.reference.loaders import RatesFileError, load_all, load_rates
from p2c.reference.models import (
    Country,
    Currency,
    ExchangeRate,
    FocusArea,
    Indicator,
    Pillar,
    ReferenceSource,
    Sdg,
    WsisLine,
)
from p2c.reference.queries import to_usd, usd_rate


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_countries_match_the_shared_table():
    assert _count(Country) == 249
    assert db.session.scalar(select(func.count()).where(Country.ldc.is_(True))) == 44
    assert db.session.scalar(select(func.count()).where(Country.lldc.is_(True))) == 32
    assert db.session.scalar(select(func.count()).where(Country.sids.is_(True))) == 57
    assert db.session.scalar(select(func.count()).where(Country.itu_member.is_(True))) == 194
    kenya = db.session.get(Country, "KEN")
    assert (kenya.iso2, kenya.m49, kenya.itu_region) == ("KE", "404", "AFR")
    assert db.session.get(Country, "AFG").ldc and db.session.get(Country, "AFG").lldc


def test_focus_areas_pillars_sdgs_wsis_indicators_currencies():
    assert [f.code for f in db.session.scalars(select(FocusArea).order_by(FocusArea.position))] == [
        "connect", "empower", "ecosystems", "investment"]
    assert db.session.get(FocusArea, "connect").official_name == "ACCESS"
    assert _count(Pillar) == 12
    assert _count(Sdg) == 17
    assert sorted(w.code for w in db.session.scalars(select(WsisLine))) == sorted(f"C{i}" for i in range(1, 12))
    codes = set(db.session.scalars(select(Indicator.code)))
    assert {"people_connected", "people_trained", "schools_connected", "households_connected", "usd_invested"} <= codes
    assert db.session.get(Indicator, "people_connected").gap_value == Decimal("2200000000")
    assert db.session.get(Currency, "EUR").numeric == "978"
    years = set(db.session.scalars(select(ExchangeRate.year).where(ExchangeRate.currency_code == "EUR")))
    assert years == {2021, 2022, 2023, 2024, 2025, 2026}


def test_every_dataset_records_source_and_as_of_date():
    sources = {s.dataset: s for s in db.session.scalars(select(ReferenceSource))}
    assert {"countries", "pillars", "sdgs", "exchange_rates", "indicators", "currencies"} <= set(sources)
    assert all(s.source and s.as_of and s.rows > 0 for s in sources.values())


def test_loading_twice_changes_nothing():
    before = {m.__name__: _count(m) for m in (Country, Pillar, Sdg, ExchangeRate, Currency)}
    load_all()
    db.session.commit()
    after = {m.__name__: _count(m) for m in (Country, Pillar, Sdg, ExchangeRate, Currency)}
    assert before == after


def test_admin_edits_to_pillars_survive_a_reload():
    pillar = db.session.get(Pillar, "connect.cybersecurity")
    pillar.name, pillar.active = "Cybersecurity and resilience", False
    db.session.commit()
    load_all()
    db.session.commit()
    pillar = db.session.get(Pillar, "connect.cybersecurity")
    assert (pillar.name, pillar.active) == ("Cybersecurity and resilience", False)
    pillar.name, pillar.active = "Cybersecurity", True
    db.session.commit()


def test_usd_rate_uses_the_pledge_year_then_the_nearest_earlier_year():
    rate, year = usd_rate("EUR", date(2023, 5, 1))
    assert year == 2023 and rate == Decimal("1.0813")
    rate, year = usd_rate("EUR", date(2031, 1, 1))
    assert year == 2026
    rate, year = usd_rate("EUR", date(2019, 1, 1))
    assert year == 2021  # before the table starts: the earliest year
    assert usd_rate("USD", date(2024, 1, 1)) == (Decimal(1), 2024)
    assert usd_rate("BTN", date(2024, 1, 1)) is None
    assert to_usd(Decimal("1000"), Decimal("1.0813")) == Decimal("1081.30")


def test_rates_file_loads_and_updates():
    count = load_rates("currency,year,usd_per_unit,source,as_of\nEUR,2027,1.2,test,2027-12-31\n")
    assert count == 1
    load_rates("currency,year,usd_per_unit,source\nEUR,2027,1.25,test\n")
    rows = db.session.scalars(select(ExchangeRate).where(ExchangeRate.year == 2027)).all()
    assert [(r.currency_code, r.usd_per_unit) for r in rows] == [("EUR", Decimal("1.2500000000"))]
    db.session.rollback()


@pytest.mark.parametrize(("text", "message"), [
    ("cur,year\nEUR,2027\n", "header"),
    ("currency,year,usd_per_unit\nQQQ,2027,1\n", "line 2: unknown currency"),
    ("currency,year,usd_per_unit\nEUR,2027,1\nEUR,abc,1\n", "line 3"),
    ("currency,year,usd_per_unit\nEUR,2027,-1\n", "line 2"),
])
def test_a_bad_rates_file_is_refused_whole(text, message):
    before = _count(ExchangeRate)
    with pytest.raises(RatesFileError, match=message):
        load_rates(text)
    db.session.rollback()
    assert _count(ExchangeRate) == before


def test_rates_load_command(app, tmp_path):
    good = tmp_path / "rates.csv"
    good.write_text("currency,year,usd_per_unit,source\nGBP,2027,1.3,test\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["p2c", "rates", "load", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 rates loaded" in result.output
    result = runner.invoke(args=["p2c", "rates", "load", str(bad)])
    assert result.exit_code != 0
    assert "not UTF-8" in result.output
    assert "Traceback" not in result.output
    db.session.execute(ExchangeRate.__table__.delete().where(ExchangeRate.year == 2027))
    db.session.commit()
