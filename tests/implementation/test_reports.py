"""Filing progress reports through the private link: validation, the valid path, resubmission, review."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from p2c.core import submissions as registry
from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.implementation import queries
from p2c.implementation.models import ProgressReport
from p2c.implementation.schemas import ProgressReportInputSchema


def _link(pledge) -> str:
    return f"/my/{make_token('pledge', pledge.id, pledge.focal_point.email)}/report"


def _valid(pledge, **changes) -> dict:
    target = pledge.targets[0]
    data = {
        "period": "2025", "implementation_status": "on_track", "entry_1_amount": "250000",
        "entry_1_currency": "USD", "entry_1_recipient": "KEN", "entry_1_instrument": "grant",
        "disbursement_explanation": "", "narrative": "We connected 40 schools in Turkana county this year.",
        "evidence_links": "https://example.org/report-2025\nhttp://example.com/photos",
        f"target_{target.id}": "400", "reached_women_girls": "1200", "reached_youth": "",
    }
    data.update(changes)
    return data


def _count() -> int:
    return db.session.scalar(select(func.count(ProgressReport.id)))


@pytest.fixture
def pledge(builder):
    p = builder.pledge(amount=1_000_000, currency="USD")
    db.session.commit()
    return p


def test_valid_report_end_to_end_through_private_link(client, pledge, mail_to):
    page = client.get(_link(pledge))
    assert page.status_code == 200
    assert "People connected to the Internet" in page.get_data(as_text=True)
    response = client.post(_link(pledge), data=_valid(pledge))
    assert response.status_code == 302
    assert "/reports" in response.headers["Location"]
    report = db.session.scalars(select(ProgressReport)).one()
    assert report.reference == f"{pledge.reference}-R2025"
    assert report.status == ReviewStatus.SUBMITTED
    assert report.period == 2025 and report.implementation_status == ImplementationStatus.ON_TRACK
    assert report.usd_disbursed == Decimal("250000.00")  # derived: once approved, disbursed to date
    assert [(e.amount, e.currency_code, e.year, e.recipient, e.instrument, e.usd_value) for e in report.entries] == [
        (Decimal("250000.00"), "USD", 2025, "KEN", "grant", Decimal("250000.00"))]
    assert report.evidence_links == ["https://example.org/report-2025", "http://example.com/photos"]
    assert [(v.target_id, v.achieved_value) for v in report.values] == [(pledge.targets[0].id, Decimal("400.00"))]
    assert [(b.beneficiary_code, b.people_reached) for b in report.beneficiaries] == [("women_girls", 1200)]
    # The focal point gets an acknowledgement with a private link to follow the report.
    message = mail_to.wait_for(1)[0]
    assert message["To"] == pledge.focal_point.email
    assert report.reference in message["Subject"]
    assert "/my/" in mail_to.text_of(message)
    listing = client.get(response.headers["Location"])
    assert report.reference in listing.get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("period", "1999", "Not a valid choice"),
    ("period", "2099", "Not a valid choice"),
    ("implementation_status", "", "Choose the implementation status."),
    ("implementation_status", "finished", "Not a valid choice"),
    ("entry_1_amount", "-5", "Enter a number of zero or more."),
    ("entry_1_amount", "lots", "Enter a number using digits only"),
    ("entry_1_amount", "0", "Enter the amount disbursed, above zero."),
    ("entry_1_recipient", "XXX", "Choose the country or region that received it"),
    ("entry_1_instrument", "gift", "Choose the instrument."),
    ("entry_1_currency", "XTS", "No exchange rate is known for XTS"),
    ("entry_1_year", "2026", "The year of a disbursement must be between 2024 and the year reported on, 2025."),
    ("narrative", "", "Describe what was done this year."),
    ("narrative", "Too short.", "Write between 20 and 5000 characters."),
    ("evidence_links", "javascript:alert(1)", "is not a web address starting with http:// or https://"),
    ("evidence_links", "ftp://example.org/file", "is not a web address starting with http:// or https://"),
    ("evidence_links", "\n".join(f"https://example.org/{i}" for i in range(11)), "Give at most 10 links."),
    ("reached_women_girls", "-1", "Enter a number of zero or more."),
    ("reached_women_girls", "many", "Enter a number using digits only"),
])
def test_every_invalid_field_is_explained_and_nothing_is_saved(client, pledge, field, value, message):
    response = client.post(_link(pledge), data=_valid(pledge, **{field: value}))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert f'id="{field if not field.startswith("entry_") else "entry_1_amount"}-error"' in body
    assert _count() == 0


def test_negative_achieved_value_is_refused(client, pledge):
    name = f"target_{pledge.targets[0].id}"
    response = client.post(_link(pledge), data=_valid(pledge, **{name: "-3"}))
    assert response.status_code == 422
    assert f'id="{name}-error"' in response.get_data(as_text=True)
    assert _count() == 0


def test_disbursement_above_pledged_value_needs_an_explanation(client, pledge):
    response = client.post(_link(pledge), data=_valid(pledge, entry_1_amount="1500000"))
    assert response.status_code == 422
    assert "please explain why" in response.get_data(as_text=True)
    assert _count() == 0
    response = client.post(_link(pledge), data=_valid(
        pledge, entry_1_amount="1500000", disbursement_explanation="A co-funder joined the programme."))
    assert response.status_code == 302
    assert _count() == 1


def test_second_report_for_the_same_year_gets_a_clear_message(client, pledge):
    assert client.post(_link(pledge), data=_valid(pledge)).status_code == 302
    response = client.post(_link(pledge), data=_valid(pledge))
    assert response.status_code == 422
    assert "A progress report for 2025 has already been filed for this pledge." in response.get_data(as_text=True)
    assert _count() == 1
    # Another year is fine.
    assert client.post(_link(pledge), data=_valid(pledge, period="2024")).status_code == 302
    assert _count() == 2


def test_a_rejected_report_frees_its_year(client, builder, pledge):
    builder.progress_report(pledge, period=2025, status=ReviewStatus.REJECTED)
    db.session.commit()
    assert client.post(_link(pledge), data=_valid(pledge)).status_code == 302
    statuses = sorted(s.value for s in db.session.scalars(select(ProgressReport.status)))
    assert statuses == ["rejected", "submitted"]


def test_reference_gets_a_suffix_when_the_year_was_used_before(client, pledge):
    assert client.post(_link(pledge), data=_valid(pledge)).status_code == 302
    report = db.session.scalars(select(ProgressReport)).one()
    report.status = ReviewStatus.WITHDRAWN
    db.session.commit()
    assert client.post(_link(pledge), data=_valid(pledge)).status_code == 302
    references = set(db.session.scalars(select(ProgressReport.reference)))
    assert references == {f"{pledge.reference}-R2025", f"{pledge.reference}-R2025-2"}


def test_only_approved_pledges_take_reports(client, builder):
    pending = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    response = client.get(_link(pending))
    assert response.status_code == 409
    assert "approved pledge" in response.get_data(as_text=True)
    assert client.post(_link(pending), data=_valid(pending)).status_code == 409
    assert _count() == 0


def test_the_token_must_open_that_pledge(client, builder, pledge):
    other = builder.pledge()
    db.session.commit()
    # A link for another pledge's focal point, or signed for an EOI, or tampered with, opens nothing.
    forged = make_token("pledge", pledge.id, other.focal_point.email)
    assert client.get(f"/my/{forged}/report").status_code == 403
    assert client.get(f"/my/{make_token('eoi', pledge.id, pledge.focal_point.email)}/report").status_code == 403
    assert client.get(_link(pledge).replace("/report", "x/report")).status_code == 403
    assert client.post(f"/my/{forged}/report", data=_valid(pledge)).status_code == 403
    assert _count() == 0


def test_expired_link_says_so(app, client, pledge):
    link = _link(pledge)
    old = app.config["ACCESS_LINK_MAX_AGE_DAYS"]
    app.config["ACCESS_LINK_MAX_AGE_DAYS"] = -1
    try:
        response = client.get(link)
    finally:
        app.config["ACCESS_LINK_MAX_AGE_DAYS"] = old
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_form_in_arabic_is_right_to_left(client, pledge):
    response = client.get(_link(pledge) + "?lang=ar")
    assert response.status_code == 200
    assert 'dir="rtl"' in response.get_data(as_text=True)


def test_resubmission_after_changes_requested_with_optimistic_lock(client, builder, pledge):
    report = builder.progress_report(pledge, period=2025, status=ReviewStatus.CHANGES_REQUESTED)
    db.session.commit()
    url = _link(pledge).replace("/report", f"/reports/{report.reference}")
    page = client.get(url)
    assert page.status_code == 200 and "Work is under way." in page.get_data(as_text=True)
    stale = _valid(pledge, version=str(report.version - 1 if report.version > 1 else 99))
    response = client.post(url, data=stale)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.get_data(as_text=True)
    response = client.post(url, data=_valid(pledge, version=str(report.version),
                                            narrative="Updated: we connected 40 schools and trained 80 teachers."))
    assert response.status_code == 302
    db.session.expire_all()
    report = db.session.get(ProgressReport, report.id)
    assert report.status == ReviewStatus.SUBMITTED
    assert report.narrative.startswith("Updated:")


def test_approving_a_report_updates_the_pledge_and_the_timeline(client, login, pledge):
    client.post(_link(pledge), data=_valid(pledge, implementation_status="completed"))
    report = db.session.scalars(select(ProgressReport)).one()
    assert queries.approved_reports(pledge.id) == []
    login("reviewer")
    from p2c.review.services import decide

    with client.application.test_request_context():
        decide("progress_report", report.id, "approve", expected_version=report.version)
        from p2c.core.unit import commit

        commit()
    db.session.expire_all()
    pledge = db.session.get(type(pledge), pledge.id)
    assert pledge.implementation_status == ImplementationStatus.COMPLETED
    assert pledge.last_reported_at is not None
    timeline = queries.approved_reports(pledge.id)
    assert [r.id for r in timeline] == [report.id]
    assert timeline[0].approved_at is not None


def test_review_kind_is_registered_with_detail_template(app, client, login, pledge):
    stype = registry.get("progress_report")
    assert stype.detail_template == "implementation/review_detail.html"
    client.post(_link(pledge), data=_valid(pledge))
    report = db.session.scalars(select(ProgressReport)).one()
    login("reviewer")
    queue = client.get("/review/?kind=progress_report")
    assert queue.status_code == 200
    assert report.reference in queue.get_data(as_text=True)


def test_schema_applies_the_same_rules(pledge):
    target = pledge.targets[0]
    good = {"period": 2025, "implementation_status": "delayed",
            "entries": [{"amount": "100", "recipient": "KEN", "instrument": "grant"}],
            "narrative": "Roll-out slowed by the rainy season, resumed in May.",
            "evidence_links": ["https://example.org/x"],
            "values": [{"indicator": target.indicator_code, "achieved_value": "12"}],
            "beneficiaries": {"youth": 40}}
    data = ProgressReportInputSchema(pledge=pledge).load(good)
    assert data["values"] == {target.id: Decimal("12")}
    assert data["implementation_status"] == ImplementationStatus.DELAYED
    from marshmallow import ValidationError

    entry = {"recipient": "KEN", "instrument": "grant"}
    assert data["entries"] == [{**entry, "amount": Decimal("100.00"), "currency": "USD", "year": 2025,
                                "cofinancing": False}]
    assert data["usd_disbursed"] == Decimal("100.00")
    for change, field in [({"entries": [{**entry, "amount": "-1"}]}, "entries"), ({"period": 1990}, "period"),
                          ({"usd_disbursed": "100"}, "usd_disbursed"),
                          ({"entries": [{**entry, "amount": "1", "recipient": "Kenya"}]}, "entries"),
                          ({"evidence_links": ["ftp://x.org"]}, "evidence_links"),
                          ({"beneficiaries": {"martians": 3}}, "beneficiaries"),
                          ({"values": [{"target_id": 999999, "achieved_value": "1"}]}, "values"),
                          ({"entries": [{**entry, "amount": "2000000"}]}, "disbursement_explanation"),
                          ({"narrative": "short"}, "narrative")]:
        with pytest.raises(ValidationError) as exc:
            ProgressReportInputSchema(pledge=pledge).load({**good, **change})
        assert field in exc.value.messages, (change, exc.value.messages)


def test_approved_report_links_to_the_public_pledge_page(app, builder, pledge):
    report = builder.progress_report(pledge, period=2025)
    with app.test_request_context():
        assert registry.get("progress_report").public_url(report) == f"/pledges/{pledge.reference}"


@pytest.mark.parametrize("value,ok", [("2000000000", True), ("2000000001", False), ("2147483648", False),
                                      ("10000000000", False)])
def test_people_reached_stays_within_a_32_bit_column(client, pledge, value, ok):
    response = client.post(_link(pledge), data=_valid(pledge, reached_women_girls=value))
    body = response.get_data(as_text=True)
    if ok:
        assert response.status_code == 302, body
        report = db.session.scalars(select(ProgressReport)).one()
        assert report.beneficiaries[0].people_reached == 2_000_000_000
    else:
        assert response.status_code == 422
        assert "Enter at most 2,000,000,000 people." in body and "Enter zero or a positive number." not in body
        assert 'id="reached_women_girls-error"' in body
        assert _count() == 0


def test_schema_refuses_too_many_people_with_its_own_message(app, pledge):
    from marshmallow import ValidationError

    good = {"period": 2025, "implementation_status": "on_track", "narrative": "We connected 40 schools this year."}
    with app.test_request_context():
        assert ProgressReportInputSchema(pledge=pledge).load({**good, "beneficiaries": {"youth": 2_000_000_000}})
        with pytest.raises(ValidationError) as exc:
            ProgressReportInputSchema(pledge=pledge).load({**good, "beneficiaries": {"youth": 2_147_483_648}})
        assert "Enter at most 2,000,000,000 people." in str(exc.value.messages["beneficiaries"])
        with pytest.raises(ValidationError) as exc:
            ProgressReportInputSchema(pledge=pledge).load({**good, "beneficiaries": {"youth": -1}})
        assert "Enter a number of zero or more." in str(exc.value.messages["beneficiaries"])


@pytest.mark.parametrize(("typed", "status"), [("sNaN", 422), ("NaN", 422), ("Infinity", 422), ("1,200", 302),
                                               ("900,000", 302)])
def test_report_form_reads_numbers_like_the_pledge_form(client, pledge, typed, status):
    """Issue 18 item 7: sNaN was a 500; issue 12: 1,200 and 900,000 were refused in English."""
    target = pledge.targets[0]
    response = client.post(_link(pledge), data=_valid(pledge, entry_1_amount=typed, **{f"target_{target.id}": typed}))
    assert response.status_code == status
    if status == 422:
        assert "Enter a number using digits only" in response.get_data(as_text=True)
        assert _count() == 0
    else:
        report = db.session.scalars(select(ProgressReport)).one()
        expected = Decimal(typed.replace(",", ""))
        assert report.usd_disbursed == expected and report.values[0].achieved_value == expected
