"""Reference names the team writes in the six languages (issues 13 and 15): event names, SDG targets and
GDC objectives given by admins, shown in the reader's language (the team's translation, then the
catalog's, then the English marked lang="en"); indicator gap sources translated on /progress."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, func, select

from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.reference.models import Event, GdcObjective, SdgTarget
from tests.conftest import clean_database

EVENT = "summit_test_2026"
TARGETS = ("17.99", "9.z")
OBJECTIVES = ("gdc_test",)


@pytest.fixture
def restore_reference():
    """Events, SDG targets and GDC objectives persist between tests: remove the ones added here (after
    the pledges that name them)."""
    yield
    clean_database()
    db.session.execute(delete(Event).where(Event.code == EVENT))
    db.session.execute(delete(SdgTarget).where(SdgTarget.code.in_(TARGETS)))
    db.session.execute(delete(GdcObjective).where(GdcObjective.code.in_(OBJECTIVES)))
    db.session.commit()


def _event_form(**extra) -> dict:
    return {"code": EVENT, "name": "Connectivity Summit 2026", "kind": "other", "starts_on": "2024-03-01",
            "ends_on": "2024-03-02", "location": "Geneva", "position": "99", **extra}


def _breakdown(html: str, dimension: str) -> str:
    """The table of one /progress breakdown."""
    start = html.index(f'id="chart-{dimension}"')
    return html[start:html.index("</table>", start)]


def test_an_event_name_in_the_reader_language_on_every_page(client, login, builder, restore_reference):
    login("admin")
    response = client.post("/admin/events/new", data=_event_form(name_fr="Sommet de la connectivité 2026",
                                                                name_ru="  "))
    assert response.status_code == 302
    event = db.session.get(Event, EVENT)
    assert event.name_translations == {"fr": "Sommet de la connectivité 2026"}  # blanks are not stored
    pledge = builder.pledge(event_code=EVENT, amount=3_000_000)
    db.session.commit()
    french_span = '<span class="user-text" lang="fr" dir="ltr">Sommet de la connectivité 2026</span>'
    english_span = '<span class="user-text" lang="en" dir="ltr">Connectivity Summit 2026</span>'

    page = client.get("/events/summit-test-2026?lang=fr").get_data(as_text=True)
    assert f"<h1>{french_span}</h1>" in page
    assert re.search(r"<title>Sommet de la connectivité 2026\b", page)
    assert f"<h1>{english_span}</h1>" in client.get("/events/summit-test-2026?lang=ru").get_data(as_text=True)
    assert french_span in client.get("/events?lang=fr").get_data(as_text=True)

    detail = client.get(f"/pledges/{pledge.reference}?lang=fr").get_data(as_text=True)
    assert f'<a href="/events/summit-test-2026">{french_span}</a>' in detail
    assert english_span in client.get(f"/pledges/{pledge.reference}?lang=ru").get_data(as_text=True)

    # /progress "By pledging event": the French name; in Russian the English, marked as English.
    french = _breakdown(client.get("/progress?lang=fr").get_data(as_text=True), "event")
    assert re.search(r'<a href="/pledges\?event=summit_test_2026">Sommet de la connectivité 2026</a>', french)
    assert "Connectivity Summit" not in french
    russian = _breakdown(client.get("/progress?lang=ru").get_data(as_text=True), "event")
    assert f'<a href="/pledges?event=summit_test_2026">{english_span}</a>' in russian

    # The API gives the English name and the team's translations.
    rows = next(b["rows"] for b in client.get("/api/v1/progress").get_json()["breakdowns"] if b["dimension"] == "event")
    assert {r["key"]: (r["name"], r["name_translations"], r["pledges"]) for r in rows} == {
        EVENT: ("Connectivity Summit 2026", {"fr": "Sommet de la connectivité 2026"}, 1)}
    listed = client.get("/api/v1/events/summit-test-2026").get_json()
    assert (listed["name"], listed["name_translations"], listed["pledges"]) == (
        "Connectivity Summit 2026", {"fr": "Sommet de la connectivité 2026"}, 1)

    # The pledge form's choices and the directory's filter.
    form = client.get("/pledges/new?lang=fr").get_data(as_text=True)
    assert '<option value="summit_test_2026">Sommet de la connectivité 2026</option>' in form
    directory = client.get("/pledges?lang=fr").get_data(as_text=True)
    assert re.search(r'<option value="summit_test_2026"[^>]*>Sommet de la connectivité 2026</option>', directory)

    # Editing the translations is audited; the edit form shows them.
    edit = client.get(f"/admin/events/{EVENT}?lang=en").get_data(as_text=True)
    assert 'value="Sommet de la connectivité 2026"' in edit and "Name in Chinese (optional)" in edit
    assert client.post(f"/admin/events/{EVENT}", data=_event_form(name_zh="2026年连通性峰会")).status_code == 302
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "event",
                                                        AuditEvent.action == "edit")).one()
    assert audit.before["name_translations"] == {"fr": "Sommet de la connectivité 2026"}
    assert audit.after["name_translations"] == {"zh": "2026年连通性峰会"}
    # The cached /progress moves on with the new translation (no pledge changed).
    chinese = _breakdown(client.get("/progress?lang=zh").get_data(as_text=True), "event")
    assert '<a href="/pledges?event=summit_test_2026">2026年连通性峰会</a>' in chinese
    assert "Sommet" not in _breakdown(client.get("/progress?lang=fr").get_data(as_text=True), "event")


def test_a_shipped_event_keeps_its_catalog_name_and_the_team_translation_comes_first(client, login):
    # WTDC-25 ships with its name in the catalogs: CMDT-25 in French, ВКРЭ-25 in Russian.
    page = client.get("/events/wtdc-25?lang=fr").get_data(as_text=True)
    assert '<h1><span class="user-text" lang="fr" dir="ltr">CMDT-25</span></h1>' in page
    assert '<span class="user-text" lang="zh" dir="ltr">2025年世界电信发展大会（WTDC-25）</span>' in client.get(
        "/events/wtdc-25?lang=zh").get_data(as_text=True)
    event = db.session.get(Event, "wtdc25")
    try:
        event.name_translations = {"fr": "Conférence mondiale de développement des télécommunications 2025"}
        db.session.commit()
        page = client.get("/events/wtdc-25?lang=fr").get_data(as_text=True)
        assert "<h1>" + ('<span class="user-text" lang="fr" dir="ltr">Conférence mondiale de développement des '
                         'télécommunications 2025</span></h1>') in page
        assert '<span class="user-text" lang="ru" dir="ltr">ВКРЭ-25</span>' in client.get(
            "/events/wtdc-25?lang=ru").get_data(as_text=True)
    finally:
        event.name_translations = {}
        db.session.commit()


def test_gap_sources_are_translated_on_progress(client, builder):
    builder.pledge(targets=[("people_connected", 5_000, 2030)])
    db.session.commit()
    french = client.get("/progress?lang=fr").get_data(as_text=True)
    assert ('<span class="user-text hint" lang="fr" dir="ltr">UIT, Faits et chiffres 2025 : 2,2 milliards de '
            'personnes hors ligne</span>') in french
    assert "ITU Facts and Figures 2025" not in french
    english = client.get("/progress?lang=en").get_data(as_text=True)
    assert "ITU Facts and Figures 2025: 2.2 billion people offline" in english


def _target_form(**extra) -> dict:
    return {"code": "17.99", "name": "Digital public goods for all", "position": "0", "active": "y", **extra}


def test_admins_add_sdg_targets_with_checked_codes(client, login, restore_reference):
    login("admin")
    assert "9.c" in client.get("/admin/sdg-targets?lang=en").get_data(as_text=True)
    bad_format = client.post("/admin/sdg-targets/new?lang=en", data=_target_form(code="9-c"))
    assert bad_format.status_code == 400
    assert "Write the SDG's number, a dot and the target, e.g. 9.c or 17.6." in bad_format.get_data(as_text=True)
    no_sdg = client.post("/admin/sdg-targets/new?lang=fr", data=_target_form(code="18.1"))
    assert no_sdg.status_code == 400
    assert ("Il n’existe pas d’ODD 18 : le code commence par le numéro d’un ODD (1 à 17)."
            in no_sdg.get_data(as_text=True))
    duplicate = client.post("/admin/sdg-targets/new?lang=en", data=_target_form(code="9.c"))
    assert duplicate.status_code == 400 and "This already exists." in duplicate.get_data(as_text=True)
    assert db.session.scalars(select(SdgTarget.code).where(SdgTarget.code.in_(["9-c", "18.1"]))).all() == []
    assert db.session.get(SdgTarget, "9.c").name.startswith("Significantly increase access to ICT")

    ok = client.post("/admin/sdg-targets/new?lang=en", data=_target_form(name_es="Bienes públicos digitales"))
    assert ok.status_code == 302
    target = db.session.get(SdgTarget, "17.99")
    assert (target.sdg_number, target.active, target.name_translations) == (
        17, True, {"es": "Bienes públicos digitales"})
    # The code and its SDG are fixed once created.
    edit = client.post("/admin/sdg-targets/17.99", data=_target_form(code="4.1", name="Digital public goods"))
    assert edit.status_code == 302
    db.session.expire_all()
    target = db.session.get(SdgTarget, "17.99")
    assert (target.code, target.sdg_number, target.name) == ("17.99", 17, "Digital public goods")
    assert db.session.get(SdgTarget, "4.1") is None


def test_a_retired_target_and_objective_leave_the_form_but_stay_on_pledges(client, login, builder,
                                                                          restore_reference):
    login("admin")
    assert client.post("/admin/sdg-targets/new", data=_target_form(code="9.z", name="Test target",
                                                                   name_fr="Cible d’essai")).status_code == 302
    assert client.post("/admin/gdc-objectives/new", data={
        "code": "gdc_test", "name": "Test objective", "position": "9", "active": "y",
        "name_ar": "هدف تجريبي"}).status_code == 302
    form = client.get("/pledges/new?lang=fr").get_data(as_text=True)
    assert 'value="9.z"' in form and "9.z Cible d’essai" in form and 'value="gdc_test"' in form

    pledge = builder.pledge()
    pledge.sdg_targets = [db.session.get(SdgTarget, "9.z")]
    pledge.gdc_objectives = [db.session.get(GdcObjective, "gdc_test")]
    db.session.commit()
    # Retired: "active" unticked (the edit form sends the translations it shows back).
    assert client.post("/admin/sdg-targets/9.z", data={"name": "Test target", "position": "0",
                                                       "name_fr": "Cible d’essai"}).status_code == 302
    assert client.post("/admin/gdc-objectives/gdc_test", data={"name": "Test objective", "position": "9",
                                                               "name_ar": "هدف تجريبي"}).status_code == 302
    db.session.expire_all()
    assert (db.session.get(SdgTarget, "9.z").active, db.session.get(GdcObjective, "gdc_test").active) == (False,
                                                                                                         False)

    form = client.get("/pledges/new?lang=fr").get_data(as_text=True)
    assert 'value="9.z"' not in form and 'value="gdc_test"' not in form
    detail = client.get(f"/pledges/{pledge.reference}?lang=ar").get_data(as_text=True)
    assert '<abbr title="Test target">9.z</abbr>' in detail  # no Arabic given: the English
    assert '<span class="user-text" lang="ar" dir="rtl">هدف تجريبي</span>' in detail
    assert '<abbr title="Cible d’essai">9.z</abbr>' in client.get(
        f"/pledges/{pledge.reference}?lang=fr").get_data(as_text=True)
    assert db.session.get(Pledge, pledge.id).sdg_targets[0].code == "9.z"


@pytest.mark.parametrize("path", ["/admin/sdg-targets", "/admin/sdg-targets/new", "/admin/sdg-targets/9.c",
                                  "/admin/gdc-objectives", "/admin/gdc-objectives/new",
                                  "/admin/gdc-objectives/gdc1"])
def test_only_admins_manage_targets_and_objectives(client, login, path):
    assert client.get(path).status_code == 302  # anonymous: to the login page
    login("reviewer")
    assert client.get(path).status_code == 403
    if not path.endswith(("targets", "objectives")):  # the lists are GET only
        assert client.post(path, data={"code": "9.y", "name": "x"}).status_code == 403
    assert db.session.get(SdgTarget, "9.y") is None
    login("admin")
    assert client.get(path).status_code == 200


def test_a_retired_code_is_refused_to_new_pledges_and_kept_by_those_naming_it(client, login, builder, app,
                                                                              restore_reference):
    from p2c.pledges import rules
    from tests.pledges.formdata import valid_pledge

    login("admin")
    assert client.post("/admin/sdg-targets/new", data=_target_form(code="9.z", name="Test target")).status_code == 302
    assert client.post("/admin/sdg-targets/9.z", data={"name": "Test target", "position": "0"}).status_code == 302
    client.get("/logout")
    # A hand-made POST of the public form naming the retired target: refused, nothing saved.
    response = client.post("/pledges/new", data=valid_pledge(sdg_targets=["9.z"]))
    assert response.status_code == 422 and db.session.scalar(select(func.count(Pledge.id))) == 0
    with app.test_request_context():
        # The write API's rules: refused for a new pledge, kept for one that already names it.
        data = {"sdg_targets": ["9.z"], "gdc_objectives": []}
        assert rules.check_pledge(data, known_lead=True)["sdg_targets"] == ["Choose from the list."]
        assert "sdg_targets" not in rules.check_pledge(data, known_lead=True, kept_codes=frozenset({"9.z"}))
        assert "9.z" not in rules.codes("sdg_targets")() and "9.c" in rules.codes("sdg_targets")()
