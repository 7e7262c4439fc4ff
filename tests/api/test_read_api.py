"""The read API: progress (fresh right after an approval), pledges with cursors, organizations,
ETag/304, JSON errors, and no contact data anywhere."""

from __future__ import annotations

from datetime import date, datetime

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.models import Pledge
from p2c.pledges.public_schemas import PublicOrganizationSchema, PublicPledgeSchema
from p2c.reporting.schemas import ProgressSchema

CONTACT_WORDS = ("contact", "email", "phone", "focal")


def test_an_approval_shows_at_once_in_the_api_and_the_page(client, builder):
    builder.pledge(amount=1000)
    pending = builder.pledge(status=ReviewStatus.IN_REVIEW, amount=250, countries=["TUV"])  # not on the 110m map
    db.session.commit()
    first = client.get("/api/v1/progress")
    assert first.get_json()["totals"]["pledges"] == 1
    etag = first.headers["ETag"]
    assert client.get("/api/v1/progress", headers={"If-None-Match": etag}).status_code == 304

    pledge = db.session.get(Pledge, pending.id)
    pledge.status = ReviewStatus.APPROVED  # what the review service does, in one transaction
    pledge.approved_at = datetime(2026, 11, 20)
    db.session.commit()

    after = client.get("/api/v1/progress", headers={"If-None-Match": etag})
    assert after.status_code == 200  # the old ETag no longer matches
    totals = after.get_json()["totals"]
    assert totals["pledges"] == 2 and totals["usd_value"] == "1250.00"
    page = client.get("/progress").get_data(as_text=True)
    assert "/countries/TUV" in page
    assert client.get("/pledges/" + pending.reference).status_code == 200


def test_progress_api_and_page_share_the_figures(client, builder):
    builder.pledge(amount=123456, countries=["KEN", "UGA"])
    db.session.commit()
    api = client.get("/api/v1/progress").get_json()
    assert api["totals"]["usd_value"] == "123456.00"
    assert api["source"] == "rollups"
    assert set(api) == set(ProgressSchema().fields)
    assert client.get("/api/v1/progress").headers["Last-Modified"]


def test_pledges_api_filters_and_cursor_pagination(client, builder):
    org = builder.organization()
    made = [builder.pledge(lead=org, amount=None if i % 3 == 0 else 1000 + i, countries=["KEN"] if i % 2 else ["BRA"],
                           pledged_on=date(2024, 1, 1 + i)) for i in range(13)]
    builder.pledge(lead=org, status=ReviewStatus.SUBMITTED)
    db.session.commit()
    for sort in ("newest", "largest"):
        seen, url = [], f"/api/v1/pledges?limit=5&sort={sort}"
        while url:
            body = client.get(url).get_json()
            seen += [p["reference"] for p in body["results"]]
            url = body["next"]
            assert body["count"] == 13 and body["count_exact"]
        assert sorted(seen) == sorted(p.reference for p in made), sort  # each approved pledge once
        assert len(seen) == len(set(seen))
    largest = client.get("/api/v1/pledges?sort=largest&limit=3").get_json()["results"]
    assert [p["usd_value"] for p in largest] == ["1011.00", "1010.00", "1008.00"]
    kenya = client.get("/api/v1/pledges?country=ken&limit=100").get_json()
    assert {p["countries"][0] for p in kenya["results"]} == {"KEN"} and len(kenya["results"]) == 6


def test_bad_filters_are_json_errors(client):
    response = client.get("/api/v1/pledges?sdg=99&focus_area=nope&cursor=garbage")
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert {"sdg", "focus_area", "cursor"} <= set(fields)
    from p2c.pledges.filters import encode_cursor

    for sort, value, pledge_id in (("newest", "not a date", 5), ("largest", "NaN", 5),
                                   ("newest", "2026-01-01T00:00:00", 10**30)):
        forged = encode_cursor(sort, 0, value, pledge_id)
        assert client.get(f"/api/v1/pledges?sort={sort}&cursor={forged}").status_code == 400
    assert client.get("/api/v1/organizations?after=74864581640826455588864").status_code == 400
    assert client.get("/api/v1/pledges/P2C-2026-99999").status_code == 404
    assert client.get("/api/v1/pledges/P2C-2026-99999").get_json()["error"]["status"] == 404


def test_no_contact_data_in_schemas_or_responses(client, builder):
    for schema in (PublicPledgeSchema, PublicOrganizationSchema, ProgressSchema):
        assert not [f for f in schema().fields if any(w in f for w in CONTACT_WORDS)]
    pledge = builder.pledge(partners=[builder.organization()])
    db.session.commit()
    contact = pledge.focal_point
    for url in ("/api/v1/pledges", f"/api/v1/pledges/{pledge.reference}", "/api/v1/organizations",
                f"/pledges/{pledge.reference}", "/pledges", "/countries/KEN"):
        text = client.get(url).get_data(as_text=True)
        assert contact.email not in text and contact.name not in text, url


def test_pledge_etag_and_last_modified(client, builder):
    pledge = builder.pledge()
    db.session.commit()
    first = client.get(f"/api/v1/pledges/{pledge.reference}")
    assert first.headers["Last-Modified"] and first.headers["ETag"]
    again = client.get(f"/api/v1/pledges/{pledge.reference}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_organizations_count_joint_pledges_under_the_lead(client, builder):
    lead, partner = builder.organization(name="Lead Org"), builder.organization(name="Partner Org")
    builder.pledge(lead=lead, partners=[partner], amount=10)
    builder.pledge(lead=lead, amount=5)
    db.session.commit()
    results = client.get("/api/v1/organizations").get_json()["results"]
    assert [(o["name"], o["pledges"], o["usd_value"]) for o in results] == [("Lead Org", 2, "15.00")]
