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


def test_nul_in_a_form_is_dropped_not_an_error(client, login, builder):
    from sqlalchemy import select

    from p2c.extensions import db
    from p2c.pledges.models import Pledge
    from p2c.review.models import Comment
    from tests.pledges.formdata import valid_pledge

    response = client.post("/pledges/new", data=valid_pledge(title="Schools\u0000 online"))
    assert response.status_code == 302
    assert db.session.scalars(select(Pledge.title)).one() == "Schools online"
    # A back-office form without its own text cleaning is protected the same way.
    login("reviewer")
    pledge = db.session.scalars(select(Pledge)).one()
    noted = client.post(f"/review/pledge/{pledge.id}/comment",
                        data={"body": "Looks\u0000 fine", "visibility": "internal", "version": pledge.version})
    assert noted.status_code in (200, 302)
    assert all("\x00" not in c.body for c in db.session.scalars(select(Comment)))


def test_french_message(client):
    response = client.get("/pledges?q=%00&lang=fr")
    assert response.status_code == 400 and "caractère nul" in response.get_data(as_text=True)
