"""A policy pledge can declare milestones with a date instead of a number; a progress report says
whether each is done; SDG targets and Global Digital Compact objectives are reference data a pledge
aligns with."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.implementation.models import ProgressMilestone, ProgressReport
from p2c.pledges.models import Pledge
from p2c.pledges.schemas import PledgeInputSchema
from p2c.reference.models import GdcObjective, SdgTarget
from tests.pledges.formdata import valid_pledge

NO_NUMBER = {"targets-0-indicator": "", "targets-0-value": "", "targets-0-year": "", "amount": "",
             "pledge_type": "policy"}
MILESTONE = {"milestones-0-kind": "law", "milestones-0-description": "Universal service law adopted by parliament",
             "milestones-0-due_on": "2027-06-30", "milestones-1-kind": "law", "milestones-1-description": "",
             "milestones-1-due_on": ""}


def test_reference_data_is_loaded():
    assert db.session.get(SdgTarget, "9.c").sdg_number == 9
    assert {t.code for t in db.session.scalars(select(SdgTarget))} >= {"9.c", "4.4", "5.b", "17.6"}
    assert db.session.scalar(select(GdcObjective.name).where(GdcObjective.code == "gdc1")).startswith(
        "Close all digital divides")


def test_a_pledge_needs_a_number_or_a_milestone(client):
    neither = client.post("/pledges/new", data=valid_pledge(**NO_NUMBER))
    assert neither.status_code == 422
    assert "Add at least one quantified target, or a milestone with its date." in neither.get_data(as_text=True)
    undated = client.post("/pledges/new", data=valid_pledge(**NO_NUMBER, **{**MILESTONE, "milestones-0-due_on": ""}))
    assert undated.status_code == 422
    assert "Enter the date of the milestone." in undated.get_data(as_text=True)
    assert db.session.scalar(select(Pledge.id)) is None  # nothing saved


def test_a_qualitative_pledge_needs_no_number_and_reports_a_milestone(client, builder):
    response = client.post("/pledges/new", data=valid_pledge(
        **NO_NUMBER, **MILESTONE, sdg_targets=["9.c", "5.b"], gdc_objectives=["gdc1"]))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    pledge = db.session.scalars(select(Pledge)).one()
    assert pledge.targets == [] and pledge.amount is None
    assert [(m.kind, m.description, m.due_on) for m in pledge.milestones] == [
        ("law", "Universal service law adopted by parliament", date(2027, 6, 30))]
    assert [t.code for t in pledge.sdg_targets] == ["5.b", "9.c"]
    assert [o.code for o in pledge.gdc_objectives] == ["gdc1"]
    pledge.status = ReviewStatus.APPROVED
    pledge.approved_at = pledge.submitted_at
    db.session.commit()

    link = f"/my/{make_token('pledge', pledge.id, pledge.focal_point.email)}/report"
    form = client.get(link).get_data(as_text=True)
    milestone = pledge.milestones[0]
    assert f'name="milestone_{milestone.id}"' in form
    filed = client.post(link, data={"period": "2026", "implementation_status": "on_track",
                                    "narrative": "The draft law passed its second reading in parliament.",
                                    "evidence_links": "", f"milestone_{milestone.id}": "done"})
    assert filed.status_code == 302
    report = db.session.scalars(select(ProgressReport)).one()
    assert [(m.milestone_id, m.done) for m in report.milestones] == [(milestone.id, True)]
    page = client.get(f"/pledges/{pledge.reference}").get_data(as_text=True)
    assert "Not reported yet" in page  # the report is not approved yet
    report.status = ReviewStatus.APPROVED
    report.approved_at = report.submitted_at
    db.session.commit()
    page = client.get(f"/pledges/{pledge.reference}").get_data(as_text=True)
    assert "Universal service law adopted by parliament" in page and "Done" in page
    assert "Not reported yet" not in page
    api = client.get(f"/api/v1/pledges/{pledge.reference}").get_json()
    assert api["milestones"] == [{"kind": "law", "description": "Universal service law adopted by parliament",
                                  "due_on": "2027-06-30"}]
    assert api["sdg_targets"] == ["5.b", "9.c"] and api["gdc_objectives"] == ["gdc1"]
    assert db.session.scalar(select(ProgressMilestone.done)) is True


def test_the_api_takes_milestones_instead_of_targets(app):
    payload = {
        "lead_name": "Ministry of ICT of Kenya", "lead_stakeholder_group": "government", "lead_country": "KEN",
        "title": "National broadband strategy", "language": "en", "focus_area": "investment",
        "description": "The ministry commits to publish a national broadband strategy for Kenya by 2027.",
        "pillars": ["investment.policy"], "pledge_type": "policy", "countries": ["KEN"],
        "start_date": "2026-01-01", "end_date": "2027-12-31", "focal_name": "A. Person",
        "focal_email": "a@example.org", "consent": True,
        "milestones": [{"kind": "strategy", "description": "Strategy published", "due_on": "2027-03-31"}],
    }
    with app.test_request_context():
        data = PledgeInputSchema().load(payload)
    assert data["targets"] == [] and data["milestones"][0]["due_on"] == date(2027, 3, 31)


def test_the_directory_the_api_and_the_export_filter_by_sdg_target_and_gdc_objective(client, builder):
    from p2c.reference.models import GdcObjective as Gdc

    aligned = builder.pledge(title="Aligned with 9.c and GDC 1")
    aligned.sdg_targets = [db.session.get(SdgTarget, "9.c")]
    aligned.gdc_objectives = [db.session.get(Gdc, "gdc1")]
    other = builder.pledge(title="Aligned with nothing")
    db.session.commit()
    for query in ("sdg_target=9.c", "gdc=gdc1"):
        html = client.get(f"/pledges?{query}").get_data(as_text=True)
        assert aligned.reference in html and other.reference not in html
        api = client.get(f"/api/v1/pledges?{query}").get_json()
        assert [p["reference"] for p in api["results"]] == [aligned.reference]
        csv_text = client.get(f"/data/pledges.csv?{query}").get_data(as_text=True)
        assert aligned.reference in csv_text and other.reference not in csv_text
    assert client.get("/api/v1/pledges?sdg_target=99.z").status_code == 400
