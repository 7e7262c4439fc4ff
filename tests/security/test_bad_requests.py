"""Requests that used to end in a 500 now get a clear 4xx: JSON nested past the parser's recursion
limit on any URL, and a form nonce of one form replayed on another."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from p2c.members.models import ExpressionOfInterest
from p2c.pledges.models import Pledge
from tests.members.test_join import open_call  # noqa: F401 - fixture
from tests.pledges.formdata import nonce, valid_eoi, valid_pledge

URLS = ["/api/v1/pledges", "/api/v1/pledges/P2C-2026-00001/progress-reports", "/join", "/pledges/new", "/login",
        "/no-such-page", "/"]


@pytest.mark.parametrize("depth", [40, 5_000, 200_000])
@pytest.mark.parametrize("url", URLS)
def test_deeply_nested_json_is_a_400_on_any_url(client, url, depth):
    body = "[" * depth + "]" * depth
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.open(url, method=method, data=body, content_type="application/json")
        assert response.status_code == 400, (url, method, response.status_code)
        if url.startswith("/api/"):
            assert response.is_json and response.json["error"]["status"] == 400


def test_json_of_a_normal_depth_still_reaches_the_view(client):
    response = client.post("/api/v1/pledges", json={"a": [{"b": [1, 2]}]})
    assert response.status_code == 401  # no token: the view ran


def test_a_join_nonce_replayed_on_the_pledge_form_is_not_a_500(client, open_call):  # noqa: F811
    shared = nonce()
    assert client.post("/join", data=valid_eoi(form_nonce=shared)).status_code == 302
    response = client.post("/pledges/new", data=valid_pledge(form_nonce=shared))
    # The nonce is unique within its form: on the pledge form it is simply a fresh one.
    assert response.status_code == 302
    from p2c.extensions import db

    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 1
    assert db.session.scalar(select(func.count()).select_from(ExpressionOfInterest)) == 1
    # And back the other way, and a second replay: still one record per form.
    assert client.post("/pledges/new", data=valid_pledge(form_nonce=shared)).status_code == 302
    assert client.post("/join", data=valid_eoi(form_nonce=shared)).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Pledge)) == 1
    assert db.session.scalar(select(func.count()).select_from(ExpressionOfInterest)) == 1
