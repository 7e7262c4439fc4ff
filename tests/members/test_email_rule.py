"""One e-mail rule (p2c.core.text.check_email, email-validator) for every form and the API: an address
a plain (non-SMTPUTF8) relay cannot deliver to is refused with a clear message, never accepted with
"mail sent" (issue 18, item 9). The test SMTP server (aiosmtpd) does not offer SMTPUTF8."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from p2c.api import services as api_services
from p2c.core.text import check_email
from p2c.extensions import db
from p2c.members.models import CallForInterest, Contact, ExpressionOfInterest
from tests.pledges.formdata import valid_eoi, valid_pledge

REFUSED = "accented or non-Latin letters before the @"


@pytest.mark.parametrize(("typed", "stored"), [
    ("Ana@Example.ORG", "Ana@example.org"),
    ("ana@bücher.example", "ana@xn--bcher-kva.example"),
    ("info@例え.jp", "info@xn--r8jz45g.jp"),
])
def test_deliverable_addresses_are_stored_in_the_form_a_plain_relay_takes(app, typed, stored):
    with app.test_request_context():
        assert check_email(typed) == stored


@pytest.mark.parametrize("typed", ["müller@example.org", "用户@example.cn", "δοκιμή@παράδειγμα.δοκιμή"])
def test_an_internationalized_local_part_is_refused_with_its_own_message(app, typed):
    with app.test_request_context(), pytest.raises(ValueError, match=REFUSED):
        check_email(typed)


def _call() -> None:
    db.session.add(CallForInterest(title="Call", opens_on=date.today() - timedelta(days=1), rolling=True))
    db.session.commit()


def test_every_reader_refuses_the_same_address_and_saves_nothing(client, builder):
    _call()
    page = client.post("/join", data=valid_eoi(focal_email="müller@example.org"))
    assert page.status_code == 422 and REFUSED in page.get_data(as_text=True)
    page = client.post("/pledges/new", data=valid_pledge(focal_email="müller@example.org"))
    assert page.status_code in (200, 422) and REFUSED in page.get_data(as_text=True)
    from tests.api.test_write_api import PLEDGE

    lead = builder.organization(name="Mail Lead", country_iso3="KEN")
    _, secret = api_services.issue_token(lead, "mail")
    db.session.commit()
    response = client.post("/api/v1/pledges", json=dict(PLEDGE, focal_email="müller@example.org"),
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422 and REFUSED in str(response.get_json())
    assert db.session.scalar(select(func.count(Contact.id))) == 0


def test_an_address_with_an_internationalized_domain_gets_its_mail(client, mail_to):
    _call()
    assert client.post("/join", data=valid_eoi(focal_email="awa@bücher.example")).status_code == 302
    eoi = db.session.scalars(select(ExpressionOfInterest)).one()
    assert eoi.contact.email == "awa@xn--bcher-kva.example"
    (message,) = mail_to.wait_for(1)
    assert message["To"] == "awa@xn--bcher-kva.example"
