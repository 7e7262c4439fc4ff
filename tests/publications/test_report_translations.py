"""A report's title and narrative in the team's translations: frozen and hashed with the report, shown in
the reader's language or in English marked as English (issue 13)."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from p2c.extensions import db
from p2c.publications.models import Publication
from tests.publications.test_publications import pledges  # noqa: F401 - the fixture


def test_translated_title_and_sections_are_frozen_and_shown_in_the_reader_language(client, login,
                                                                                    pledges):  # noqa: F811
    login("admin")
    response = client.post("/admin/reports/new", data={
        "title": "Annual report", "cutoff": "2025-12-31",
        "foreword": "Dear reader,\n\n- first point\n- second point",
        "title_fr": "Rapport annuel", "foreword_fr": "Chère lectrice, cher lecteur,\n\n- premier point\n- second point",
        "title_ar": "التقرير السنوي", "outlook_es": "   "})
    assert response.status_code == 302
    pub = db.session.scalars(select(Publication)).one()
    assert pub.content["translations"] == {
        "fr": {"title": "Rapport annuel",
               "foreword": "Chère lectrice, cher lecteur,\n\n- premier point\n- second point"},
        "ar": {"title": "التقرير السنوي"}}
    # The translations are part of the hashed data.
    body = client.get(f"/reports/{pub.slug}.json").data
    assert hashlib.sha256(body).hexdigest() == pub.content_hash and b"Rapport annuel" in body

    french = client.get(f"/reports/{pub.slug}?lang=fr").get_data(as_text=True)
    assert '<h1><span class="user-text" lang="fr" dir="ltr">Rapport annuel</span></h1>' in french
    assert ('<div class="user-text" lang="fr" dir="ltr"><p>Chère lectrice, cher lecteur,</p>'
            '<ul><li>premier point</li><li>second point</li></ul></div>') in french
    arabic = client.get(f"/reports/{pub.slug}?lang=ar").get_data(as_text=True)
    assert '<h1><span class="user-text" lang="ar" dir="rtl">التقرير السنوي</span></h1>' in arabic
    # No Arabic foreword: the English one, marked as English.
    assert '<div class="user-text" lang="en" dir="ltr"><p>Dear reader,</p>' in arabic
    chinese = client.get("/reports?lang=zh").get_data(as_text=True)
    assert '<span class="user-text" lang="en" dir="ltr">Annual report</span>' in chinese


def test_a_report_without_translations_keeps_its_former_content(client, login, pledges):  # noqa: F811
    login("admin")
    assert client.post("/admin/reports/new", data={"title": "Plain", "cutoff": "2025-12-31"}).status_code == 302
    assert "translations" not in db.session.scalars(select(Publication)).one().content


def test_an_oversized_translation_is_refused_and_nothing_published(client, login, pledges):  # noqa: F811
    login("admin")
    response = client.post("/admin/reports/new", data={"title": "Annual report", "cutoff": "2025-12-31",
                                                       "outlook_ru": "я" * 20001})
    assert response.status_code == 422
    assert db.session.scalars(select(Publication)).all() == []
    assert "<details class=\"translation-group\" open>" in response.get_data(as_text=True)
