"""Write API: bearer tokens, same services as the forms, Idempotency-Key, 422 per field, rate limit, admin pages."""

from __future__ import annotations

import copy
import hashlib

import pytest
from sqlalchemy import func, select

from p2c import create_app
from p2c.api import services
from p2c.api.models import ApiToken
from p2c.core.enums import ReviewStatus
from p2c.core.models import IdempotencyKey
from p2c.extensions import db, limiter
from p2c.implementation.models import ProgressReport
from p2c.pledges.models import Pledge

PLEDGE = {
    "title": "Connect 200 rural schools",
    "description": "We commit to connect 200 schools in Malawi reaching 80,000 students by 2028.",
    "language": "en", "focus_area": "connect", "pillars": ["connect.infrastructure"], "pledge_type": "programmatic",
    "amount": "1500000", "currency": "EUR", "countries": ["MWI", "ZMB"], "beneficiary_groups": ["youth"],
    "sdgs": [4, 9], "wsis_lines": ["C2"], "start_date": "2026-01-01", "end_date": "2028-12-31",
    "targets": [{"indicator": "schools_connected", "value": "200", "year": 2028}],
    "focal_name": "Jane Doe", "focal_email": "jane@example.org", "consent": True,
}


@pytest.fixture
def token(builder):
    org = builder.organization(name="Partner Telecom", country_iso3="KEN")
    row, secret = services.issue_token(org, "integration")
    db.session.commit()
    return row, secret


def auth(secret: str, **headers) -> dict:
    return {"Authorization": f"Bearer {secret}", **headers}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_tokens_are_stored_hashed(token):
    row, secret = token
    stored = db.session.get(ApiToken, row.id)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.token_hash, stored.prefix) and secret.startswith(stored.prefix)


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_missing_or_wrong_token_gets_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/v1/pledges", json=PLEDGE, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert _count(Pledge) == 0


def test_a_pledge_enters_the_review_queue_for_the_tokens_organization(client, token):
    row, secret = token
    payload = dict(PLEDGE, lead_name="Someone Else")
    response = client.post("/api/v1/pledges", json=payload, headers=auth(secret))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    pledge = db.session.scalar(select(Pledge).where(Pledge.reference == body["reference"]))
    assert pledge.status == ReviewStatus.SUBMITTED and body["status"] == "submitted"
    assert pledge.lead_organization_id == row.organization_id
    assert response.headers["Location"].endswith(f"/api/v1/pledges/{pledge.reference}")
    assert db.session.get(ApiToken, row.id).last_used_at is not None
    assert "jane@example.org" not in response.get_data(as_text=True)


