"""Following by e-mail (double opt-in, one-click unsubscribe, digests of what was approved) and Atom feeds."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from lxml import etree
from sqlalchemy import func, select

from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.core.models import OutboxMessage
from p2c.extensions import db
from p2c.follows.models import Follow
from p2c.follows.services import send_digests
from p2c.operations.jobs import send_follow_digests

ATOM = "{http://www.w3.org/2005/Atom}"


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _follow(client, kind: str, key: str, email: str = "fan@example.org"):
    return client.post("/follow", data={"email": email, "kind": kind, "key": key, "website": ""})


def test_double_opt_in_digest_and_one_click_unsubscribe(client, builder, mail_to):
    pledge = builder.pledge(countries=["KEN"])
    db.session.commit()
    response = _follow(client, "country", "KEN")
    assert response.status_code == 200 and "Check your e-mail" in response.text
    follow = db.session.scalars(select(Follow)).one()
    assert follow.confirmed_at is None
    (confirm_mail,) = mail_to.wait_for(1)
    link = re.search(r"http://\S+/follow/confirm/\S+", confirm_mail.get_body(("plain",)).get_content()).group()
    # Nothing goes to an unconfirmed address.
    assert send_digests(utcnow()) == 0
    assert client.get(_path(link)).status_code == 200  # a mail scanner opening the link confirms nothing
    db.session.expire_all()
    assert db.session.get(Follow, follow.id).confirmed_at is None
    assert "You now follow" in client.post(_path(link)).text
    db.session.expire_all()
    follow = db.session.get(Follow, follow.id)
    assert follow.confirmed_at is not None

    # Approved after the confirmation, before the period's end: in the next digest, once.
    follow.digest_from = follow.confirmed_at = utcnow() - timedelta(days=3)
    pledge.approved_at = utcnow() - timedelta(days=2)
    other = builder.pledge(countries=["FRA"])
    other.approved_at = utcnow() - timedelta(days=2)
    builder.pledge(countries=["KEN"], status=ReviewStatus.SUBMITTED)
    db.session.commit()
    assert send_follow_digests() == "queued 1"
    assert send_follow_digests() == "already sent for this period"
    digest = mail_to.wait_for(2)[1]
    body = digest.get_body(("plain",)).get_content()
    assert pledge.reference in body and other.reference not in body
    assert "1 item was approved about Kenya" in body
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = digest["List-Unsubscribe"].strip("<>")
    assert stop in body
    # The mail client's one-click POST (no CSRF token, no cookie).
    assert client.post(_path(stop), data={"List-Unsubscribe": "One-Click"}).status_code == 204
    assert db.session.scalar(select(func.count(Follow.id))) == 0


def test_asking_again_sends_no_second_mail_and_says_the_same(client, builder, mail_to):
    pledge = builder.pledge()
    db.session.commit()
    first = _follow(client, "pledge", pledge.reference)
    second = _follow(client, "pledge", pledge.reference)
    assert first.text.count("Check your e-mail") == second.text.count("Check your e-mail") > 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
    assert db.session.scalar(select(func.count(Follow.id))) == 1


def test_bad_requests(client, builder):
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    assert _follow(client, "pledge", pledge.reference).status_code == 404  # not public: cannot be followed
    assert _follow(client, "planet", "mars").status_code == 404
    response = _follow(client, "country", "KEN", email="no address")
    assert response.status_code == 422 and "valid e-mail address" in response.text
    assert db.session.scalar(select(func.count(Follow.id))) == 0
    assert client.get("/follow/confirm/forged").status_code == 404
    assert "This link does not work" in client.get("/follow/stop/forged").text


def test_follower_address_is_never_public(client, builder, mail_to):
    pledge = builder.pledge()
    db.session.commit()
    _follow(client, "pledge", pledge.reference, email="secret.follower@example.org")
    for url in (f"/pledges/{pledge.reference}", f"/feeds/pledges/{pledge.reference}.atom", "/data/pledges.csv",
                f"/api/v1/pledges/{pledge.reference}"):
        assert "secret.follower" not in client.get(url).get_data(as_text=True), url


def test_atom_feeds_parse_and_list_what_was_approved(client, builder):
    org = builder.organization(name="Acme Telecom")
    pledge = builder.pledge(lead=org, countries=["KEN", "UGA"], focus_area="connect",
                            approved_at=datetime(2026, 3, 1, 9, 0))
    builder.progress_report(pledge, period=2025, submitted_at=datetime(2026, 4, 1, 9, 0))
    builder.pledge(status=ReviewStatus.SUBMITTED, lead=org)
    db.session.commit()
    for url in (f"/feeds/pledges/{pledge.reference}.atom", f"/feeds/organizations/{org.id}.atom",
                "/feeds/countries/UGA.atom", "/feeds/focus-areas/connect.atom"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"].startswith("application/atom+xml")
        root = etree.fromstring(response.data)
        assert root.tag == f"{ATOM}feed"
        entries = root.findall(f"{ATOM}entry")
        assert [e.findtext(f"{ATOM}updated") for e in entries] == ["2026-04-01T09:00:00+00:00",
                                                                   "2026-03-01T09:00:00+00:00"], url
        assert entries[1].findtext(f"{ATOM}title") == f"New pledge {pledge.reference}: Connect rural schools"
    assert client.get("/feeds/countries/XXX.atom").status_code == 404
    assert client.get("/feeds/planets/mars.atom").status_code == 404


def test_pages_offer_to_follow(client, builder):
    org = builder.organization(name="Acme Telecom")
    pledge = builder.pledge(lead=org)
    db.session.commit()
    page = client.get(f"/pledges/{pledge.reference}").text
    assert 'name="kind" type="hidden" value="pledge"' in page or 'value="pledge"' in page
    assert f"/feeds/pledges/{pledge.reference}.atom" in page
    assert f"/follow?kind=organization&amp;key={org.id}" in page
    organization = client.get(f"/follow?kind=organization&key={org.id}")
    assert organization.status_code == 200 and "Acme Telecom" in organization.text
    assert "/feeds/countries/KEN.atom" in client.get("/countries/KEN").text
    assert "/feeds/focus-areas/connect.atom" in client.get("/pledges?focus_area=connect").text
    index = client.get("/follow").text
    assert index.count("/feeds/focus-areas/") == 4
