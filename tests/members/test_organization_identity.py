"""One organization identity rule for every reader: the join form, the pledge form (lead and partners),
the write API (partners) and the import (lead and partners) give the same organization for the same
inputs; the database keeps the identity unique, also under concurrent submissions (issues 12, 18.5)."""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from p2c.api import services as api_services
from p2c.core.unit import commit, rollback
from p2c.extensions import db
from p2c.members import queries, services
from p2c.members.identity import name_key
from p2c.members.models import CallForInterest, ExpressionOfInterest, Organization
from p2c.opendata.imports import import_file
from p2c.pledges.models import Pledge
from tests.pledges.formdata import valid_eoi, valid_pledge

# (typed name, typed country) -> the existing "Orange Sénégal" (SEN), or None: a new organization.
VARIANTS = [
    ("Orange Sénégal", "SEN", True),
    ("ORANGE SÉNÉGAL", "SEN", True),
    ("orange senegal", "SEN", True),
    ("  Orange-Sénégal. ", "SEN", True),
    ("Orange\u00a0 Senegal", "SEN", True),
    ("Orange Sénégal", "", True),  # no country typed: the one record of that name
    ("Orange Sénégal", "FRA", False),  # the same name in another country is another organization
    ("Orange Sénégal Foundation", "SEN", False),
]


def _existing():
    org = Organization(name="Orange Sénégal", acronym="OS", stakeholder_group_code="private_sector",
                       country_iso3="SEN", website="https://orange.example.sn", is_member=True)
    db.session.add(org)
    db.session.commit()
    return org.id


def _count() -> int:
    return db.session.scalar(select(func.count(Organization.id)))


def _via_join(client, name, country):
    db.session.add(CallForInterest(title="Call", opens_on=date.today() - timedelta(days=1),
                                   closes_on=date.today() + timedelta(days=30)))
    db.session.commit()
    response = client.post("/join", data=valid_eoi(org_name=name, org_country=country))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return db.session.scalars(select(ExpressionOfInterest)).one().organization_id


def _via_pledge_form(client, name, country):
    response = client.post("/pledges/new", data=valid_pledge(lead_name=name, lead_country=country, partners=""))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return db.session.scalars(select(Pledge)).one().lead_organization_id


def _via_pledge_form_partner(client, name, country):
    response = client.post("/pledges/new", data=valid_pledge(partners=name))
    assert response.status_code == 302
    (partner,) = db.session.scalars(select(Pledge)).one().partners
    return partner.id


