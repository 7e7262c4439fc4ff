"""Tampered forms and URLs get a clear 400 or a 404, never a 500."""

from __future__ import annotations

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.members.models import Organization
from p2c.pledges.models import Pledge

HUGE = "99999999999999999999"  # beyond a 64-bit integer


def test_a_decision_with_a_non_numeric_version_is_refused_clearly(client, login, builder):
    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    for version in ("abc", "1e3", HUGE, "-1"):
        response = client.post(f"/review/pledge/{pledge.id}/decide", data={"action": "approve", "version": version})
        assert response.status_code == 400, version
        assert "This form is out of date. Please reload the page and try again." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pledge, pledge.id).status == ReviewStatus.SUBMITTED


def test_an_organization_edit_with_a_non_numeric_version_is_refused_clearly(client, login, builder):
    login("reviewer")
    org = builder.organization(name="Acme Telecom")
    db.session.commit()
    form = {"name": "Acme Telecom Ltd", "stakeholder_group_code": "private_sector", "country_iso3": "",
            "version": "x1"}
    response = client.post(f"/review/organizations/{org.id}/edit", data=form)
    assert response.status_code == 400
    assert "This form is out of date. Please reload the page and try again." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Acme Telecom"


@pytest.mark.parametrize("keep_id", ["abc", HUGE, "-5", "0", "123456789"])
def test_a_merge_into_an_unknown_or_malformed_number_is_refused_clearly(client, login, builder, keep_id):
    login("reviewer")
    org = builder.organization(name="Acme Telecom")
    db.session.commit()
    response = client.post(f"/review/organizations/{org.id}/merge", data={"keep_id": keep_id, "confirm": "y"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ("Choose the organization to keep by its number." in page
            or "This organization does not exist." in page), page
    assert client.get(f"/review/organizations/{org.id}/merge?keep={keep_id}").status_code == 200


@pytest.mark.parametrize("path", [
    f"/review/pledge/{HUGE}", f"/review/eoi/{HUGE}", f"/review/organizations/{HUGE}/edit",
    f"/review/organizations/{HUGE}/merge", "/review/pledge/9223372036854775808",
])
def test_ids_beyond_64_bits_are_not_found(client, login, path):
    login("reviewer")
    assert client.get(path).status_code == 404


def test_posts_to_ids_beyond_64_bits_are_not_found(client, login):
    login("reviewer")
    assert client.post(f"/review/pledge/{HUGE}/decide", data={"action": "approve", "version": "1"}).status_code == 404
    assert client.post(f"/review/pledge/{HUGE}/comment",
                       data={"visibility": "internal", "body": "Note"}).status_code == 404
    assert client.post(f"/review/pledge/{HUGE}/assign", data={"version": "1"}).status_code == 404
