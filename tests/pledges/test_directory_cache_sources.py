"""The directory's cached pages follow every source of what they show (a reviewer's findings): reference names
and a country's region, a merge that rewrites partner links, and the day of the reporting-status filter."""

from __future__ import annotations

import gzip
import re
from datetime import timedelta

from p2c.core.db import utcnow
from p2c.extensions import db
from p2c.pledges import visibility
from p2c.pledges.directory_cache import pages
from p2c.reference.models import Country, FocusArea
from p2c.rollups.queries import data_version

GZIP = {"Accept-Encoding": "gzip"}


def _html(response) -> str:
    data = response.get_data()
    return (gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data).decode()


def test_a_renamed_focus_area_shows_at_once(client, builder):
    builder.pledge(title="Alpha schools", focus_area="connect")
    db.session.commit()
    area = db.session.get(FocusArea, "connect")
    old = area.name
    for _ in range(2):
        assert old in _html(client.get("/pledges", headers=GZIP))
    before = data_version()
    try:
        area.name = "Renamed focus area"
        db.session.commit()
        assert data_version() != before
        assert "Renamed focus area" in _html(client.get("/pledges", headers=GZIP))
    finally:
        area.name = old
        db.session.commit()


def test_a_country_moved_to_another_region_shows_at_once(client, builder):
    builder.pledge(title="Alpha schools", countries=["BTN"])
    db.session.commit()
    country = db.session.get(Country, "BTN")
    old = country.itu_region
    new = "EUR" if old != "EUR" else "AFR"
    url = f"/pledges?region={new}"
    for _ in range(2):
        assert "Alpha schools" not in _html(client.get(url, headers=GZIP))
    try:
        country.itu_region = new
        db.session.commit()
        assert "Alpha schools" in _html(client.get(url, headers=GZIP))
    finally:
        country.itu_region = old
        db.session.commit()


def test_merging_an_organization_that_is_only_a_partner_shows_at_once(app, client, builder):
    from p2c.review.organizations import merge_organizations

    keep, duplicate = builder.organization(name="Keep Org"), builder.organization(name="Dup Org")
    builder.pledge(title="Alpha schools", partners=[keep, duplicate])
    db.session.commit()
    for _ in range(2):
        assert "and 2 partners" in _html(client.get("/pledges", headers=GZIP))
    before = data_version()
    with app.test_request_context("/"):
        merge_organizations(keep.id, duplicate.id)
        db.session.commit()
    assert data_version() != before
    html = _html(client.get("/pledges", headers=GZIP))
    assert "and 2 partners" not in html and re.search(r"and 1 partner\b", html)


def test_the_reporting_filter_moves_on_at_midnight(client, builder, monkeypatch):
    # Approved exactly 12 months ago, no report: current today, due from tomorrow (p2c.core.reporting_status).
    today = utcnow().date()
    builder.pledge(title="Alpha schools", approved_at=utcnow().replace(year=today.year - 1))
    db.session.commit()
    for _ in range(2):
        assert "Alpha schools" not in _html(client.get("/pledges?reporting=due", headers=GZIP))
    assert len(pages) == 1
    tomorrow = utcnow() + timedelta(days=1)
    monkeypatch.setattr(visibility, "utcnow", lambda: tomorrow)
    assert "Alpha schools" in _html(client.get("/pledges?reporting=due", headers=GZIP))
