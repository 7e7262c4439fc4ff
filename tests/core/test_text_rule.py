"""One text rule (p2c.core.text) for every form, the write API and the import, and exports that never
break on stored text (issue 18, items 2 and 10): control characters and bidi overrides in every text
field end up nowhere, and every export (CSV, JSON, XLSX, IATI parsed with lxml) parses cleanly."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import String, Text, select, update

from p2c.api import services as api_services
from p2c.core.enums import ReviewStatus
from p2c.core.forms import CleanForm
from p2c.core.text import UNSAFE, clean_text, find_unsafe, safe_text
from p2c.extensions import db
from p2c.members.models import CallForInterest, ExpressionOfInterest, Organization
from p2c.opendata.imports import import_file
from p2c.pledges.models import Pledge
from tests.pledges.formdata import valid_eoi, valid_pledge

# A vertical tab (from Word), a right-to-left override, a C1 control, an escape and an isolate.
NASTY = "\x0b\u202e\x85\x1b\u2066"


def dirty(value: str) -> str:
    return value[:1] + NASTY + value[1:]


def test_the_rule_removes_what_xml_and_readers_cannot_take_and_keeps_what_text_needs():
    assert clean_text(f" a{NASTY}b\x00c\ud800\ufffe ") == "abc"
    assert clean_text("line one\r\nline\ttwo\rthree") == "line one\nline\ttwo\nthree"
    assert clean_text("name\n\twith\nbreaks", multiline=False) == "name with breaks"
    assert clean_text("مرحبا\u200f abc\u200e") == "مرحبا\u200f abc\u200e"  # direction marks stay
    assert clean_text("e\u0301") == "é"  # NFC
    assert safe_text("  kept\x0b  ") == "  kept  "
    assert find_unsafe("ok\u202eno") == (2, "\u202e") and find_unsafe("ok\tfine\n") is None


def test_every_form_of_the_application_cleans_with_the_rule(app):
    """Every form class derives from CleanForm, except the login forms (branch sec owns them; they
    store no text but a password hash, and passwords are compared exactly as typed)."""
    import flask_wtf

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = [f for f in subclasses(flask_wtf.FlaskForm) if f.__module__.startswith("p2c.")]
    assert len(forms) > 15
    outside = sorted(f"{f.__module__}.{f.__name__}" for f in forms
                     if not issubclass(f, CleanForm) and not f.__module__.startswith("p2c.accounts"))
    assert outside == []


def _stored_text_with_unsafe_characters() -> list[str]:
    """table.column of every text value in the database that holds an unsafe character."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns or table.name in ("alembic_version",):
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if isinstance(value, str) and UNSAFE.search(value):
                    found.append(f"{table.name}.{column.name}: {value!r}")
    return found


def _exports_parse(client) -> None:
    """Every export answers 200, parses, and holds no unsafe character."""
    body = client.get("/data/pledges.csv")
    assert body.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body.get_data(as_text=True))))
    assert rows and not any(UNSAFE.search(v or "") for r in rows for v in r.values())
    data = client.get("/data/pledges.json")
    assert data.status_code == 200 and not UNSAFE.search(json.dumps(data.get_json(), ensure_ascii=False))
    xlsx = client.get("/data/pledges.xlsx")
    assert xlsx.status_code == 200
    cells = [c for row in load_workbook(io.BytesIO(xlsx.get_data())).active.iter_rows(values_only=True) for c in row]
    assert not any(isinstance(c, str) and UNSAFE.search(c) for c in cells)
    iati = client.get("/data/iati-activities.xml")
    assert iati.status_code == 200
    root = etree.fromstring(iati.get_data())  # raises on a truncated or invalid document
    assert root.findall("iati-activity")
    assert not UNSAFE.search(iati.get_data(as_text=True))


JOIN_TEXT = ["org_name", "org_acronym", "org_website", "focal_name", "focal_title", "focal_email", "contribution"]
PLEDGE_TEXT = ["lead_name", "lead_acronym", "lead_website", "partners", "title", "description", "amount",
               "targets-0-value", "focal_name", "focal_title", "focal_email", "focal_phone"]
API_TEXT = ["title", "description", "focal_name", "focal_email"]


