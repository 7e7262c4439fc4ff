"""A NUL character anywhere in the input gets a clear 400, never a database error."""

import pytest


@pytest.mark.parametrize("url", ["/pledges?q=%00", "/pledges?q=ab%00c", "/pledges/P2C-2026-%0000001",
                                 "/data/pledges.csv?q=%00", "/countries/K%00E"])
def test_nul_in_a_page_address(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "null character" in response.get_data(as_text=True)


def test_nul_in_the_api_and_json(client):
    response = client.get("/api/v1/pledges?q=%00")
    assert response.status_code == 400 and response.is_json
    posted = client.post("/api/v1/pledges", json={"title": "a\u0000b"})
    assert posted.status_code == 400 and posted.is_json


def test_nul_in_a_form_saves_nothing(client):
    from sqlalchemy import func, select

    from p2c.extensions import db
    from p2c.pledges.models import Pledge
    from tests.pledges.formdata import valid_pledge

    response = client.post("/pledges/new", data=valid_pledge(title="Schools\u0000 online"))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Pledge.id))) == 0


def test_french_message(client):
    assert client.get("/pledges?q=%00&lang=fr").status_code == 400
