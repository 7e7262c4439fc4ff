"""Open redirects: every place that redirects to a target the visitor supplied uses one rule
(p2c.core.redirects.safe_target), so no crafted `next` leaves the site or breaks the response."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from p2c.core.enums import ReviewStatus
from p2c.core.redirects import safe_target
from p2c.extensions import db
from tests.builders import PASSWORD

# Raw query strings as an attacker types them (percent-encoded where a browser would send bytes).
HOSTILE = [
    "/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example", "/%0d/evil.example", "//evil.example",
    "///evil.example", "/\\evil.example", "%5C%5Cevil.example", "/%5Cevil.example", "https://evil.example",
    "http:evil.example", "javascript:alert(1)", "%2F%2Fevil.example", "/%20/evil.example", "/%E2%80%8B/evil.example",
    " //evil.example", "evil.example", "/%E3%80%80/evil.example", "%09//evil.example",
]


def _lands_on_site(location: str) -> bool:
    """What a browser does with the Location: it strips tabs and newlines and reads \\ as /."""
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r").replace("\\", "/")
    absolute = urljoin("http://p2c.test/login", cleaned)
    return urlsplit(absolute).netloc == "p2c.test"


@pytest.mark.parametrize("target", HOSTILE)
def test_login_next_never_leaves_the_site(client, builder, target):
    builder.user(email="rev@example.org")
    db.session.commit()
    response = client.post(f"/login?next={target}", data={"email": "rev@example.org", "password": PASSWORD})
    assert response.status_code == 302, target
    assert _lands_on_site(response.headers["Location"]), response.headers["Location"]
    # Already signed in: the GET takes the same way out.
    again = client.get(f"/login?next={target}")
    assert again.status_code == 302 and _lands_on_site(again.headers["Location"]), target


def test_a_null_character_in_next_is_refused_before_anything(client):
    assert client.get("/login?next=/%00/evil.example").status_code == 400


def test_login_next_keeps_a_local_path(client, builder):
    builder.user(email="rev@example.org")
    db.session.commit()
    response = client.post("/login?next=/review/%3Fstatus%3Dsubmitted",
                           data={"email": "rev@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/review/?status=submitted"


@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/review\n/x", "/admin/", "/\\evil"])
def test_review_back_link_stays_in_the_back_office(client, login, builder, target):
    from urllib.parse import unquote

    login("reviewer")
    pledge = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    response = client.post(f"/review/pledge/{pledge.id}/assign",
                           data={"version": str(pledge.version), "next": unquote(target)})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/review/pledge/{pledge.id}"


def test_the_rule_itself():
    fallback = "/"
    assert safe_target("/pledges?x=1", fallback) == "/pledges?x=1"
    for bad in ("/\t/evil.example", "/\n/x", "//x", "/\\x", "http://x", "/\u200b/x", "/\u3000/x", "", None, "x"):
        assert safe_target(bad, fallback) == fallback, repr(bad)
    assert safe_target("/admin/", fallback, prefix="/review") == fallback
    assert safe_target("/" + "a" * 3000, fallback) == fallback
