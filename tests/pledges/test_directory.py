"""The directory: filters, facet counts, honest counts, keyset pages, shareable URLs, pledge pages."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.filters import PledgeFilterSchema, parse_filters
from p2c.pledges.queries import COUNT_LIMIT, count_matches


@pytest.fixture
def mix(builder):
    a = builder.organization(name="Alpha Telecom", stakeholder_group_code="private_sector", country_iso3="KEN")
    b = builder.organization(name="Beta Ministry", stakeholder_group_code="government", country_iso3="FRA")
    p1 = builder.pledge(lead=a, title="Rural schools online", countries=["KEN", "UGA"], focus_area="connect",
                        sdgs=[4, 9], beneficiaries=["schools"])
    p2 = builder.pledge(lead=b, title="Skills for women", countries=["TUV"], focus_area="empower", sdgs=[5],
                        pledged_on=date(2025, 3, 1), amount=5_000_000)
    p3 = builder.pledge(lead=b, title="Hidden draft", status=ReviewStatus.SUBMITTED, countries=["KEN"])
    db.session.commit()
    return p1, p2, p3


@pytest.mark.parametrize(("query", "expected"), [
    ("", {"Rural schools online", "Skills for women"}),
    ("?focus_area=empower", {"Skills for women"}),
    ("?country=KEN", {"Rural schools online"}),
    ("?region=AFR", {"Rural schools online"}),
    ("?group=sids", {"Skills for women"}),
    ("?group=ldc", {"Rural schools online", "Skills for women"}),
    ("?stakeholder=government", {"Skills for women"}),
    ("?sdg=4&beneficiary=schools", {"Rural schools online"}),
    ("?q=alpha", {"Rural schools online"}),
    ("?q=women", {"Skills for women"}),
    ("?year=2025", {"Skills for women"}),
    ("?reporting=current&focus_area=connect", set()),
    ("?implementation=not_started", {"Rural schools online", "Skills for women"}),
])
def test_filters(client, mix, query, expected):
    html = client.get("/pledges" + query).get_data(as_text=True)
    shown = {t for t in ("Rural schools online", "Skills for women", "Hidden draft") if t in html}
    assert shown == expected


def test_facet_counts_and_exact_counts(client, mix):
    html = client.get("/pledges").get_data(as_text=True)
    assert "2 approved pledges" in html
    assert "(1)" in html  # per-option counts from the rollups when nothing is filtered
    assert count_matches({"country": "KEN"}) == (1, True)  # one rollup-backed filter: exact from the rollups
    assert count_matches({"country": "KEN", "q": "rural"}) == (1, True)  # bounded count, still exact below the cap


def test_counts_beyond_the_cap_say_more_than(client, builder):
    org = builder.organization()
    for _ in range(3):
        builder.pledge(lead=org, title="Same words")
    db.session.commit()
    import p2c.pledges.queries as q

    old, q.COUNT_LIMIT = q.COUNT_LIMIT, 2
    try:
        assert count_matches({"q": "same", "focus_area": "connect"}) == (2, False)
        assert "More than 2 approved pledges" in client.get("/pledges?q=same&focus_area=connect").get_data(as_text=True)
    finally:
        q.COUNT_LIMIT = old
    assert COUNT_LIMIT == 1000


def test_keyset_pages_cover_everything_once(client, builder):
    org = builder.organization()
    refs = {builder.pledge(lead=org, approved_at=datetime(2025, 1, 1)).reference for _ in range(45)}  # same time
    db.session.commit()
    seen, url = [], "/pledges"
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += [r for r in refs if f"/pledges/{r}\"" in html]
        marker = 'rel="next" href="'
        url = html.split(marker)[1].split('"')[0].replace("&amp;", "&") if marker in html else None
    assert sorted(seen) == sorted(refs)


def test_invalid_filters_get_a_message_not_a_500(client, mix):
    response = client.get("/pledges?sdg=40&country=ZZZ&cursor=nonsense")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Choose an SDG from 1 to 17." in html and "Unknown country code." in html
    assert "Rural schools online" in html  # the valid rest of the query still applies


def test_filter_schema_is_shared_and_strict():
    filters, errors = parse_filters({"focus_area": "connect", "sdg": "3", "sort": "largest"})
    assert errors == {} and filters["sdg"] == 3 and filters["sort"] == "largest"
    assert set(PledgeFilterSchema().fields) >= {"q", "focus_area", "pillar", "type", "region", "country", "group",
                                                "stakeholder", "beneficiary", "sdg", "implementation", "reporting",
                                                "year", "cursor", "sort"}


def test_pledge_page(client, builder):
    partner = builder.organization(name="Partner Foundation")
    pledge = builder.pledge(partners=[partner], amount=500_000, currency="EUR", pledged_on=date(2023, 3, 1),
                            countries=["KEN"])
    builder.progress_report(pledge, period=2024, achieved={"people_connected": 300})
    draft = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    html = client.get(f"/pledges/{pledge.reference}").get_data(as_text=True)
    assert "Partner Foundation" in html and "€500,000.00" in html and "$540,650" in html and "1.0813" in html
    assert 'class="progress-timeline"' in html and "<h3>2024 " in html and "/countries/KEN" in html
    assert client.get(f"/pledges/{draft.reference}").status_code == 404
    ar = client.get(f"/pledges/{pledge.reference}?lang=ar").get_data(as_text=True)
    assert "كينيا" in ar  # country names in the reader's language


def test_country_page(client, mix):
    html = client.get("/countries/KEN").get_data(as_text=True)
    assert "Rural schools online" in html and "Hidden draft" not in html
    assert client.get("/countries/XYZ").status_code == 404
    assert client.get("/countries/ken").status_code == 301
    tuv = client.get("/countries/TUV").get_data(as_text=True)
    assert "Small island developing State" in tuv and "Least developed country" in tuv
