"""Walks every rule of the URL map under /review, /admin and /verify and checks who gets in.

anonymous -> sent to /login; a focal point holding only a private-link session -> 403;
reviewer -> 200 on /review, 403 on /admin and /verify; admin -> 200 everywhere (GET);
verifier -> 403 on /review and /admin, 200 on /verify for its own assignment (GET). POST-only
rules: anonymous is sent to login, a reviewer gets 403 under /admin and /verify, a verifier under
/review and /admin. New routes are covered automatically; a route with a URL parameter this test
does not know fails loudly.
"""

from __future__ import annotations

import pytest

from p2c.accounts.models import User
from p2c.api.models import ApiToken
from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.implementation.models import EvidenceFile
from p2c.matchmaking.constants import Side
from p2c.matchmaking.models import Introduction
from p2c.members.models import CallForInterest
from p2c.reference.models import Event, ExchangeRate, Pillar
from p2c.reporting.models import Goal
from tests.matchmaking.helpers import make_need

PREFIXES = ("/review", "/admin", "/verify")


def _rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIXES)]


@pytest.fixture
def params(builder):
    """Real records for every URL parameter used under /review and /admin."""
    from datetime import date

    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    user = builder.user()
    call = CallForInterest(title="2026 call", opens_on=date(2026, 1, 1), rolling=True)
    goal = Goal(title="USD 100 billion", metric="usd_value", target_value=10**11, target_date=date(2026, 12, 31))
    api_token = ApiToken(organization_id=pledge.lead_organization_id, name="partner", token_hash="0" * 64,
                         prefix="p2c_0000")
    db.session.add_all([call, goal, api_token])
    report = builder.progress_report(pledge, status=ReviewStatus.SUBMITTED)
    evidence = EvidenceFile(report=report, filename="evidence.pdf", content_type="application/pdf", size=8,
                            sha256="0" * 64, data=b"%PDF-1.4")
    db.session.add(evidence)
    db.session.flush()
    # A verifier with one assignment: an approved report of an approved pledge.
    from p2c.verification.models import Verification

    verifier = builder.user("verifier")
    report = builder.progress_report(builder.pledge(), achieved={"people_connected": 10},
                                     evidence_links=["https://example.org/evidence"])
    verification = Verification(report=report, verifier=verifier, assigned_at=report.approved_at)
    db.session.add(verification)
    db.session.flush()
    need = make_need()
    other = builder.pledge(status=ReviewStatus.APPROVED)
    intro = Introduction(need=need, pledge=other, requested_by=Side.PLEDGE, requested_at=need.submitted_at)
    db.session.add(intro)
    db.session.flush()
    values = {
        "kind": "pledge", "id": pledge.id, "pledge_id": pledge.id, "org_id": pledge.lead_organization_id,
        "user_id": user.id,
        "call_id": call.id, "token_id": api_token.id, "goal_id": goal.id,
        "pillar_code": db.session.query(Pillar.code).first()[0],
        "rate_id": db.session.query(ExchangeRate.id).first()[0], "event_code": db.session.query(Event.code).first()[0],
        "initiative_code": "AFR1", "sdg_target_code": "9.c", "gdc_objective_code": "gdc1",
        "slug": "wtdc-25",  # an event page's address (/review/events/<slug>/announcements)
        "token": make_token("pledge", pledge.id, pledge.focal_point.email),
        "report_id": report.id, "verification_id": verification.id, "verifier_user_id": verifier.id,
        "file_id": evidence.id, "name": evidence.filename, "segment": "countries", "key": "KEN",
        "need_id": need.id, "intro_id": intro.id,
    }
    db.session.commit()
    return values, pledge


def _url(app, rule, values) -> str:
    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: add a value for {missing} to the access matrix test"
    from flask import url_for

    with app.test_request_context():
        return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def _login(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()


def test_every_route_is_covered_by_the_matrix(app, client, builder, params):
    values, pledge = params
    rules = _rules(app)
    assert len(rules) > 20
    reviewer, admin = builder.user("reviewer"), builder.user("admin")
    verifier = db.session.get(User, values["verifier_user_id"])
    db.session.commit()
    token = values["token"]
    clients = {name: app.test_client() for name in ("anonymous", "focal", "reviewer", "admin", "verifier")}
    _login(clients["reviewer"], reviewer)
    _login(clients["admin"], admin)
    _login(clients["verifier"], verifier)
    # The focal point's own session, as after following the link (and then browsing without it).
    assert clients["focal"].get(f"/my/{token}").status_code == 200
    checked = 0
    for rule in rules:
        url = _url(app, rule, values)
        gets = "GET" in rule.methods
        method = "get" if gets else "post"
        for who, client_ in clients.items():
            response = getattr(client_, method)(url)
            status = response.status_code
            body = response.get_data(as_text=True)  # consume streamed bodies (the CSV) inside this test
            response.close()
            where = f"{who} {method.upper()} {rule.rule}"
            if who == "anonymous":
                assert status == 302 and "/login" in response.headers["Location"], where
            elif who == "focal":
                assert status == 403, f"{where}: {status}"
                assert "Your private link opens only your own submissions." in body, where
            elif who == "reviewer" and rule.rule.startswith(("/admin", "/verify")):
                assert status == 403, where
            elif who == "verifier" and not rule.rule.startswith("/verify"):
                assert status == 403, where  # the queue, records, contacts, administration, assignment
            elif gets:
                assert status == 200, f"{where}: {status}"
            else:
                # Let in: the empty form is then refused or sent back, but never to the login page.
                assert status not in (401, 403), where
                assert status != 302 or "/login" not in response.headers["Location"], where
            checked += 1
    assert checked == 5 * len(rules)
    assert any(r.rule.startswith("/verify") for r in rules)


def test_a_verifier_opens_only_its_own_assignments(app, builder, params):
    values, _pledge = params
    other = builder.user("verifier")
    db.session.commit()
    client = app.test_client()
    _login(client, other)
    assert client.get("/verify/").status_code == 200
    for rule in _rules(app):
        if "verification_id" not in rule.arguments:
            continue
        url = _url(app, rule, values)
        method = "get" if "GET" in rule.methods else "post"
        assert getattr(client, method)(url).status_code == 403, f"{method.upper()} {rule.rule}"


def test_a_private_link_in_the_url_gets_403_and_a_bad_one_the_login_page(app, params):
    values, _pledge = params
    fresh = app.test_client()
    assert fresh.get("/review/?token=" + values["token"]).status_code == 403
    assert fresh.get("/admin/?token=" + values["token"]).status_code == 403
    bogus = fresh.get("/review/?token=not-a-token")
    assert bogus.status_code == 302 and "/login" in bogus.headers["Location"]
