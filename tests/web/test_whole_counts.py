"""Counts (people, schools...) are whole numbers everywhere, in the reader's locale; countries are
"targeted" unless an approved report says where something went (issue 14)."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale

from p2c.core.counts import count_precision_error, format_count, is_count, json_quantity, whole
from p2c.extensions import db
from p2c.reporting.models import Goal

NNBSP = "\u202f"  # French groups digits with a narrow no-break space (CLDR)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("value", "lang", "shown"), [
    (Decimal("1234.50"), "en", "1,235"),
    (Decimal("1234.49"), "en", "1,234"),
    (Decimal("1234.50"), "fr", f"1{NNBSP}235"),
    (Decimal("2.5"), "en", "3"),  # half up, not to even
    (1234567, "es", "1.234.567"),
    (None, "en", "–"),
])
def test_format_count_is_whole_in_the_readers_locale(value, lang, shown):
    assert format_count(value, lang) == shown


def test_the_unit_says_whether_a_value_is_a_count():
    assert is_count("people") and is_count("schools") and is_count(None) and not is_count("USD")
    assert whole(Decimal("12.5")) == 13 and whole("0.49") == 0 and whole(None) is None
    assert json_quantity(Decimal("1234.00"), "people") == 1234
    assert type(json_quantity(Decimal("1234.00"), "people")) is int
    assert json_quantity(Decimal("1234.5"), "USD") == "1234.50"
    assert json_quantity(None, "people") is None
    with pytest.raises(ValueError):
        whole("many")


def test_a_fraction_of_a_count_is_refused_in_english_and_french(app):
    assert count_precision_error(Decimal("12.00"), "schools") is None
    assert count_precision_error(Decimal("12.50"), "USD") is None
    with app.test_request_context("/"), force_locale("en"):
        assert count_precision_error(Decimal("12.5"), "schools") == \
            "Enter a whole number: this indicator counts schools."
    with app.test_request_context("/"), force_locale("fr"):
        assert count_precision_error(Decimal("12.5"), "schools") == \
            "Saisissez un nombre entier : cet indicateur compte des écoles."


@pytest.fixture
def legacy(builder):
    """A pledge whose stored figures have fractions (entered before counts had to be whole)."""
    pledge = builder.pledge(countries=["KEN", "UGA"], targets=[("schools_connected", Decimal("1234.5"), 2030),
                                                              ("usd_invested", Decimal("500.25"), 2030)])
    builder.progress_report(pledge, period=2025, achieved={"schools_connected": Decimal("12.5"),
                                                           "usd_invested": Decimal("100.40")})
    db.session.add(Goal(title="Schools", metric="indicator", indicator_code="schools_connected",
                        target_value=Decimal(5000), target_date=date(2030, 12, 31),
                        active=True, position=90))
    db.session.commit()
    return pledge


def test_the_pledge_page_shows_whole_counts(client, legacy):
    en = _text(client.get(f"/pledges/{legacy.reference}?lang=en").get_data(as_text=True))
    assert " 1,235 " in en and "1,234.5" not in en
    assert " 13 / 1,235 " in en and "12.5" not in en  # achieved / target, schools
    fr = client.get(f"/pledges/{legacy.reference}?lang=fr").get_data(as_text=True)  # raw: \s would eat NNBSP
    assert f'<td class="num">1{NNBSP}235</td>' in fr and f"<dd>13 / 1{NNBSP}235 (1\xa0%)</dd>" in fr
    assert "234,5" not in fr and "12,5" not in fr


def test_the_progress_page_goal_and_indicators_show_whole_counts(client, legacy):
    # An indicator goal counts the pledged targets (1,234.5 schools, whole: 1,235); achieved is 12.5 -> 13.
    en = _text(client.get("/progress?lang=en").get_data(as_text=True))
    assert "1,235 of 5,000 by" in en and "1,234.5" not in en and "12.5" not in en
    assert "2 countries targeted" in en and "countries reached" not in en
    fr = client.get("/progress?lang=fr").get_data(as_text=True)
    assert f"1{NNBSP}235 sur 5{NNBSP}000" in fr and "234,5" not in fr and "12,5" not in fr and "pays ciblés" in fr


def test_the_coalition_widget_says_countries_targeted(client, legacy):
    assert "<strong>2</strong> countries targeted" in client.get("/embed/coalition?lang=en").get_data(as_text=True)
    fr = client.get("/embed/coalition?lang=fr").get_data(as_text=True)
    assert "<strong>2</strong> pays ciblés" in fr and "atteints" not in fr


def test_the_api_writes_counts_as_json_integers(client, legacy):
    body = client.get("/api/v1/progress").get_data(as_text=True)
    data = json.loads(body)
    schools = next(i for i in data["indicators"] if i["code"] == "schools_connected")
    assert (schools["pledged"], schools["achieved"]) == (1235, 13)
    assert all(type(schools[k]) is int for k in ("pledged", "achieved"))
    assert [part["achieved"] for part in schools["achieved_by_level"]] == [0, 13, 0]
    usd = next(i for i in data["indicators"] if i["code"] == "usd_invested")
    assert (usd["pledged"], usd["achieved"]) == ("500.25", "100.40")
    goal = next(g for g in data["goals"] if g["title"] == "Schools")
    assert (goal["unit"], goal["target_value"], goal["reached_value"]) == ("schools", 5000, 1235)
    assert data["totals"]["countries"] == 2
    pledge = client.get(f"/api/v1/pledges/{legacy.reference}").get_json()
    targets = {t["indicator"]: (t["target_value"], t["baseline"]) for t in pledge["targets"]}
    assert targets == {"schools_connected": (1235, None), "usd_invested": ("500.25", None)}
    achieved = {a["indicator"]: a["achieved_value"] for a in pledge["progress_reports"][0]["achieved"]}
    assert achieved == {"schools_connected": 13, "usd_invested": "100.40"}
    assert "1235.0" not in body and "12.5" not in body


def test_the_openapi_document_says_counts_are_integers(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    indicator = spec["components"]["schemas"]["Indicator"]["properties"]["pledged"]
    assert indicator["oneOf"] == [{"type": "integer"}, {"type": "string"}]
    assert "JSON integer" in indicator["description"]
    countries = spec["components"]["schemas"]["Totals"]["properties"]["countries"]
    assert "targeted" in countries["description"]


def test_the_pledge_form_refuses_half_a_school_on_its_cell(client):
    from p2c.pledges.models import Pledge
    from tests.pledges.formdata import valid_pledge

    response = client.post("/pledges/new?lang=en", data=valid_pledge(**{"targets-0-value": "12.5"}))
    assert response.status_code in (200, 400, 422)
    html = response.get_data(as_text=True)
    assert "Enter a whole number: this indicator counts schools." in html
    assert db.session.query(Pledge).count() == 0
    fr = client.post("/pledges/new?lang=fr", data=valid_pledge(**{"targets-0-value": "12,5"}))
    assert "Saisissez un nombre entier : cet indicateur compte des écoles." in fr.get_data(as_text=True)
    assert db.session.query(Pledge).count() == 0


def test_a_published_report_shows_whole_counts_and_says_so_far(client, legacy):
    from p2c.core.unit import commit
    from p2c.publications import services

    pub = services.publish("Report 2026", date.today(), None, {"foreword": "Dear reader."})
    commit()
    en = client.get(f"/reports/{pub.slug}?lang=en").get_data(as_text=True)
    goals = en.split("Progress toward the coalition", 1)[1].split("</table>", 1)[0]
    assert '<th scope="col" class="num">So far</th>' in goals
    assert '<td class="num">1,235</td>' in goals and '<td class="num">5,000</td>' in goals  # schools, pledged
    assert "1,234.5" not in en and "12.5" not in en
    fr = client.get(f"/reports/{pub.slug}?lang=fr").get_data(as_text=True)
    assert f'<td class="num">1{NNBSP}235</td>' in fr and "À ce jour" in fr and "234,5" not in fr
