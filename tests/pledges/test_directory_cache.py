"""The directory page cached whole for anonymous readers (p2c.pledges.directory_cache): never stale, never
shared with a signed-in member of the team, per language, bounded in memory."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta

import pytest

from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.core.pagecache import PageCache
from p2c.extensions import db
from p2c.members.models import Organization
from p2c.pledges import visibility
from p2c.pledges.directory_cache import pages
from p2c.pledges.models import Pledge
from p2c.reference.models import Pillar

GZIP = {"Accept-Encoding": "gzip"}


def _html(response) -> str:
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode()


def _count(html: str) -> str:
    return re.search(r'<h2 id="results-title"[^>]*>\s*(.*?)\s*</h2>', html, re.S).group(1)


def test_the_second_read_is_the_stored_page_and_an_approval_changes_it_at_once(client, builder):
    builder.pledge(title="Alpha schools")
    pending = builder.pledge(title="Beta clinics", status=ReviewStatus.IN_REVIEW)
    db.session.commit()
    first = client.get("/pledges?focus_area=connect", headers=GZIP)
    assert "ETag" not in first.headers and len(pages) == 1  # rendered, then stored
    second = client.get("/pledges?focus_area=connect", headers=GZIP)
    assert second.headers["ETag"].endswith('-gzip"')  # served from the store (CSRF is off in tests: no token)
    assert _count(_html(first)) == _count(_html(second)) == "1 approved pledge"
    assert "Beta clinics" not in _html(second)

    db.session.get(Pledge, pending.id).status = ReviewStatus.APPROVED
    db.session.commit()
    after = client.get("/pledges?focus_area=connect", headers=GZIP)
    assert _count(_html(after)) == "2 approved pledges"
    assert "Beta clinics" in _html(after)
    assert len(pages) == 2  # a new entry under the new data version; the old one is never read again


def test_a_page_without_the_follow_box_is_one_shared_document_with_a_validator(client, builder):
    builder.pledge(title="Alpha schools")
    db.session.commit()
    client.get("/pledges?group=ldc")
    zipped = client.get("/pledges?group=ldc", headers=GZIP)
    plain = client.get("/pledges?group=ldc")
    assert zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert zipped.headers["ETag"] == plain.headers["ETag"][:-1] + '-gzip"'
    again = client.get("/pledges?group=ldc", headers={**GZIP, "If-None-Match": zipped.headers["ETag"]})
    assert again.status_code == 304
    assert "Accept-Encoding" in again.headers["Vary"]


def test_arabic_and_english_are_cached_apart_on_the_same_url(app, builder):
    builder.pledge(title="Alpha schools")
    db.session.commit()
    english, arabic = app.test_client(), app.test_client()
    arabic.set_cookie("p2c_lang", "ar")
    for _ in range(2):  # the second round is served from the store
        en = _html(english.get("/pledges", headers=GZIP))
        ar = _html(arabic.get("/pledges", headers=GZIP))
        assert '<html lang="en" dir="ltr">' in en and "1 approved pledge" in en
        assert '<html lang="ar" dir="rtl">' in ar and "1 approved pledge" not in ar
    by_header = _html(app.test_client().get("/pledges", headers={**GZIP, "Accept-Language": "ar"}))
    assert by_header == ar
    assert len(pages) == 2


def test_a_signed_in_member_of_the_team_never_gets_the_anonymous_page(client, builder, login):
    builder.pledge(title="Alpha schools")
    db.session.commit()
    for _ in range(2):
        anonymous = _html(client.get("/pledges", headers=GZIP))
    assert "Sign out" not in anonymous and len(pages) == 1
    user = login("reviewer")
    for _ in range(2):
        staff = client.get("/pledges", headers=GZIP)
        assert "ETag" not in staff.headers
        assert "Sign out" in _html(staff) and user.email in _html(staff)
    assert len(pages) == 1  # the staff page was not stored either
    client.post("/logout")
    again = client.get("/pledges", headers=GZIP)
    assert "Sign out" not in _html(again)


def test_a_flashed_message_is_shown_and_not_stored(client, builder):
    builder.pledge(title="Alpha schools")
    db.session.commit()
    client.get("/pledges")
    client.get("/pledges")
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Thank you, noted.")]
    assert "Thank you, noted." in _html(client.get("/pledges", headers=GZIP))
    assert "Thank you, noted." not in _html(client.get("/pledges", headers=GZIP))
    assert len(pages) == 1


def test_an_invalid_filter_gets_its_translated_error_and_is_not_stored(client, builder):
    builder.pledge(title="Alpha schools")
    db.session.commit()
    for _ in range(2):
        response = client.get("/pledges?focus_area=nope&lang=fr", headers=GZIP)
        assert response.status_code == 200  # as before: the other filters still apply, the error is shown
        html = _html(response)
        assert '<p class="error" id="f-focus_area-error">Valeur inconnue.</p>' in html
        assert 'aria-invalid="true"' in html and "Alpha schools" in html
    # Not stored: the known codes are cached apart from the data version (a pillar just added).
    assert len(pages) == 0
    client.get("/pledges?focus_area=connect&lang=fr")
    assert len(pages) == 1


def test_an_embargo_ending_shows_the_pledge_without_any_write(client, builder, monkeypatch):
    from p2c.reporting import embargo

    announce = utcnow() + timedelta(hours=2)
    builder.pledge(title="Alpha schools")
    builder.pledge(title="Announced at the event", public_from=announce)
    db.session.commit()
    # No web process counts the announced pledge in the rollups (no worker, no look before requests):
    # the data version stays, and only the announcement time itself can move the page on.
    monkeypatch.setattr(embargo, "_anything_due", lambda: False)
    for _ in range(2):
        assert "Announced at the event" not in _html(client.get("/pledges", headers=GZIP))
    assert len(pages) == 1
    monkeypatch.setattr(visibility, "utcnow", lambda: announce + timedelta(seconds=1))
    assert "Announced at the event" in _html(client.get("/pledges", headers=GZIP))


def test_the_follow_box_gets_each_readers_own_csrf_token(app, builder, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    builder.pledge(title="Alpha schools")
    db.session.commit()
    tokens = []
    for reader in (app.test_client(), app.test_client(), app.test_client()):
        html = _html(reader.get("/pledges?focus_area=connect", headers=GZIP))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        tokens.append(token)
        # The token is the reader's own: the follow form accepts it from this browser.
        answer = reader.post("/follow", data={"csrf_token": token, "kind": "focus_area", "key": "connect",
                                              "email": "reader@example.org", "website": ""})
        assert answer.status_code in (200, 302)
        assert "CSRF" not in answer.get_data(as_text=True)
    assert len(set(tokens)) == 3
    assert len(pages) == 1  # one stored page served all three


def test_a_pillar_renamed_by_an_admin_shows_at_once(client, builder):
    builder.pledge(title="Alpha schools")
    db.session.commit()
    pillar = db.session.scalars(db.select(Pillar).order_by(Pillar.code)).first()
    old = pillar.name
    client.get("/pledges")
    assert old in _html(client.get("/pledges", headers=GZIP))
    try:
        pillar.name = "Renamed pillar for the test"
        db.session.commit()
        assert "Renamed pillar for the test" in _html(client.get("/pledges", headers=GZIP))
    finally:
        pillar.name = old
        db.session.commit()


def test_a_lead_organization_renamed_shows_at_once(client, builder):
    org = builder.organization(name="Old Name Telecom")
    builder.pledge(lead=org, title="Alpha schools")
    db.session.commit()
    client.get("/pledges")
    assert "Old Name Telecom" in _html(client.get("/pledges", headers=GZIP))
    db.session.get(Organization, org.id).name = "New Name Telecom"
    db.session.commit()
    html = _html(client.get("/pledges", headers=GZIP))
    assert "New Name Telecom" in html and "Old Name Telecom" not in html


@pytest.mark.parametrize("query", ["?token=abc", ""])
def test_a_private_link_token_in_the_url_is_never_stored(client, builder, query):
    builder.pledge(title="Alpha schools")
    db.session.commit()
    client.get("/pledges" + query)
    assert len(pages) == (0 if query else 1)


def test_the_store_keeps_to_its_byte_budget_least_recently_used_first():
    import sys

    from p2c.core.pagecache import ENTRY_OVERHEAD

    one = sys.getsizeof("a") + sys.getsizeof(b"x" * 25) + ENTRY_OVERHEAD  # what one entry holds
    store = PageCache(max_bytes=4 * one, ttl=60)
    for key in "abcd":
        store.put(key, b"x" * 25)
    assert store.size == 4 * one and len(store) == 4  # exactly the budget: all kept
    assert store.get("a") == (b"x" * 25, None)  # a becomes the most recently used
    store.put("e", b"x" * 25)  # over the budget: b, now the least recently used, goes
    assert store.get("b") is None
    assert [k for k in "acde" if store.get(k) is not None] == ["a", "c", "d", "e"]
    assert store.size == 4 * one and len(store) == 4
    store.put("big", b"x" * 26)  # costs more than a quarter of the budget: not kept, nothing evicted
    assert store.get("big") is None and store.size == 4 * one


def test_the_budget_counts_a_pages_token_parts_not_only_its_compressed_body(app):
    """A page with a reader's token keeps CRC shift columns per part: about as many bytes as its body."""
    from p2c.core.pagecache import footprint
    from p2c.pledges.directory_cache import _split

    body, parts = _split(b"<li>a row of the directory</li>" * 400 + b"TOKEN" + b"<p>the rest</p>" * 100, b"TOKEN")
    store = PageCache(max_bytes=10**6, ttl=60)
    store.put("k", body, parts)
    assert footprint(parts) > len(body)
    assert store.size >= len(body) + footprint(parts)


