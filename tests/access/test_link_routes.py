"""Every private-link route gives the same answer for the same link (issue 11): one loader.

Valid opens the page; expired is 410 with the fresh-link form; forged (tampered signature) and
another record's link are 403 with "This link does not work", whatever the feature behind the route.
"""

from __future__ import annotations

import pytest

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db

# (method, path under /my/<token>, status for the valid link of an approved pledge)
ROUTES = [
    ("GET", "", 200),
    ("POST", "/message", 422),  # an empty message: the form answers, not the link check
    ("GET", "/withdraw", 200),
    ("POST", "/withdraw", 302),  # confirmed (tests run without CSRF): withdrawn, back to the dashboard
    ("GET", "/edit", 302),  # not resubmittable: back to the dashboard
    ("POST", "/edit", 302),
    ("GET", "/report", 200),
    ("POST", "/report", 422),
    ("GET", "/reports", 200),
    ("GET", "/reports/NO-SUCH-REPORT", 404),
    ("POST", "/reports/NO-SUCH-REPORT", 404),
]


@pytest.fixture
def links(builder):
    mine = builder.pledge(status=ReviewStatus.APPROVED)
    other = builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()
    token = make_token("pledge", mine.id, mine.focal_point.email)
    return {
        "valid": token,
        "forged": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        # Another record's id under my address: the record's focal point is not the link's address.
        "other record": make_token("pledge", other.id, mine.focal_point.email),
    }


def _call(client, method: str, url: str):
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize(("method", "path", "valid_status"), ROUTES, ids=[f"{m} {p or '/'}" for m, p, _ in ROUTES])
def test_every_private_link_route_answers_alike(app, client, links, method, path, valid_status):
    assert _call(client, method, f"/my/{links['valid']}{path}").status_code == valid_status

    for case in ("forged", "other record"):
        response = _call(client, method, f"/my/{links[case]}{path}")
        assert response.status_code == 403, case
        assert "This link does not work" in response.get_data(as_text=True), case

    old = app.config["ACCESS_LINK_MAX_AGE_DAYS"]
    app.config["ACCESS_LINK_MAX_AGE_DAYS"] = -1
    try:
        response = _call(client, method, f"/my/{links['valid']}{path}")
    finally:
        app.config["ACCESS_LINK_MAX_AGE_DAYS"] = old
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "This link has expired" in html and 'action="/access"' in html and 'name="email"' in html
