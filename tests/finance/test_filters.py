"""/api/v1/progress and /progress take the directory's filters; an unknown parameter is a 400."""

from __future__ import annotations

from datetime import date

import pytest

from p2c.extensions import db


@pytest.fixture
def two_pledges(eur_pledge, builder):
    """The EUR pledge (Kenya, Uganda: AFR) and a USD 400,000 pledge for Peru (AMS) with no ledger."""
    other = builder.pledge(amount=400_000, currency="USD", pledged_on=date(2025, 2, 1), countries=["PER"],
                           focus_area="empower")
    db.session.commit()
    return eur_pledge, other


def test_region_filter_narrows_the_figures(two_pledges, client):
    everything = client.get("/api/v1/progress").get_json()
    assert everything["totals"]["usd_value"] == "1481300.00" and everything["filters"] == {}
    africa = client.get("/api/v1/progress?region=AFR").get_json()
    assert africa["filters"] == {"region": "AFR"}
    assert (africa["totals"]["pledges"], africa["totals"]["usd_value"]) == (1, "1081300.00")
    assert (africa["finance"]["pledged_usd"], africa["finance"]["disbursed_usd"]) == ("1081300.00", "383930.00")
    americas = client.get("/api/v1/progress?region=AMS").get_json()
    assert (americas["totals"]["usd_value"], americas["finance"]["disbursed_usd"]) == ("400000.00", "0.00")
    empower = client.get("/api/v1/progress?focus_area=empower&country=PER").get_json()
    assert empower["totals"]["pledges"] == 1 and empower["finance"]["share"] == "0.0000"


@pytest.mark.parametrize(("query", "field"), [("regoin=AFR", "regoin"), ("region=XYZ", "region"),
                                              ("country=ZZZ", "country"), ("limit=5", "limit")])
def test_unknown_or_invalid_parameters_are_a_400(two_pledges, client, query, field):
    response = client.get(f"/api/v1/progress?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_progress_page_takes_the_filters_and_says_so(two_pledges, client):
    page = client.get("/progress?region=AMS").get_data(as_text=True)
    assert "Figures narrowed to" in page and "Target region: Americas" in page
    assert "$400,000" in page and "$383,930" not in page
    everything = client.get("/progress").get_data(as_text=True)
    assert "Figures narrowed to" not in everything and "$383,930" in everything
