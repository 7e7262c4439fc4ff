"""The access matrix over EVERY rule of the URL map (tests/review/test_access_matrix.py covers the
/review and /admin rules in depth): anonymous, focal point, reviewer and admin, as an attacker
probing each route. A route added later is covered automatically; one with a URL parameter this
test does not know fails loudly."""

from __future__ import annotations

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from tests.review.test_access_matrix import _login, _url, params  # noqa: F401 - fixture

STAFF = ("/review", "/admin", "/verify")
SIGNED_IN = {"accounts.password"}  # any staff member, signed in
BOGUS = "eyJrIjoicGxlZGdlIiwiaSI6MSwiZSI6ImFAZXhhbXBsZS5vcmcifQ.aw0rPg.forged-signature-forged-sig"


def test_every_route_answers_each_role_as_it_should(app, builder, params):  # noqa: F811
    values, _pending = params
    approved = builder.pledge(status=ReviewStatus.APPROVED)
    reviewer, admin, verifier = builder.user("reviewer"), builder.user("admin"), builder.user("verifier")
    db.session.commit()
    secret_email = approved.focal_point.email
    own_token = make_token("pledge", approved.id, secret_email)
    values = {**values, "ref": approved.reference, "reference": approved.reference, "iso3": "KEN", "code": "AFR",
              "slug": "no-such-report", "fmt": "csv", "filename": "swagger-ui.css", "token": BOGUS}
    clients = {name: app.test_client() for name in ("anonymous", "focal", "reviewer", "admin", "verifier")}
    _login(clients["reviewer"], reviewer)
    _login(clients["admin"], admin)
    _login(clients["verifier"], verifier)
    assert clients["focal"].get(f"/my/{own_token}").status_code == 200
    checked = 0
    # Sign-out last: it ends the staff clients' sessions (server-side).
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint == "accounts.logout"):
        if rule.rule.startswith(STAFF) or rule.endpoint == "static":
            continue  # staff rules: tests/review/test_access_matrix.py
        url = _url(app, rule, values)
        method = "GET" if "GET" in rule.methods else "POST"
        answers = {}
        for who, client in clients.items():
            response = client.open(url, method=method)
            body = response.get_data().decode("utf-8", "replace")  # the country brief is a PDF
            response.close()
            where = f"{who} {method} {rule.rule}: {response.status_code}"
            assert response.status_code < 500, where
            answers[who] = response.status_code
            if "token" in rule.arguments:
                # A forged link opens nothing, whoever follows it (signed in or not).
                assert response.status_code in (403, 404), where
            elif rule.rule.startswith("/api/") and method == "POST":
                assert response.status_code == 401, where  # the write API never accepts a cookie
            elif rule.endpoint in SIGNED_IN or rule.endpoint == "accounts.logout":
                staff = who in ("reviewer", "admin", "verifier")
                if staff:
                    assert response.status_code != 302 or "/login" not in response.headers["Location"], where
                else:
                    assert response.status_code == 302 and "/login" in response.headers["Location"], where
            elif method == "GET" and who == "anonymous":
                assert secret_email not in body, f"contact data on {rule.rule}"
            checked += 1
        if method == "GET" and "token" not in rule.arguments and rule.endpoint not in SIGNED_IN \
                and rule.endpoint != "accounts.login":
            # Public pages: the same answer for everyone (a role never unlocks or hides one).
            assert len(set(answers.values())) == 1, (rule.rule, answers)
    assert checked >= 5 * 30


def test_a_valid_link_opens_only_its_own_record(app, builder):
    mine, other = builder.pledge(status=ReviewStatus.APPROVED), builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()
    token = make_token("pledge", mine.id, mine.focal_point.email)
    client = app.test_client()
    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert mine.reference in page and other.reference not in page
    # The same signature with another record's id is a forgery.
    payload, _, rest = token.partition(".")
    forged = make_token("pledge", other.id, mine.focal_point.email).partition(".")[0] + "." + rest
    assert client.get(f"/my/{forged}").status_code == 403
    # The private-link session does not open other records, nor staff pages.
    assert client.get(f"/review/pledge/{other.id}").status_code == 403
