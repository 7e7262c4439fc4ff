"""Localized values the audit found in English: currency names, goal titles, grouping in messages, Vary."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize(("lang", "usd_name"), [("ar", "دولار أمريكي"), ("zh", "美元"), ("fr", "dollar des États-Unis"),
                                              ("en", "US Dollar")])
def test_pledge_form_names_currencies_in_the_language(client, lang, usd_name):
    body = client.get("/pledges/new", query_string={"lang": lang}).text
    options = dict(re.findall(r'<option[^>]*value="([A-Z]{3})"[^>]*>([^<]*)</option>', body))
    assert options["USD"].replace("&#39;", "'") == f"USD – {usd_name}"
    if lang != "en":
        assert "US Dollar" not in body


def _goal(title: str, metric: str = "usd_value", target: int = 100_000_000_000, indicator: str | None = None):
    from datetime import date
    from decimal import Decimal

    from p2c.extensions import db
    from p2c.reporting.models import Goal

    for goal in db.session.query(Goal):
        db.session.delete(goal)
    db.session.add(Goal(title=title, metric=metric, indicator_code=indicator, target_value=Decimal(target),
                        target_date=date(2026, 12, 31), active=True, position=0))
    db.session.commit()


def _translated(lang: str, msgid: str) -> bool:
    from flask_babel import force_locale, gettext

    with force_locale(lang):
        return gettext(msgid) != msgid


@pytest.mark.parametrize("lang", ["ar", "zh"])
def test_default_goal_title_is_built_in_the_language(client, builder, lang):
    from p2c.extensions import db

    builder.pledge(status="approved", amount=5_000_000)
    db.session.commit()
    _goal("USD 100 billion mobilized by 2026")  # the migration's goal, stored in English
    body = client.get("/progress", query_string={"lang": lang}).text
    assert "USD 100 billion" not in body
    goals = body.split('id="goals"', 1)[1].split("</section>", 1)[0]
    assert "2026" in goals and 'lang="en"' not in goals
    if not _translated(lang, "USD %(amount)s mobilized by %(year)s"):
        pytest.xfail("the new msgid is not translated yet (translations/ is filled at the end)")
    assert "mobilized by" not in body


@pytest.mark.parametrize(("metric", "target", "english"), [
    ("usd_value", 100_000_000_000, "USD 100 billion mobilized by 2026"),
    ("pledges", 1_000, "1,000 approved pledges by 2026"),
    ("organizations", 1, "1 pledging organization by 2026"),
    ("indicator", 2_000_000, "People connected to the Internet: 2,000,000 by 2026"),
])
def test_empty_or_generated_english_titles_are_replaced(client, metric, target, english):
    indicator = "people_connected" if metric == "indicator" else None
    for stored in ("", english):
        _goal(stored, metric, target, indicator)
        body = client.get("/progress", query_string={"lang": "en"}).text
        goals = body.split('id="goals"', 1)[1].split("</section>", 1)[0]
        assert f"<h3>{english}</h3>" in goals, goals


def test_custom_goal_title_is_kept_and_marked_english(client):
    _goal("Connect every school in the Pacific")
    body = client.get("/progress", query_string={"lang": "zh"}).text
    assert 'lang="en" dir="ltr">Connect every school in the Pacific</span>' in body
    assert "aria-label=\"Connect every school in the Pacific\"" in body


def test_gap_source_is_in_the_reader_language(client, builder):
    from p2c.extensions import db

    builder.pledge(status="approved")
    db.session.commit()
    body = client.get("/progress", query_string={"lang": "ar"}).text
    # The source note is a catalog msgid (reference data), translated and marked Arabic, right to left.
    assert ('<span class="user-text hint" lang="ar" dir="rtl">الاتحاد الدولي للاتصالات، حقائق وأرقام 2025: 2,2 '
            'مليار شخص غير متصلين بالإنترنت</span>') in body
    assert "ITU Facts and Figures" not in body


def test_progress_has_a_table_of_every_country_beyond_the_top_chart(client, builder):
    from p2c.extensions import db
    from p2c.reporting.views import TOP_COUNTRIES

    busy = ["KEN", "NGA", "IND", "BRA", "FRA", "DEU", "USA", "CHN", "EGY", "ZAF", "MEX", "IDN", "PAK", "BGD", "ETH",
            "GHA", "PER"]
    assert len(busy) > TOP_COUNTRIES
    builder.pledge(status="approved", countries=busy)
    builder.pledge(status="approved", countries=busy)
    builder.pledge(status="approved", countries=["TUV"])  # a small island State with one pledge
    db.session.commit()
    body = client.get("/progress", query_string={"lang": "fr"}).text
    top_chart = body.split('id="chart-country"', 1)[1].split("</section>", 1)[0]
    assert "/countries/TUV" not in top_chart
    table = body.split('<details class="chart-table country-table" id="all-countries">', 1)[1].split("</details>", 1)[0]
    for iso3 in [*busy, "TUV"]:
        assert f'href="/countries/{iso3}"' in table
    assert "Tuvalu" in table and table.count("<tr>") == len(busy) + 2  # header row + one per country


@pytest.mark.parametrize("path", ["/pledges", "/countries/EGY"])
def test_arabic_pledge_title_runs_right_to_left_on_an_english_list(client, builder, path):
    from p2c.extensions import db

    builder.pledge(status="approved", countries=["EGY"], title="ربط المدارس الريفية", language="ar")
    db.session.commit()
    body = client.get(path, query_string={"lang": "en"}).text
    assert '<span class="user-text" lang="ar" dir="rtl">ربط المدارس الريفية</span>' in body


@pytest.mark.parametrize(("lang", "limit"), [
    ("en", "1,000,000"), ("fr", "1\u202f000\u202f000"), ("ru", "1\xa0000\xa0000"), ("ar", "1,000,000")])
def test_number_limit_in_messages_is_grouped_for_the_language(app, lang, limit):
    from decimal import Decimal

    from flask_babel import force_locale

    from p2c.core.numbers import read_decimal

    with app.test_request_context(), force_locale(lang), pytest.raises(ValueError) as error:
        read_decimal("2000000", upper=Decimal(1_000_000))
    assert limit in str(error.value)


@pytest.mark.parametrize("path", ["/", "/progress"])
def test_html_varies_on_language_inputs_and_keeps_the_view_s_own_vary(client, path):
    for _ in range(2):  # the second /progress read comes from the page cache
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        vary = {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}
        assert {"cookie", "accept-language"} <= vary, vary
        if path == "/progress":
            assert "accept-encoding" in vary
        assert len(response.headers.getlist("Vary")) == 1
