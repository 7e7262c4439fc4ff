"""The progress figures follow organization merges and edits at once (the maintained rollups)."""

from __future__ import annotations

from p2c.extensions import db
from p2c.members.models import Organization


def _progress(app) -> dict:
    response = app.test_client().get("/api/v1/progress")
    assert response.status_code == 200
    return response.get_json()


def _stakeholders(figures: dict) -> dict[str, int]:
    rows = next(b for b in figures["breakdowns"] if b["dimension"] == "stakeholder")["rows"]
    return {r["key"]: r["pledges"] for r in rows if r["pledges"]}


def test_merging_organizations_updates_the_organization_count_and_breakdown(app, client, login, builder):
    login("reviewer")
    keep = builder.organization(name="Global Connect Foundation", stakeholder_group_code="civil_society")
    dupe = builder.organization(name="Global Connect Foundation.", stakeholder_group_code="private_sector",
                                country_iso3=None)  # the same name and country would be one identity
    builder.pledge(lead=keep)
    builder.pledge(lead=dupe)
    db.session.commit()
    version = keep.version
    before = _progress(app)
    assert before["totals"]["organizations"] == 2
    assert _stakeholders(before) == {"civil_society": 1, "private_sector": 1}

    response = client.post(f"/review/organizations/{dupe.id}/merge", data={"keep_id": keep.id, "confirm": "y"})
    assert response.status_code == 302
    after = _progress(app)
    assert after["totals"]["organizations"] == 1
    assert _stakeholders(after) == {"civil_society": 2}
    db.session.expire_all()
    assert db.session.get(Organization, keep.id).version > version


def test_editing_an_organizations_stakeholder_group_moves_its_pledges(app, client, login, builder):
    login("reviewer")
    org = builder.organization(name="Acme Telecom", stakeholder_group_code="private_sector", country_iso3="KEN")
    builder.pledge(lead=org)
    db.session.commit()
    assert _stakeholders(_progress(app)) == {"private_sector": 1}
    form = {"name": org.name, "acronym": "", "stakeholder_group_code": "government", "country_iso3": "FRA",
            "website": "", "version": org.version}
    assert client.post(f"/review/organizations/{org.id}/edit", data=form).status_code == 302
    after = _progress(app)
    assert _stakeholders(after) == {"government": 1}
    regions = next(b for b in after["breakdowns"] if b["dimension"] == "lead_region")["rows"]
    assert {r["key"] for r in regions if r["pledges"]} == {"EUR"}
