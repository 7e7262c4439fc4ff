"""CSRF on every form: with protection on (as in production), a POST to any route of the URL map
without the form's token, from a signed-in staff member's or a focal point's browser, changes
nothing in the database. The JSON API is exempt: it authenticates with a bearer token, never a cookie."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from tests.conftest import REFERENCE_TABLES
from tests.review.test_access_matrix import _login, _url, params  # noqa: F401 - fixture


def _snapshot() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables
            if t.name not in REFERENCE_TABLES}


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_no_form_post_without_its_token_changes_anything(app, builder, params, csrf_on):  # noqa: F811
    values, pledge = params
    pledge.status = ReviewStatus.CHANGES_REQUESTED  # so that the focal point's edit form is open
    admin = builder.user("admin")
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    values = {**values, "token": token, "reference": pledge.reference, "ref": pledge.reference}
    staff, focal = app.test_client(), app.test_client()
    _login(staff, admin)
    before = _snapshot()
    posted = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "accounts.logout"):
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        url = _url(app, rule, values)
        client = focal if "token" in rule.arguments else staff
        # A plausible form body (the attacker's page knows every field but the token).
        form = {"version": "1", "action": "approve", "body": "hello", "visibility": "to_submitter",
                "email": "x@example.org", "password": "correct horse battery staple", "confirm": "y",
                "next": "/review/", "title": "Changed by a forged request", "name": "Forged", "role": "admin"}
        response = client.post(url, data=form, headers={"Origin": "https://evil.example"})
        assert response.status_code < 500, f"{rule.rule}: {response.status_code}"
        assert response.status_code != 200 or rule.endpoint in ("accounts.login",), f"{rule.rule}: 200"
        after = _snapshot()
        changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
        assert not changed, f"{rule.rule} changed {changed} without a CSRF token"
        posted += 1
    assert posted > 25
    assert staff.get("/admin/").status_code == 200  # the session itself was never ended by a forged POST
