"""Admins edit the WTDC-25 regional initiatives (titles in the six languages) through the admin lists."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from p2c.core.models import AuditEvent
from p2c.extensions import db
from p2c.reference.initiatives import RegionalInitiative


@pytest.fixture
def restore_initiatives():
    """The initiatives are reference data the suite keeps: undo what the test changes."""
    yield
    db.session.rollback()
    db.session.execute(delete(RegionalInitiative).where(RegionalInitiative.code == "AFR9"))
    afr2 = db.session.get(RegionalInitiative, "AFR2")
    afr2.title_fr, afr2.title_en = "", "An inclusive, trusted AI ecosystem"
    db.session.commit()


FORM = {"code": "AFR9", "region": "AFR", "number": "9", "title_en": "Test initiative", "period_start": "2026",
        "period_end": "2029", "active": "y"}


def test_admin_adds_and_translates_an_initiative(client, login, restore_initiatives):
    login("admin")
    listing = client.get("/admin/initiatives?lang=en").get_data(as_text=True)
    assert "AFR1" in listing and "EUR5" in listing
    assert client.post("/admin/initiatives/new", data=FORM).status_code == 302
    assert client.post("/admin/initiatives/new", data=FORM).status_code == 400  # exists
    assert client.post("/admin/initiatives/new", data={**FORM, "code": "afr 9"}).status_code == 400
    assert client.post("/admin/initiatives/new", data={**FORM, "code": "AFR8", "period_end": "2025"}
                       ).status_code == 400
    assert "AFR2" in client.get("/regions/AFR?lang=fr").get_data(as_text=True)  # cached before the edit
    edit = {**FORM, "code": "AFR2", "number": "2", "title_en": "An inclusive, trusted AI ecosystem",
            "title_fr": "Un écosystème d'IA inclusif et de confiance"}
    assert client.post("/admin/initiatives/AFR2", data=edit).status_code == 302
    db.session.expire_all()
    assert db.session.get(RegionalInitiative, "AFR2").title_fr == "Un écosystème d'IA inclusif et de confiance"
    assert db.session.get(RegionalInitiative, "AFR2").title_ar == ""
    # The French reader now sees the French title, unmarked; the Arabic reader still sees English, marked.
    fr = client.get("/regions/AFR?lang=fr").get_data(as_text=True)
    assert "Un écosystème d&#39;IA inclusif et de confiance" in fr
    ar = client.get("/regions/AFR?lang=ar").get_data(as_text=True)
    assert '<span class="user-text" lang="en" dir="ltr">An inclusive, trusted AI ecosystem</span>' in ar
    assert {"regional_initiative"} <= set(db.session.scalars(select(AuditEvent.subject_type)))
    assert client.get("/admin/initiatives/NOPE1").status_code == 404