def test_unsafe_characters_in_every_text_field_of_every_channel_end_up_nowhere(client, builder, login, tmp_path):
    db.session.add(CallForInterest(title="Call", opens_on=date.today() - timedelta(days=1), rolling=True))
    db.session.commit()
    join = valid_eoi(**{name: dirty(valid_eoi()[name]) for name in JOIN_TEXT}, focal_phone=dirty("+221 33 000 00"))
    assert client.post("/join", data=join).status_code == 302
    pledge_form = valid_pledge(**{name: dirty(valid_pledge()[name]) for name in PLEDGE_TEXT})
    response = client.post("/pledges/new", data=pledge_form)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]

    from tests.api.test_write_api import PLEDGE
    lead = builder.organization(name="API Lead Org", country_iso3="KEN")
    _, secret = api_services.issue_token(lead, "probe")
    db.session.commit()
    payload = dict(PLEDGE, **{name: dirty(PLEDGE[name]) for name in API_TEXT}, partners=[dirty("Api Partner")],
                   targets=[dict(PLEDGE["targets"][0], indicator=dirty("schools_connected"))])
    response = client.post("/api/v1/pledges", json=payload, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.get_json()

    own = builder.pledge(lead=lead)  # approved: it takes progress reports through the API
    db.session.commit()
    report = {"period": 2025, "implementation_status": "on_track",
              "entries": [{"amount": "1000.00", "currency": "USD", "recipient": "KEN", "instrument": "grant"}],
              "narrative": dirty("We connected the first 40 schools and trained teachers in each of them."),
              "disbursement_explanation": dirty("Paid in two instalments."),
              "evidence_links": [dirty("https://example.org/report")],
              "values": [{"indicator": dirty("people_connected"), "achieved_value": "400"}]}
    response = client.post(f"/api/v1/pledges/{own.reference}/progress-reports", json=report,
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.get_json()

    # The staff organization form used to store names as typed.
    login("reviewer")
    org = db.session.scalars(select(Organization).where(Organization.name == "Acme Telecom")).one()
    response = client.post(f"/review/organizations/{org.id}/edit", data={
        "name": dirty("Acme Telecom Group"), "acronym": dirty("ACME"), "stakeholder_group_code": "private_sector",
        "country_iso3": "KEN", "website": dirty("acme.example.org"), "version": str(org.version)})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    eoi = db.session.scalars(select(ExpressionOfInterest)).one()
    response = client.post(f"/review/eoi/{eoi.id}/comment", data={"visibility": "internal", "body": dirty("Note")})
    assert response.status_code == 302

    assert _stored_text_with_unsafe_characters() == []
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Acme Telecom Group"
    for pledge in db.session.scalars(select(Pledge)):
        pledge.status = ReviewStatus.APPROVED
    db.session.commit()
    _exports_parse(client)


def test_exports_of_text_stored_before_the_rule_still_parse(client, builder):
    """Data already in the database (stored as typed by the old staff form) never breaks a download."""
    lead = builder.organization(name="Clean Name")
    pledge = builder.pledge(lead=lead, partners=[builder.organization(name="Partner")])
    db.session.commit()
    db.session.execute(update(Organization).where(Organization.id == lead.id).values(name="Vertical\x0bTab\u202eOrg"))
    db.session.execute(update(Pledge).where(Pledge.id == pledge.id).values(title="Title\x0c\u2067with controls"))
    db.session.commit()
    _exports_parse(client)
    assert b"VerticalTabOrg" in client.get("/data/iati-activities.xml").get_data()


@pytest.mark.parametrize("character", ["\x0b", "\u202e", "\x85", "\u2069", "\ufffe"])
def test_the_import_refuses_each_unsafe_character_with_its_position(client, builder, tmp_path, character):
    builder.pledge(amount=1000, currency="USD")
    db.session.commit()
    (row,) = client.get("/data/pledges.json").get_json()
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([dict(row, reference="", title=f"Abc{character}def")]), "utf-8")
    result = import_file(path)
    assert [(e.field, f"U+{ord(character):04X}" in e.message) for e in result.errors] == [("title", True)]
    assert "position 4" in result.errors[0].message
