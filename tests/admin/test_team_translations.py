"""Texts the coalition team writes (call and goal titles) in the six languages: admins give the
translations; pages show the reader's language, or the English marked as English (issue 13)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.members.models import CallForInterest
from p2c.reporting.models import Goal


def _call_form(**extra) -> dict:
    today = date.today()
    return {"title": "Call for members 2027", "opens_on": (today - timedelta(days=1)).isoformat(),
            "closes_on": (today + timedelta(days=60)).isoformat(), "closes_time": "23:59", "time_zone": "UTC",
            **extra}


def test_a_call_title_shows_in_the_reader_language_or_in_marked_english(client, login):
    login("admin")
    response = client.post("/admin/calls/new", data=_call_form(
        title_fr="Appel à membres 2027", title_ar="دعوة الأعضاء 2027", title_zh="  "))
    assert response.status_code == 302
    call = db.session.scalar(select(CallForInterest))
    # Blank translations are not stored: Chinese readers get the English.
    assert call.title_translations == {"fr": "Appel à membres 2027", "ar": "دعوة الأعضاء 2027"}

    french = client.get("/join?lang=fr").get_data(as_text=True)
    assert '<span class="user-text" lang="fr" dir="ltr">Appel à membres 2027</span>' in french
    arabic = client.get("/join?lang=ar").get_data(as_text=True)
    assert '<span class="user-text" lang="ar" dir="rtl">دعوة الأعضاء 2027</span>' in arabic
    chinese = client.get("/join?lang=zh").get_data(as_text=True)
    assert '<span class="user-text" lang="en" dir="ltr">Call for members 2027</span>' in chinese

    # The edit form shows the stored translations, typed right to left in Arabic.
    edit = client.get(f"/admin/calls/{call.id}?lang=en").get_data(as_text=True)
    assert 'value="Appel à membres 2027"' in edit
    assert 'dir="rtl"' in edit and 'lang="ar"' in edit and "Title in French (optional)" in edit
    # Changing a translation is audited with before and after.
    response = client.post(f"/admin/calls/{call.id}", data=_call_form(title_fr="Appel 2027"))
    assert response.status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "call_for_interest",
                                                        AuditEvent.action == "edit")).one()
    assert event.before["title_translations"] == {"fr": "Appel à membres 2027", "ar": "دعوة الأعضاء 2027"}
    assert event.after["title_translations"] == {"fr": "Appel 2027"}


def test_a_too_long_translation_is_refused_and_nothing_saved(client, login):
    login("admin")
    response = client.post("/admin/calls/new", data=_call_form(title_ru="Я" * 201))
    assert response.status_code == 400
    assert db.session.scalar(select(CallForInterest)) is None


def test_a_custom_goal_title_in_the_reader_language_on_progress_and_api(client, login):
    login("admin")
    form = {"title": "Connect 1,000 rural schools", "metric": "pledges", "indicator_code": "",
            "target_value": "1000", "target_date": "2030-12-31", "active": "y", "position": "0",
            "title_es": "Conectar 1.000 escuelas rurales"}
    assert client.post("/admin/goals/new", data=form).status_code == 302
    goal = db.session.scalar(select(Goal).where(Goal.title == "Connect 1,000 rural schools"))
    assert goal.title_translations == {"es": "Conectar 1.000 escuelas rurales"}

    spanish = client.get("/progress?lang=es").get_data(as_text=True)
    assert "Conectar 1.000 escuelas rurales" in spanish
    russian = client.get("/progress?lang=ru").get_data(as_text=True)
    assert '<span class="user-text" lang="en" dir="ltr">Connect 1,000 rural schools</span>' in russian
    goals = client.get("/api/v1/progress").get_json()["goals"]
    mine = next(g for g in goals if g["id"] == goal.id)
    assert mine["title"] == "Connect 1,000 rural schools"
    assert mine["title_translations"] == {"es": "Conectar 1.000 escuelas rurales"}