def test_the_store_forgets_a_page_after_its_time_to_live(monkeypatch):
    import p2c.core.pagecache as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    store = PageCache(max_bytes=10_000, ttl=60)
    store.put("a", b"page", True)
    clock[0] += 59
    assert store.get("a") == (b"page", True)
    clock[0] += 2
    assert store.get("a") is None and store.size == 0


@pytest.mark.parametrize("text", [b"<p>before TOKEN after</p>" * 500, b"TOKEN at the start, at the end TOKEN",
                                  b"TOKEN", b"no token at all", "ذ TOKEN ü".encode() * 3000])
def test_a_stored_page_with_the_readers_token_spliced_in_is_one_valid_gzip_member(text):
    import zlib

    from p2c.pledges.directory_cache import _splice, _split

    body, parts = _split(text, b"TOKEN")
    assert len(parts) == text.count(b"TOKEN") + 1
    for reader_token in (b"IjRmYjQ.Z2xvYmFs.abc-_", b""):
        spliced = _splice(body, parts, reader_token)
        expected = text.replace(b"TOKEN", reader_token)
        assert gzip.decompress(spliced) == expected  # checks the CRC-32 and the length in the trailer
        one = zlib.decompressobj(16 + zlib.MAX_WBITS)  # as a browser reads it: one member, nothing after
        assert one.decompress(spliced) == expected and one.eof and one.unused_data == b""


def test_renaming_an_organization_without_a_public_pledge_keeps_the_data_version(builder):
    from p2c.rollups.queries import data_version

    lead = builder.organization(name="Public Lead")
    builder.pledge(lead=lead)
    quiet = builder.organization(name="No Pledges Yet")
    db.session.commit()
    before = data_version()
    quiet.name = "Still No Pledges"
    db.session.commit()
    assert data_version() == before  # /progress at a million pledges is not recomputed for nothing
    lead.name = "Public Lead Renamed"
    db.session.commit()
    assert data_version() == (before[0], before[1] + 1)