def test_idempotency_key_makes_a_retry_create_one_record(client, token):
    _row, secret = token
    headers = auth(secret, **{"Idempotency-Key": "retry-123"})
    first = client.post("/api/v1/pledges", json=PLEDGE, headers=headers)
    second = client.post("/api/v1/pledges", json=PLEDGE, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert _count(Pledge) == 1
    assert db.session.scalar(select(IdempotencyKey.scope)) == "api"
    changed = client.post("/api/v1/pledges", json=dict(PLEDGE, title="Another title here"), headers=headers)
    assert changed.status_code == 409 and _count(Pledge) == 1
    other = client.post("/api/v1/pledges", json=PLEDGE, headers=auth(secret, **{"Idempotency-Key": "other"}))
    assert other.status_code == 201 and _count(Pledge) == 2


def test_invalid_input_gets_422_with_errors_per_field(client, token):
    _row, secret = token
    payload = copy.deepcopy(PLEDGE)
    payload.update(title="", focus_area="mars", countries=["XXX"], start_date="soon")
    payload["targets"][0]["value"] = "-5"
    response = client.post("/api/v1/pledges", json=payload, headers=auth(secret))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert {"title", "focus_area", "countries", "start_date", "targets"} <= set(error["fields"])
    assert _count(Pledge) == 0
    for body in (b"not json", b"[1, 2]"):
        response = client.post("/api/v1/pledges", data=body, headers=auth(secret, **{
            "Content-Type": "application/json"}))
        assert response.status_code == 422 and "error" in response.get_json()


def test_a_revoked_token_is_refused(client, token):
    row, secret = token
    services.revoke_token(db.session.get(ApiToken, row.id))
    db.session.commit()
    assert client.post("/api/v1/pledges", json=PLEDGE, headers=auth(secret)).status_code == 401


def test_progress_reports_through_the_api(client, builder, token):
    row, secret = token
    own = builder.pledge(lead=db.session.get(ApiToken, row.id).organization)
    foreign = builder.pledge()
    pending = builder.pledge(status=ReviewStatus.SUBMITTED, lead=own.lead_organization)
    db.session.commit()
    report = {"period": 2025, "implementation_status": "on_track",
              "entries": [{"amount": "1000.00", "currency": "USD", "recipient": "KEN", "instrument": "grant"}],
              "narrative": "We connected the first 40 schools and trained teachers in each of them.",
              "values": [{"indicator": "people_connected", "achieved_value": "400"}]}
    headers = auth(secret, **{"Idempotency-Key": "r-1"})
    response = client.post(f"/api/v1/pledges/{own.reference}/progress-reports", json=report, headers=headers)
    assert response.status_code == 201, response.get_json()
    again = client.post(f"/api/v1/pledges/{own.reference}/progress-reports", json=report, headers=headers)
    assert again.status_code == 201 and again.get_json() == response.get_json()
    assert db.session.scalar(select(ProgressReport.status)) == ReviewStatus.SUBMITTED
    assert _count(ProgressReport) == 1
    assert client.post(f"/api/v1/pledges/{foreign.reference}/progress-reports", json=report,
                       headers=auth(secret)).status_code == 403
    assert client.post("/api/v1/pledges/P2C-1999-99999/progress-reports", json=report,
                       headers=auth(secret)).status_code == 404
    assert client.post(f"/api/v1/pledges/{pending.reference}/progress-reports", json=report,
                       headers=auth(secret)).status_code == 409
    bad = client.post(f"/api/v1/pledges/{own.reference}/progress-reports", json=dict(report, period="x"),
                      headers=auth(secret))
    assert bad.status_code == 422 and "period" in bad.get_json()["error"]["fields"]


def test_the_write_api_is_rate_limited_per_token(app, builder):
    limited = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         RATELIMIT_ENABLED=True, API_WRITE_RATE_LIMIT="2 per minute")
    org = builder.organization()
    _row, secret = services.issue_token(org, "limited")
    _row2, other = services.issue_token(org, "other")
    db.session.commit()
    client = limited.test_client()
    try:
        codes = [client.post("/api/v1/pledges", json={}, headers=auth(secret)).status_code for _ in range(3)]
        assert codes == [422, 422, 429]
        response = client.post("/api/v1/pledges", json={}, headers=auth(secret))
        assert response.get_json()["error"]["status"] == 429
        assert client.post("/api/v1/pledges", json={}, headers=auth(other)).status_code == 422
    finally:
        # The limiter is one object for every app in the process: leave it off for the tests after this one.
        limiter.reset()
        limiter.enabled = False


