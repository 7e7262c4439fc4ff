"""Amending an approved pledge: the proposal goes through the review queue with a field-by-field diff;
the public page, the API, the exports, the figures and published reports keep the approved version until
the amendment is approved; then the pledge shows a dated "amended" history and the rollups re-count."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.core.tokens import make_token
from p2c.extensions import db
from p2c.pledges.models import Pledge, PledgeAmendment
from p2c.publications import services as publications
from tests.pledges.formdata import valid_pledge
from tests.smtp import LocalSmtpServer

NEW_TITLE = "Connect rural schools and clinics"


def amendment_post(pledge: Pledge, **change) -> dict:
    values = {"title": NEW_TITLE, "amount": "2,500,000", "currency": "USD", "countries": ["KEN", "UGA"],
              "partners": "", "version": str(pledge.version), **change}
    return valid_pledge(**values)


def surfaces(client, pledge: Pledge) -> dict:
    """Everything public that shows the pledge or counts it."""
    return {
        "page": client.get(f"/pledges/{pledge.reference}").get_data(as_text=True),
        "api": client.get(f"/api/v1/pledges/{pledge.reference}").get_json(),
        "csv": client.get("/data/pledges.csv").get_data(as_text=True),
        "json": client.get("/data/pledges.json").get_data(as_text=True),
        "progress": client.get("/api/v1/progress").get_json()["totals"],
        "directory": client.get("/pledges").get_data(as_text=True),
        # The file's own generation time aside (each activity's last-updated time is the pledge's).
        "iati": re.sub(r'generated-datetime="[^"]+"', "",
                       client.get("/data/iati-activities.xml").get_data(as_text=True)),
        "organizations": client.get("/api/v1/organizations").get_json(),
        "country": client.get("/countries/KEN").get_data(as_text=True),
    }


def test_an_amendment_changes_nothing_public_until_approved_then_everything(app, client, builder, login, mail_to):
    public = app.test_client()  # an anonymous reader, while the focal point and the reviewer act
    pledge = builder.pledge(amount=1_000_000, currency="USD", countries=["KEN"])
    db.session.commit()
    pub = publications.publish("Report 2026", date(2026, 11, 1))
    db.session.commit()
    frozen = client.get(f"/reports/{pub.slug}.json").get_data()
    before = surfaces(public, pledge)
    assert before["progress"]["usd_value"] == "1000000.00" and before["progress"]["pledges"] == 1
    token = make_token("pledge", pledge.id, pledge.focal_point.email)

    form = client.get(f"/my/{token}/amend")
    assert form.status_code == 200 and 'value="Connect rural schools"' in form.get_data(as_text=True)
    # The old edit address leads to the amendment form for an approved pledge.
    assert client.get(f"/my/{token}/edit").headers["Location"].endswith(f"/my/{token}/amend")
    response = client.post(f"/my/{token}/amend", data=amendment_post(pledge))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)  # shows (and clears) the flash

    amendment = db.session.scalars(select(PledgeAmendment)).one()
    assert amendment.status == ReviewStatus.SUBMITTED and amendment.reference == f"{pledge.reference}-A1"
    assert db.session.get(Pledge, pledge.id).title == "Connect rural schools"
    # Every public surface and every figure is exactly as before.
    assert surfaces(public, pledge) == before
    assert NEW_TITLE not in before["page"] + before["csv"] + before["json"]
    # The focal point sees the proposal on the private page and got a receipt.
    assert amendment.reference in page and NEW_TITLE in page and "Uganda" in page
    receipt = mail_to.wait_for(1)[-1]
    assert amendment.reference in receipt["Subject"]
    # A second proposal while one waits is not possible.
    assert client.get(f"/my/{token}/amend").status_code == 302

    login("reviewer")
    queue = client.get("/review/?status=open").get_data(as_text=True)
    assert amendment.reference in queue
    record = client.get(f"/review/pledge_amendment/{amendment.id}").get_data(as_text=True)
    diff = record[record.index("amendment-changes"):]
    diff = diff[:diff.index("</table>")]
    assert "Connect rural schools" in diff and NEW_TITLE in diff
    cell = r'<td><span class="user-text" dir="\w+">{}</span></td>'
    assert re.search("Target countries</th>" + cell.format("Kenya") + cell.format("Kenya, Uganda"), diff)
    assert "1,000,000" in diff and "2,500,000" in diff
    assert surfaces(public, pledge) == before  # opening it in the back-office changes nothing either

    decided = client.post(f"/review/pledge_amendment/{amendment.id}/decide",
                          data={"action": "approve", "message": "", "version": amendment.version})
    assert decided.status_code == 302
    after = surfaces(public, pledge)
    assert after["api"]["title"] == NEW_TITLE and after["api"]["usd_value"] == "2500000.00"
    assert after["progress"]["usd_value"] == "2500000.00" and after["progress"]["pledges"] == 1
    assert NEW_TITLE in after["csv"] and NEW_TITLE in after["json"] and NEW_TITLE in after["directory"]
    assert NEW_TITLE in after["iati"] and after["organizations"] != before["organizations"]
    assert after["country"] != before["country"]
    assert "Amended on" in after["page"] and "Kenya, Uganda" in after["page"]
    assert re.search(r"<del><span[^>]*>Connect rural schools</span></del> → <ins><span[^>]*>"
                     + NEW_TITLE + "</span></ins>", after["page"])
    # The published report never changes.
    assert public.get(f"/reports/{pub.slug}.json").get_data() == frozen
    # The decision mail went to the focal point.
    approved = LocalSmtpServer.text_of(mail_to.wait_for(2)[-1])
    assert amendment.reference in approved


def test_changes_requested_on_an_amendment_go_back_to_the_focal_point(client, builder, login):
    pledge = builder.pledge()
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    assert client.post(f"/my/{token}/amend", data=amendment_post(pledge)).status_code == 302
    amendment = db.session.scalars(select(PledgeAmendment)).one()
    login("reviewer")
    response = client.post(f"/review/pledge_amendment/{amendment.id}/decide",
                           data={"action": "request_changes", "message": "Which schools in Uganda?",
                                 "version": amendment.version})
    assert response.status_code == 302
    page = client.get(f"/my/{token}").get_data(as_text=True)
    assert "Which schools in Uganda?" in page and "Change the amendment and resubmit" in page
    form = client.get(f"/my/{token}/amend").get_data(as_text=True)
    assert f'value="{NEW_TITLE}"' in form  # prefilled with the proposal, not the approved pledge
    again = client.post(f"/my/{token}/amend", data=amendment_post(pledge, title="Connect 40 schools in Uganda"))
    assert again.status_code == 302
    db.session.expire_all()
    amendment = db.session.scalars(select(PledgeAmendment)).one()
    assert amendment.status == ReviewStatus.SUBMITTED and amendment.after["title"] == "Connect 40 schools in Uganda"
    assert db.session.get(Pledge, pledge.id).title == "Connect rural schools"


def test_rejected_amendment_leaves_the_pledge_and_bad_input_saves_nothing(app, client, builder, login):
    pledge = builder.pledge()
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    bad = client.post(f"/my/{token}/amend", data=amendment_post(pledge, amount="-5"))
    assert bad.status_code == 422 and db.session.scalars(select(PledgeAmendment)).first() is None
    stale = client.post(f"/my/{token}/amend", data=amendment_post(pledge, version=str(pledge.version + 1)))
    assert stale.status_code == 409 and db.session.scalars(select(PledgeAmendment)).first() is None
    assert client.post(f"/my/{token}/amend", data=amendment_post(pledge)).status_code == 302
    amendment = db.session.scalars(select(PledgeAmendment)).one()
    login("reviewer")
    client.post(f"/review/pledge_amendment/{amendment.id}/decide",
                data={"action": "reject", "message": "Not in scope.", "version": amendment.version})
    db.session.expire_all()
    assert db.session.get(PledgeAmendment, amendment.id).status == ReviewStatus.REJECTED
    assert db.session.get(Pledge, pledge.id).title == "Connect rural schools"
    assert "Amended on" not in app.test_client().get(f"/pledges/{pledge.reference}").get_data(as_text=True)


def test_only_an_approved_pledge_is_amended(client, builder):
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    response = client.post(f"/my/{token}/amend", data=amendment_post(pledge))
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    assert db.session.scalars(select(PledgeAmendment)).first() is None


def test_an_amendment_of_a_pledge_withdrawn_meanwhile_is_not_applied(client, builder, login):
    pledge = builder.pledge()
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    assert client.post(f"/my/{token}/amend", data=amendment_post(pledge)).status_code == 302
    assert client.post(f"/my/{token}/withdraw").status_code == 302
    amendment = db.session.scalars(select(PledgeAmendment)).one()
    login("reviewer")
    response = client.post(f"/review/pledge_amendment/{amendment.id}/decide",
                           data={"action": "approve", "message": "", "version": amendment.version})
    assert response.status_code == 400 and "Only an approved pledge can be amended." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PledgeAmendment, amendment.id).status == ReviewStatus.SUBMITTED
    assert db.session.get(Pledge, pledge.id).title == "Connect rural schools"


def test_an_amendment_keeps_its_milestones_and_initiatives_through_changes_and_approval(client, builder, login):
    """An amendment sent back keeps the milestones and initiatives it proposed; once approved they are the
    pledge's (the stored dates are read back as dates)."""
    pledge = builder.pledge(countries=["KEN"])
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    milestone = {"milestones-0-kind": "law", "milestones-0-description": "Universal service law adopted",
                 "milestones-0-due_on": "2027-06-30"}
    proposal = amendment_post(pledge, countries=["KEN"], initiatives=["AFR1"], **milestone)
    assert client.post(f"/my/{token}/amend", data=proposal).status_code == 302
    amendment = db.session.scalars(select(PledgeAmendment)).one()
    login("reviewer")
    client.post(f"/review/pledge_amendment/{amendment.id}/decide",
                data={"action": "request_changes", "message": "Which law?", "version": amendment.version})
    form = client.get(f"/my/{token}/amend").get_data(as_text=True)
    assert 'value="Universal service law adopted"' in form and 'value="2027-06-30"' in form
    assert re.search(r'value="AFR1"[^>]*checked', form)
    assert client.post(f"/my/{token}/amend", data=proposal).status_code == 302
    db.session.expire_all()
    amendment = db.session.scalars(select(PledgeAmendment)).one()
    assert client.post(f"/review/pledge_amendment/{amendment.id}/decide",
                       data={"action": "approve", "message": "", "version": amendment.version}).status_code == 302
    db.session.expire_all()
    amended = db.session.get(Pledge, pledge.id)
    assert [(m.kind, m.description, m.due_on) for m in amended.milestones] == [
        ("law", "Universal service law adopted", date(2027, 6, 30))]
    assert [i.code for i in amended.initiatives] == ["AFR1"]
