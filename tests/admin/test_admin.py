"""Admin: invite end to end, change role, deactivation ends sessions, managed lists, audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from p2c.accounts.models import User
from p2c.core.enums import UserRole
from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.members.models import CallForInterest
from p2c.reference.models import Event, ExchangeRate, Pillar
from p2c.reporting.models import Goal
from tests.smtp import LocalSmtpServer


def test_invite_flow_end_to_end(app, client, login, mail_to):
    login("admin")
    response = client.post("/admin/staff/invite", data={"email": "New@Example.org", "name": "New One",
                                                         "role": "reviewer", "language": "en"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new@example.org"))
    assert not user.active and user.password_hash == ""
    body = LocalSmtpServer.text_of(mail_to.wait_for(1)[0])
    link = re.search(r"http\S+/account/set-password/\S+", body).group(0)
    path = link.split("localhost", 1)[-1]
    newcomer = app.test_client()
    assert newcomer.post("/login", data={"email": "new@example.org", "password": "a very good password"}
                         ).status_code == 200  # not active yet
    assert newcomer.get(path).status_code == 200
    bad = newcomer.post(path, data={"new": "short", "confirm": "short"})
    assert bad.status_code == 400
    assert newcomer.post(path, data={"new": "a very good password", "confirm": "a very good password"}
                         ).status_code == 302
    assert newcomer.get(path).status_code == 404  # the link works once
    response = newcomer.post("/login", data={"email": "new@example.org", "password": "a very good password"})
    assert response.status_code == 302
    assert newcomer.get("/review/").status_code == 200
    assert newcomer.get("/admin/").status_code == 403
    assert client.post("/admin/staff/invite", data={"email": "new@example.org", "role": "reviewer",
                                                    "language": "en"}).status_code == 400


def test_change_role_and_deactivation_ends_sessions(app, client, login, builder):
    admin = login("admin")
    reviewer = builder.user()
    db.session.commit()
    other = app.test_client()
    with other.session_transaction() as session:
        session["_user_id"] = reviewer.get_id()
    assert other.get("/admin/").status_code == 403
    assert client.post(f"/admin/staff/{reviewer.id}/role", data={"role": "admin"}).status_code == 302
    assert other.get("/admin/").status_code == 200
    assert client.post(f"/admin/staff/{reviewer.id}/deactivate").status_code == 302
    response = other.get("/review/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert not db.session.get(User, reviewer.id).active
    # An admin cannot lock themself out.
    client.post(f"/admin/staff/{admin.id}/deactivate")
    client.post(f"/admin/staff/{admin.id}/role", data={"role": "reviewer"})
    db.session.expire_all()
    me = db.session.get(User, admin.id)
    assert me.active and me.role == UserRole.ADMIN
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_type == "user")))
    assert {"change_role", "deactivate"} <= actions


@pytest.fixture
def restore_reference():
    """Pillars, rates and events are reference tables the suite keeps: remove what a test adds."""
    yield
    db.session.rollback()
    db.session.execute(delete(Pillar).where(Pillar.code == "test_pillar"))
    db.session.execute(delete(Event).where(Event.code == "test_event"))
    db.session.execute(delete(ExchangeRate).where(ExchangeRate.currency_code == "EUR", ExchangeRate.year == 2039))
    db.session.commit()


def test_admins_manage_calls_goals_pillars_rates_and_events(client, login, restore_reference):
    login("admin")
    assert client.post("/admin/calls/new", data={"title": "2027 call", "opens_on": "2027-01-01",
                                                 "closes_on": "2026-01-01"}).status_code == 400
    assert client.post("/admin/calls/new", data={"title": "2027 call", "opens_on": "2027-01-01",
                                                 "closes_on": "2027-03-31"}).status_code == 302
    call = db.session.scalar(select(CallForInterest))
    assert client.post(f"/admin/calls/{call.id}", data={"title": "2027 call", "opens_on": "2027-01-01",
                                                        "rolling": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(CallForInterest, call.id).rolling

    goal_form = {"title": "People trained", "metric": "indicator", "indicator_code": "", "target_value": "1000",
                 "target_date": "2030-12-31", "active": "y", "position": "1"}
    assert client.post("/admin/goals/new", data=goal_form).status_code == 400  # indicator missing
    goal_form["indicator_code"] = "people_trained"
    assert client.post("/admin/goals/new", data=goal_form).status_code == 302
    goal = db.session.scalar(select(Goal).where(Goal.title == "People trained"))
    stale = {**goal_form, "title": "Stale", "version": str(goal.version + 3)}
    response = client.post(f"/admin/goals/{goal.id}", data=stale, follow_redirects=True)
    assert "Someone else changed this record" in response.get_data(as_text=True)

    pillar = {"code": "test_pillar", "focus_area_code": "connect", "name": "Test pillar", "position": "9",
              "active": "y"}
    assert client.post("/admin/pillars/new", data=pillar).status_code == 302
    assert client.post("/admin/pillars/new", data=pillar).status_code == 400  # exists
    assert client.post("/admin/pillars/test_pillar", data={"name": "Renamed pillar", "position": "9"}
                       ).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Pillar, "test_pillar")
    assert saved.name == "Renamed pillar" and not saved.active and saved.focus_area_code == "connect"

    rate = {"currency_code": "EUR", "year": "2039", "usd_per_unit": "1.1", "source": "ECB"}
    assert client.post("/admin/rates/new", data=rate).status_code == 302
    assert client.post("/admin/rates/new", data=rate).status_code == 400  # one rate per currency and year
    assert client.post("/admin/rates/new", data={**rate, "year": "2038", "usd_per_unit": "-1"}).status_code == 400
    assert "ECB" in client.get("/admin/rates?currency=eur").get_data(as_text=True)

    assert client.post("/admin/events/new", data={"code": "test_event", "name": "Test summit"}).status_code == 302
    assert client.post("/admin/events/new", data={"code": "Bad Code!", "name": "x"}).status_code == 400
    creates = set(db.session.scalars(select(AuditEvent.subject_type).where(AuditEvent.action == "create")))
    assert {"call_for_interest", "goal", "pillar", "exchange_rate", "event"} <= creates


def test_audit_log_filters_and_has_no_edit_routes(app, client, login, builder):
    login("admin")
    builder.pledge()
    db.session.add_all([AuditEvent(action="approve", subject_type="pledge", subject_id=1, actor_label="a@x.org"),
                        AuditEvent(action="login", subject_type="user", subject_id=2, actor_label="b@x.org")])
    db.session.commit()
    html = client.get("/admin/audit?action=approve").get_data(as_text=True)
    assert "a@x.org" in html and "b@x.org" not in html
    html = client.get("/admin/audit?actor=b%40x").get_data(as_text=True)
    assert "b@x.org" in html and "a@x.org" not in html
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)