def _via_api_partner(client, name, country):
    from tests.api.test_write_api import PLEDGE

    lead = Organization(name="API Lead", stakeholder_group_code="private_sector", country_iso3="KEN")
    db.session.add(lead)
    db.session.flush()
    _, secret = api_services.issue_token(lead, "t")
    db.session.commit()
    response = client.post("/api/v1/pledges", json=dict(PLEDGE, partners=[name]),
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.get_json()
    (partner,) = db.session.scalars(select(Pledge)).one().partners
    return partner.id


def _import_row(client, builder, tmp_path, **changes):
    builder.pledge(amount=1000, currency="USD", lead=builder.organization(name="Exporter", country_iso3="KEN"))
    db.session.commit()
    (row,) = client.get("/data/pledges.json").get_json()
    row = dict(row, reference="", title="Imported pledge", **changes)
    path = tmp_path / "rows.json"
    path.write_text(json.dumps([row]), "utf-8")
    result = import_file(path)
    assert result.ok, [str(e) for e in result.errors]
    db.session.commit()
    return db.session.scalars(select(Pledge).where(Pledge.title == "Imported pledge")).one()


@pytest.mark.parametrize(("name", "country", "same"), VARIANTS)
@pytest.mark.parametrize("reader", ["join", "pledge_form", "pledge_form_partner", "api_partner",
                                    "import_lead", "import_partner"])
def test_every_reader_finds_the_same_organization(client, builder, tmp_path, reader, name, country, same):
    existing = _existing()
    if reader in ("pledge_form_partner", "api_partner", "import_partner") and country not in ("", "SEN"):
        pytest.skip("partners are named without a country")
    if reader == "join":
        found = _via_join(client, name, country)
    elif reader == "pledge_form":
        found = _via_pledge_form(client, name, country)
    elif reader == "pledge_form_partner":
        found = _via_pledge_form_partner(client, name, country)
    elif reader == "api_partner":
        found = _via_api_partner(client, name, country)
    elif reader == "import_lead":
        region = {"SEN": "AFR", "FRA": "EUR"}.get(country)
        found = _import_row(client, builder, tmp_path, lead_organization=name, lead_organization_country=country
                            or None, lead_organization_region=region).lead_organization_id
    else:
        (partner,) = _import_row(client, builder, tmp_path, partners=[name]).partners
        found = partner.id
    assert (found == existing) is same
    assert db.session.scalar(select(func.count()).where(Organization.name_key == name_key("Orange Sénégal"),
                                                        Organization.country_iso3 == "SEN")) == 1


def test_one_import_row_naming_a_partner_twice_makes_one_organization(client, builder, tmp_path):
    pledge = _import_row(client, builder, tmp_path, partners=["Orange Sénégal", "ORANGE SÉNÉGAL"])
    assert len(pledge.partners) == 1 and name_key(pledge.partners[0].name) == "orangesenegal"
    assert db.session.scalar(select(func.count()).where(Organization.name_key == "orangesenegal")) == 1


def test_pledge_form_partners_in_two_spellings_and_the_lead_itself_are_one_partner_or_none(client):
    client.post("/pledges/new", data=valid_pledge(partners="Orange Sénégal\nORANGE SENEGAL\nACME TELECOM"))
    pledge = db.session.scalars(select(Pledge)).one()
    assert [p.name for p in pledge.partners] == ["Orange Sénégal"]


def test_keys_ignore_case_accents_spacing_and_punctuation_but_keep_scripts():
    assert name_key("Orange Sénégal") == name_key("ORANGE-SENEGAL.") == name_key(" orange  sénégal ") == "orangesenegal"
    assert name_key("Straße GmbH") == name_key("STRASSE GMBH")
    assert name_key("中国移动") == "中国移动" and name_key("وزارة الاتصالات") != ""
    assert name_key("Orange Sénégal\u202e") == "orangesenegal"


def test_the_database_refuses_a_second_record_of_one_identity(builder):
    from sqlalchemy.exc import IntegrityError

    builder.organization(name="Twice Ltd", country_iso3="KEN")
    builder.organization(name="Twice Ltd", country_iso3=None)
    db.session.commit()
    for country in ("KEN", None):
        with pytest.raises(IntegrityError):
            builder.organization(name="TWICE, LTD.", country_iso3=country)
        db.session.rollback()


def test_a_merged_name_leads_to_the_organization_kept(builder):
    from p2c.review.organizations import merge_organizations

    keep = builder.organization(name="Global Connect", country_iso3="KEN")
    gone = builder.organization(name="Global Connect Kenya", country_iso3="KEN")
    db.session.commit()
    merge_organizations(keep.id, gone.id)
    db.session.commit()
    org, created = services.get_or_create_organization({"name": "global connect KENYA", "country": "KEN"})
    assert (org.id, created) == (keep.id, False)


def test_two_simultaneous_submissions_create_one_organization(app, monkeypatch):
    """Both requests look the name up, find nothing (the barrier holds them there), then both insert."""
    barrier = threading.Barrier(2)
    original = queries.match_organization
    calls = threading.local()

    def look_then_wait(*args, **kwargs):
        found = original(*args, **kwargs)
        if not getattr(calls, "waited", False):
            calls.waited = True
            try:
                barrier.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass
        return found

    monkeypatch.setattr(queries, "match_organization", look_then_wait)
    ids: list[int] = []
    errors: list[BaseException] = []

    def submit(spelling: str) -> None:
        with app.app_context():
            try:
                org, _ = services.get_or_create_organization({"name": spelling, "country": "SEN",
                                                              "stakeholder_group": "private_sector"})
                ids.append(org.id)
                commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(s,)) for s in ("Orange Sénégal", "ORANGE SENEGAL")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(ids) == 2 and ids[0] == ids[1]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Organization.id))) == 1
