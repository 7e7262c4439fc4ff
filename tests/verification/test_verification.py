"""Independent verification: assignment by the team, the verifier's decision, the figure levels it moves
(pledge page, /progress split, API, exports, published figures), and what the verifier cannot open."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from p2c.core.enums import FigureLevel, ReviewStatus, VerificationOutcome
from p2c.core.models import AuditEvent
from p2c.core.tokens import make_token
from p2c.core.unit import commit
from p2c.extensions import db
from p2c.reporting.direct import raw_aggregates
from p2c.reporting.queries import progress_figures
from p2c.verification import services
from p2c.verification.constants import CHECKLIST_CODES
from p2c.verification.models import Verification
from tests.review.test_access_matrix import _login

ALL_YES = {f"item_{code}": "yes" for code in CHECKLIST_CODES}


@pytest.fixture
def reports(builder):
    """Three approved pledges connecting people, one report each at a different level:
    self-reported 250 (imported, USD 10,000 disbursed), reviewed 1,000 (USD 20,000), to verify 400 (USD 5,000)."""
    imported = builder.pledge(targets=[("people_connected", 5000, 2030)])
    reviewed = builder.pledge(targets=[("people_connected", 5000, 2030)])
    checked = builder.pledge(targets=[("people_connected", 5000, 2030)])
    r1 = builder.progress_report(imported, achieved={"people_connected": 250}, usd_disbursed=10_000,
                                 figure_level=FigureLevel.SELF_REPORTED)
    r2 = builder.progress_report(reviewed, achieved={"people_connected": 1000}, usd_disbursed=20_000)
    r3 = builder.progress_report(checked, achieved={"people_connected": 400}, usd_disbursed=5_000,
                                 evidence_links=["https://stats.example.gov/connectivity-2025.pdf"])
    commit()
    return r1, r2, r3


def _split(figures, code="people_connected"):
    indicator = next(i for i in figures["indicators"] if i["code"] == code)
    return indicator["achieved"], {p["level"]: (p["pledges"], p["achieved"]) for p in indicator["achieved_by_level"]}


def _decide_form(version, outcome="verified", notes="", **answers):
    return {**ALL_YES, **answers, "outcome": outcome, "notes": notes, "version": str(version)}


def test_the_team_assigns_the_verifier_verifies_and_the_figures_split_by_level(app, builder, reports, mail_to):
    _self, _reviewed, report = reports
    before = progress_figures()
    assert _split(before) == ("1650.00", {"self_reported": (1, "250.00"), "reviewed": (2, "1400.00"),
                                          "verified": (0, "0.00")})
    reviewer, verifier = builder.user("reviewer"), builder.user("verifier")
    db.session.commit()
    team, outside = app.test_client(), app.test_client()
    _login(team, reviewer)
    _login(outside, verifier)
    answer = team.post(f"/review/progress_report/{report.id}/verifier", data={"verifier": verifier.id})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/review/progress_report/{report.id}#verification")
    verification = db.session.scalar(select(Verification).where(Verification.report_id == report.id))
    assert verification.verifier_id == verifier.id and verification.outcome is None
    assigned = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "verification.assign"))
    assert assigned.subject_id == report.id and assigned.actor_user_id == reviewer.id
    assert assigned.after["verifier"] == verifier.email

    mine = outside.get("/verify/").get_data(as_text=True)
    assert report.reference in mine
    page = outside.get(f"/verify/{verification.id}").get_data(as_text=True)
    assert "https://stats.example.gov/connectivity-2025.pdf" in page
    assert report.pledge.focal_point.email not in page  # no contact data for a verifier

    done = outside.post(f"/verify/{verification.id}", data=_decide_form(verification.version,
                                                                         notes="Checked against the census."))
    assert done.status_code == 302 and done.headers["Location"].endswith("/verify/")
    db.session.expire_all()
    assert verification.outcome == VerificationOutcome.VERIFIED
    assert report.figure_level == FigureLevel.VERIFIED and report.verified_at is not None
    decided = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "verification.decide"))
    assert decided.actor_user_id == verifier.id and decided.after["outcome"] == "verified"
    assert decided.before == {"level": "reviewed"} and decided.after["level"] == "verified"

    after = progress_figures()
    assert _split(after) == ("1650.00", {"self_reported": (1, "250.00"), "reviewed": (1, "1000.00"),
                                         "verified": (1, "400.00")})
    disbursed = {p["level"]: p["achieved"] for p in after["totals"]["usd_disbursed_by_level"]}
    assert after["totals"]["usd_disbursed"] == "35000.00"
    assert disbursed == {"self_reported": "10000.00", "reviewed": "20000.00", "verified": "5000.00"}
    # The rollups agree with the figures computed straight from the tables (published reports).
    raw, _orgs = raw_aggregates()
    assert raw[("achieved_level", "people_connected|verified")] == [1, 0, 40000]
    assert raw[("disbursed_level", "self_reported")] == [1, 0, 1_000_000]
    frozen = progress_figures(as_of=datetime(2100, 1, 1))
    assert _split(frozen) == _split(after)
    # Frozen as of a day before the verification: the report was then "reviewed".
    earlier = progress_figures(as_of=datetime(2026, 1, 20))
    assert _split(earlier)[1]["verified"] == (0, "0.00") and _split(earlier)[1]["reviewed"] == (2, "1400.00")

    # The public progress page shows the split, with the exact figures.
    html = app.test_client().get("/progress").get_data(as_text=True)
    row = html[html.index('data-indicator="people_connected"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num" data-level="self_reported">250</td>' in row
    assert '<td class="num" data-level="reviewed">1,000</td>' in row
    assert '<td class="num" data-level="verified">400</td>' in row

    # The verifier was told of the assignment; the pledger of the outcome, with a private link.
    messages = mail_to.wait_for(2)
    to_verifier = next(m for m in messages if m["To"] == verifier.email)
    assert f"/verify/{verification.id}" in mail_to.text_of(to_verifier)
    to_pledger = next(m for m in messages if m["To"] == report.pledge.focal_point.email)
    assert "Verified" in to_pledger["Subject"] and "/my/" in mail_to.text_of(to_pledger)
    assert "Checked against the census." in mail_to.text_of(to_pledger)

    # The pledger's private page shows the outcome.
    token = make_token("pledge", report.pledge_id, report.pledge.focal_point.email)
    private = app.test_client().get(f"/my/{token}/reports").get_data(as_text=True)
    assert "Independent verification: Verified" in private and "Checked against the census." in private
    dashboard = app.test_client().get(f"/my/{token}").get_data(as_text=True)
    assert f"Your report {report.reference} (2025): Verified" in dashboard
    assert "Checked against the census." in dashboard


def test_pledge_page_api_and_export_carry_the_level(app, builder, reports):
    imported, reviewed, checked = reports
    verifier = builder.user("verifier")
    verification = services.assign(checked.id, verifier.id, builder.user("admin"))
    services.decide(verification, verifier, VerificationOutcome.VERIFIED,
                    {code: "yes" for code in CHECKLIST_CODES}, "", verification.version)
    commit()
    client = app.test_client()
    page = client.get(f"/pledges/{checked.pledge.reference}").get_data(as_text=True)
    assert 'data-level="verified">Figures: Independently verified' in page
    page = client.get(f"/pledges/{imported.pledge.reference}").get_data(as_text=True)
    assert 'data-level="self_reported">Figures: Self-reported' in page
    api = client.get(f"/api/v1/pledges/{checked.pledge.reference}").get_json()
    assert [r["figure_level"] for r in api["progress_reports"]] == ["verified"]
    assert api["progress_reports"][0]["verified_at"]
    assert client.get(f"/api/v1/pledges/{reviewed.pledge.reference}").get_json()[
        "progress_reports"][0]["figure_level"] == "reviewed"
    progress = client.get("/api/v1/progress").get_json()
    connected = next(i for i in progress["indicators"] if i["code"] == "people_connected")
    assert connected["achieved_by_level"] == [
        {"level": "self_reported", "pledges": 1, "achieved": 250},  # people: JSON integers
        {"level": "reviewed", "pledges": 1, "achieved": 1000},
        {"level": "verified", "pledges": 1, "achieved": 400}]
    spec = client.get("/api/v1/openapi.json").get_json()
    level = spec["components"]["schemas"]["Level"]["properties"]["level"]
    assert level["enum"] == ["self_reported", "reviewed", "verified"]
    exported = {row["reference"]: row["achieved_level"] for row in client.get("/data/pledges.json").get_json()}
    assert exported == {imported.pledge.reference: "self_reported", reviewed.pledge.reference: "reviewed",
                        checked.pledge.reference: "verified"}
    iati = client.get("/data/iati-activities.xml").get_data(as_text=True)
    assert iati.count("Independently verified: an independent verifier confirmed") == 1
    assert iati.count("progress report reviewed and approved by the coalition team") == 1


def test_a_decision_the_checklist_does_not_support_is_refused_and_nothing_is_saved(app, builder, reports):
    report = reports[2]
    verifier, other = builder.user("verifier"), builder.user("verifier")
    verification = services.assign(report.id, verifier.id, builder.user("admin"))
    commit()
    client = app.test_client()
    _login(client, verifier)
    refused = client.post(f"/verify/{verification.id}", data=_decide_form(
        verification.version, item_source_independent="no"))
    assert refused.status_code == 422
    assert "cannot be fully verified" in refused.get_data(as_text=True)
    refused = client.post(f"/verify/{verification.id}", data=_decide_form(verification.version,
                                                                          outcome="partly_verified"))
    assert refused.status_code == 422
    assert "Say what could not be verified" in refused.get_data(as_text=True)
    incomplete = {k: v for k, v in _decide_form(verification.version).items() if k != "item_figures_match"}
    assert client.post(f"/verify/{verification.id}", data=incomplete).status_code == 400
    db.session.expire_all()
    assert verification.outcome is None and report.figure_level == FigureLevel.REVIEWED
    # Partly verified with notes: recorded, and the figures stay "reviewed".
    ok = client.post(f"/verify/{verification.id}", data=_decide_form(
        verification.version, outcome="partly_verified", item_source_independent="no",
        notes="Only the operator's own dashboard."))
    assert ok.status_code == 302
    db.session.expire_all()
    assert verification.outcome == VerificationOutcome.PARTLY_VERIFIED
    assert report.figure_level == FigureLevel.REVIEWED
    # Final: a second decision is refused; another verifier cannot even open it.
    again = client.post(f"/verify/{verification.id}", data=_decide_form(verification.version + 1))
    assert again.status_code in (400, 422)
    stranger = app.test_client()
    _login(stranger, other)
    assert stranger.get(f"/verify/{verification.id}").status_code == 403
    assert stranger.post(f"/verify/{verification.id}", data=_decide_form(verification.version)).status_code == 403
    assert report.reference not in stranger.get("/verify/").get_data(as_text=True)


def test_only_approved_reports_and_active_verifiers_can_be_assigned(app, builder):
    pledge = builder.pledge()
    pending = builder.progress_report(pledge, status=ReviewStatus.SUBMITTED)
    approved = builder.progress_report(pledge, period=2024)
    reviewer, verifier = builder.user("reviewer"), builder.user("verifier")
    db.session.commit()
    client = app.test_client()
    _login(client, reviewer)
    answer = client.post(f"/review/progress_report/{pending.id}/verifier", data={"verifier": verifier.id})
    assert answer.status_code == 422 and "Only an approved progress report" in answer.get_data(as_text=True)
    answer = client.post(f"/review/progress_report/{approved.id}/verifier", data={"verifier": reviewer.id})
    assert answer.status_code == 400  # not a verifier: not among the choices
    assert client.post("/review/progress_report/999999/verifier", data={"verifier": verifier.id}).status_code == 404
    assert db.session.scalar(select(Verification)) is None
    # The review page of an approved report offers the verifiers.
    page = client.get(f"/review/progress_report/{approved.id}").get_data(as_text=True)
    assert 'id="verification"' in page and verifier.email in page


def test_a_verifier_opens_nothing_but_its_assignments(app, builder, reports):
    report = reports[1]
    verifier = builder.user("verifier")
    db.session.commit()
    client = app.test_client()
    _login(client, verifier)
    for url in ("/review/", f"/review/progress_report/{report.id}", "/review/compliance", "/admin/",
                "/review/queue.csv", "/admin/audit", "/review/organizations"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/review/progress_report/{report.id}/verifier",
                       data={"verifier": verifier.id}).status_code == 403
    assert client.post(f"/review/progress_report/{report.id}/decide", data={"action": "approve"}).status_code == 403
    # Signing in lands on the assignments, and the staff bar offers nothing else.
    landing = client.get("/login")
    assert landing.status_code == 302 and landing.headers["Location"].endswith("/verify/")
    bar = client.get("/verify/").get_data(as_text=True)
    assert 'href="/review/"' not in bar and "/verify/" in bar


def test_a_verifier_gets_no_review_digest(app, builder):
    from p2c.core.models import OutboxMessage
    from p2c.review.cli import send_digests

    builder.pledge(status=ReviewStatus.SUBMITTED)
    reviewer, verifier = builder.user("reviewer"), builder.user("verifier")
    db.session.commit()
    assert send_digests() == 1
    recipients = set(db.session.scalars(select(OutboxMessage.recipient)))
    assert reviewer.email in recipients and verifier.email not in recipients


def test_a_published_report_freezes_the_split(app, builder, reports):
    from datetime import date

    from p2c.publications import services as publications

    checked = reports[2]
    verifier = builder.user("verifier")
    verification = services.assign(checked.id, verifier.id, builder.user("admin"))
    services.decide(verification, verifier, VerificationOutcome.VERIFIED,
                    {code: "yes" for code in CHECKLIST_CODES}, "", verification.version)
    commit()
    publication = publications.publish("P2C Progress Report 2026", date.today())
    commit()
    frozen = publication.content["figures"]
    assert _split(frozen)[1] == {"self_reported": (1, "250.00"), "reviewed": (1, "1000.00"),
                                 "verified": (1, "400.00")}
    client = app.test_client()
    rows = client.get(f"/reports/{publication.slug}.csv").get_data(as_text=True).splitlines()
    assert "figures.indicators.achieved_by_level,people_connected/verified,achieved,400" in rows  # people: whole
    assert "figures.totals.usd_disbursed_by_level,self_reported,achieved,10000.00" in rows
    page = client.get(f"/reports/{publication.slug}").get_data(as_text=True)
    assert '<td class="num" data-level="verified">400</td>' in page
    # Later changes never reach it: a new verified report leaves the published split as it was.
    other = services.assign(reports[1].id, verifier.id, builder.user("admin"))
    services.decide(other, verifier, VerificationOutcome.VERIFIED, {code: "yes" for code in CHECKLIST_CODES}, "",
                    other.version)
    commit()
    db.session.expire_all()
    assert _split(publication.content["figures"])[1]["verified"] == (1, "400.00")
    assert _split(progress_figures())[1]["verified"] == (2, "1400.00")


def test_a_report_withdrawn_after_assignment_cannot_be_verified(app, builder):
    from p2c.core.enums import ReviewStatus, VerificationOutcome
    from p2c.core.errors import ServiceError
    from p2c.verification import services as verification_services

    pledge = builder.pledge()
    report = builder.progress_report(pledge, achieved={"people_connected": 10})
    admin = builder.user("admin")
    verifier = builder.user("verifier")
    db.session.commit()
    verification = verification_services.assign(report.id, verifier.id, admin)
    db.session.commit()
    report.status = ReviewStatus.WITHDRAWN
    db.session.commit()
    checklist = {code: "yes" for code in verification_services.CHECKLIST_CODES}
    with pytest.raises(ServiceError, match="no longer approved"):
        verification_services.decide(verification, verifier, VerificationOutcome.VERIFIED, checklist, "",
                                     verification.version)