def test_admin_issues_and_revokes_tokens(client, builder, login):
    org = builder.organization(name="Token Org")
    db.session.commit()
    login("admin")
    page = client.get("/admin/api-tokens/")
    assert page.status_code == 200
    response = client.post("/admin/api-tokens/", data={"organization_id": org.id, "name": "CRM"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "CRM"))
    secret = html.split('id="secret"')[1].split('value="')[1].split('"')[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    assert secret not in client.get("/admin/api-tokens/").get_data(as_text=True)
    bad = client.post("/admin/api-tokens/", data={"organization_id": 999999, "name": "x"})
    assert "No organization has this ID" in bad.get_data(as_text=True)
    assert client.post(f"/admin/api-tokens/{token.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None


@pytest.mark.parametrize("role", [None, "reviewer"])
def test_token_pages_are_for_admins_only(client, login, role):
    if role:
        login(role)
    response = client.get("/admin/api-tokens/")
    assert response.status_code in (302, 403) if role is None else response.status_code == 403
    assert client.post("/admin/api-tokens/1/revoke").status_code in (302, 403)


def test_cli_creates_and_revokes_tokens(app, builder):
    org = builder.organization()
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["p2c", "api-token", "create", str(org.id), "--name", "cli"])
    assert result.exit_code == 0, result.output
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "cli"))
    assert token.token_hash == hashlib.sha256(result.stdout.strip().splitlines()[-1].encode()).hexdigest()
    result = runner.invoke(args=["p2c", "api-token", "revoke", str(token.id)])
    assert result.exit_code == 0
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert runner.invoke(args=["p2c", "api-token", "create", "999999", "--name", "x"]).exit_code != 0


def test_a_year_already_reported_gets_422_naming_the_period(client, builder, token):
    row, secret = token
    own = builder.pledge(lead=db.session.get(ApiToken, row.id).organization)
    builder.progress_report(own, period=2025, status=ReviewStatus.SUBMITTED)
    db.session.commit()
    report = {"period": 2025, "implementation_status": "on_track",
              "narrative": "We connected the first 40 schools and trained teachers in each of them."}
    response = client.post(f"/api/v1/pledges/{own.reference}/progress-reports", json=report, headers=auth(secret))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["status"] == 422 and "2025" in error["fields"]["period"][0]
    assert _count(ProgressReport) == 1
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/pledges/{ref}/progress-reports"]["post"]
    assert "422" in operation["responses"] and "fields.period" in operation["description"]


def test_api_reports_are_audited_under_the_tokens_organization(client, builder, token):
    from p2c.core.models import AuditEvent

    row, secret = token
    own = builder.pledge(lead=db.session.get(ApiToken, row.id).organization)
    db.session.commit()
    report = {"period": 2025, "implementation_status": "on_track",
              "narrative": "We connected the first 40 schools and trained teachers in each of them."}
    response = client.post(f"/api/v1/pledges/{own.reference}/progress-reports", json=report, headers=auth(secret))
    assert response.status_code == 201
    label = db.session.scalar(select(AuditEvent.actor_label).where(AuditEvent.action == "progress_report.submitted"))
    assert "Partner Telecom" in label and label != "focal point"


def test_every_authenticated_call_records_the_token_as_used(client, builder, token):
    row, secret = token
    assert db.session.get(ApiToken, row.id).last_used_at is None
    response = client.post("/api/v1/pledges", json={"title": ""}, headers=auth(secret))
    assert response.status_code == 422
    db.session.expire_all()
    used = db.session.get(ApiToken, row.id).last_used_at
    assert used is not None
    foreign = builder.pledge()
    db.session.get(ApiToken, row.id).last_used_at = None
    db.session.commit()
    assert client.post(f"/api/v1/pledges/{foreign.reference}/progress-reports", json={},
                       headers=auth(secret)).status_code == 403
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at is not None


def test_a_submission_through_the_api_commits_once(client, token, monkeypatch):
    """One unit of work per request: the token's use, the pledge and the stored Idempotency-Key
    are committed together (mail delivery, which commits its own bookkeeping, is left queued here)."""
    import threading

    from flask_sqlalchemy.session import Session as FlaskSession
    from sqlalchemy import event

    _row, secret = token
    monkeypatch.setitem(client.application.config, "MAIL_SEND_AFTER_COMMIT", False)
    here = threading.get_ident()
    commits: list[int] = []

    def count(session) -> None:
        if threading.get_ident() == here:
            commits.append(1)

    event.listen(FlaskSession, "after_commit", count)
    try:
        response = client.post("/api/v1/pledges", json=PLEDGE, headers=auth(secret, **{"Idempotency-Key": "once"}))
    finally:
        event.remove(FlaskSession, "after_commit", count)
    assert response.status_code == 201, response.get_json()
    assert len(commits) == 1
