"""WTDC-25 regional initiatives: a pledge aligned with AFR1 shows under it on /regions/AFR, in the
directory filter, the read API and the CSV export, with exact figures; the country page's three groups
add up to what the directory finds; the country brief is a PDF in the reader's language."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from p2c.core.enums import ReviewStatus
from p2c.extensions import db
from p2c.pledges.queries import count_matches
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.loaders import load_regional_initiatives
from p2c.reporting.places import country_groups, measure


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _initiative(code: str) -> RegionalInitiative:
    return db.session.get(RegionalInitiative, code)


@pytest.fixture
def aligned(builder):
    """Two pledges aligned with AFR1 (one also with AFR5), one with EUR1, one with none; progress on one."""
    afr1, afr5, eur1 = _initiative("AFR1"), _initiative("AFR5"), _initiative("EUR1")
    a = builder.pledge(countries=["KEN"], amount=2_500_000, targets=[("people_connected", 40000, 2029)],
                       initiatives=[afr1], title="Rural towers for Kenya")
    b = builder.pledge(countries=["KEN", "UGA"], amount=1_000_000, targets=[("people_connected", 10000, 2029)],
                       initiatives=[afr1, afr5])
    builder.pledge(countries=["FRA"], amount=700_000, initiatives=[eur1])
    builder.pledge(countries=["KEN"], amount=300_000)
    builder.pledge(countries=["GHA"], amount=123, status=ReviewStatus.SUBMITTED,
                   initiatives=[afr1])  # not approved: counts nowhere
    builder.progress_report(a, achieved={"people_connected": 12500}, usd_disbursed=600000)
    db.session.commit()
    return a, b


def test_reference_load_is_idempotent_and_keeps_admin_titles():
    assert db.session.scalar(select(db.func.count()).select_from(RegionalInitiative)) == 31
    arb = db.session.scalars(select(RegionalInitiative.code).where(RegionalInitiative.region == "ARB")).all()
    assert sorted(arb) == ["ARB1", "ARB2", "ARB3", "ARB4", "ARB5", "ARB6"]
    afr1 = _initiative("AFR1")
    assert (afr1.period_start, afr1.period_end, afr1.title_fr) == (2026, 2029, "")
    afr1.title_fr = "Connectivité significative"
    afr1.title_en = "Edited by an admin"
    assert load_regional_initiatives() == 31
    assert load_regional_initiatives() == 31
    assert (afr1.title_fr, afr1.title_en) == ("Connectivité significative", "Edited by an admin")
    db.session.rollback()


def test_region_page_shows_the_aligned_pledges_with_exact_figures(client, aligned):
    html = client.get("/regions/AFR?lang=en").get_data(as_text=True)
    text = _text(html)
    afr1 = text[text.index("AFR1"):text.index("AFR2")]
    assert ("2 approved pledges, worth $3,500,000; $600,000 disbursed as reported Pledged and achieved, by "
            "indicator Pledged and achieved for AFR1 "
            "Indicator Pledged Achieved People connected to the Internet 50,000 12,500") in afr1
    afr5 = text[text.index("AFR5"):text.index("Countries")]
    assert "1 approved pledge, worth $1,000,000 Pledged" in afr5
    assert "People connected to the Internet 10,000 0" in afr5
    assert "No approved pledge is aligned with this initiative yet." in text[text.index("AFR2"):text.index("AFR3")]
    assert 'href="/pledges?initiative=AFR1"' in html
    assert "Kenya" in text and "Rwanda" in text and "France" not in text
    # Every pledge targeting a country of the region (the EUR pledge is not one of them).
    assert "3 approved pledges, worth $3,800,000; $600,000 disbursed as reported." in text[:text.index("WTDC-25")]


def test_region_codes(client):
    assert client.get("/regions/XYZ").status_code == 404
    assert client.get("/regions/OE").status_code == 404
    response = client.get("/regions/afr")
    assert response.status_code == 301 and response.headers["Location"].endswith("/regions/AFR")
    assert client.get("/regions?lang=en").status_code == 200


def test_initiative_filter_in_directory_api_and_csv(client, aligned):
    a, b = aligned
    html = client.get("/pledges?initiative=AFR1&lang=en").get_data(as_text=True)
    assert "2 approved pledges" in _text(html)
    assert a.reference in html and b.reference in html
    body = client.get("/api/v1/pledges?initiative=AFR1").get_json()
    assert body["count"] == 2 and body["count_exact"] is True
    assert {p["reference"]: p["initiatives"] for p in body["results"]} == {a.reference: ["AFR1"],
                                                                        b.reference: ["AFR1", "AFR5"]}
    assert client.get("/api/v1/pledges?initiative=AFR5").get_json()["results"][0]["reference"] == b.reference
    assert client.get("/api/v1/pledges?initiative=NOPE").status_code == 400
    rows = list(csv.DictReader(io.StringIO(client.get("/data/pledges.csv?initiative=AFR1").get_data(as_text=True))))
    assert sorted((r["reference"], r["initiatives"], r["usd_value"]) for r in rows) == sorted(
        [(a.reference, "AFR1", "2500000.00"), (b.reference, "AFR1;AFR5", "1000000.00")])
    assert count_matches({"initiative": "AFR1"}) == (2, True)


def test_pledge_page_lists_its_initiatives(client, aligned):
    a, b = aligned
    html = client.get(f"/pledges/{b.reference}?lang=fr").get_data(as_text=True)
    assert 'href="/regions/AFR#AFR1"' in html and 'href="/regions/AFR#AFR5"' in html
    # No official French title is shipped: the English one is shown, marked as English.
    assert ('<span class="user-text" lang="en" dir="ltr">Sustainable financing of Africa&#39;s digital '
            'transformation</span>') in html


def test_country_groups_add_up_to_the_directory(client, builder):
    builder.pledge(countries=["KEN"], amount=100)
    builder.pledge(countries=["KEN"], amount=200)
    builder.pledge(countries=["KEN", "UGA", "TZA"], amount=4000)
    builder.pledge(countries=[], is_global=True, amount=50_000)
    builder.pledge(countries=[], is_global=True, amount=None)
    builder.pledge(countries=["KEN"], is_global=True, amount=7)  # global and naming Kenya (imported data)
    builder.pledge(countries=["UGA"], amount=9_000_000)
    db.session.commit()
    groups = {name: measure(where) for name, where in country_groups("KEN").items()}
    assert {n: (m.pledges, m.usd) for n, m in groups.items()} == {
        "own": (3, Decimal("307")), "regional": (1, Decimal("4000")), "global": (2, Decimal("50000"))}
    with_country = count_matches({"country": "KEN"})[0]
    global_all = count_matches({"group": "global"})[0]
    both = count_matches({"country": "KEN", "group": "global"})[0]
    assert groups["own"].pledges + groups["regional"].pledges == with_country == 4
    assert sum(m.pledges for m in groups.values()) == with_country + global_all - both == 6
    text = _text(client.get("/countries/KEN?lang=en").get_data(as_text=True))
    assert "Pledges for this country 3 $307 $0" in text
    assert "Multi-country and regional pledges covering it 1 $4,000 $0" in text
    assert "Global pledges 2 $50,000 $0" in text


def test_country_page_shows_pledgers_and_pledges_elsewhere(client, builder):
    kenyan = builder.organization(name="Kenya ICT Authority", country_iso3="KEN")
    builder.pledge(lead=kenyan, countries=["UGA", "RWA"], amount=800)
    builder.pledge(lead=kenyan, countries=["KEN"], amount=5)
    db.session.commit()
    text = _text(client.get("/countries/KEN?lang=en").get_data(as_text=True))
    elsewhere = text[text.index("Pledged elsewhere by institutions of Kenya"):]
    assert "1 approved pledge, worth" in elsewhere and "800" in elsewhere
    organizations = text[text.index("Pledging organizations"):text.index("Pledged elsewhere")]
    assert "1 organization leads pledges naming this country." in organizations
    assert "Kenya ICT Authority" in organizations
    assert client.get("/countries/XXX").status_code == 404


@pytest.mark.parametrize(("lang", "name"), [("ar", "كينيا"), ("fr", "Kenya")])
def test_country_brief_pdf_in_the_readers_language(client, builder, lang, name):
    pledge = builder.pledge(countries=["KEN"], amount=1000)
    db.session.commit()
    response = client.get(f"/countries/KEN/brief.pdf?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert name in text
    assert pledge.focal_point.email not in text and pledge.lead_organization.name in text
    if lang == "fr":
        assert "Partenariat" in text or "Coalition" in text
    assert client.get("/countries/XXX/brief.pdf").status_code == 404


def test_progress_breaks_down_by_initiative(client, aligned):
    body = client.get("/api/v1/progress").get_json()
    (breakdown,) = [b for b in body["breakdowns"] if b["dimension"] == "initiative"]
    assert breakdown["additive"] is False and breakdown["filter"] == "initiative"
    rows = {r["key"]: (r["pledges"], r["usd_value"]) for r in breakdown["rows"]}
    assert rows == {"AFR1": (2, "3500000.00"), "AFR5": (1, "1000000.00"), "EUR1": (1, "700000.00")}
    html = client.get("/progress?lang=en").get_data(as_text=True)
    assert "By WTDC-25 regional initiative" in html and 'href="/pledges?initiative=AFR1"' in html


def test_the_cached_brief_follows_new_approvals(client, builder):
    builder.pledge(countries=["KEN"], amount=1000)
    db.session.commit()

    def own_row() -> str:
        text = PdfReader(io.BytesIO(client.get("/countries/KEN/brief.pdf?lang=en").data)).pages[0].extract_text()
        return next(line for line in text.splitlines() if line.startswith("Pledges for this country"))

    assert own_row() == "Pledges for this country 1 $1,000 $0"
    assert own_row() == "Pledges for this country 1 $1,000 $0"  # from the cache
    builder.pledge(countries=["KEN"], amount=500)
    db.session.commit()
    assert own_row() == "Pledges for this country 2 $1,500 $0"


def test_progress_breakdown_titles_initiatives_in_the_reader_language_or_marked_english(client, aligned):
    before = client.get("/regions/AFR?lang=fr").get_data(as_text=True)  # cached with the English title
    assert "Sustainable financing of Africa&#39;s digital transformation" in before
    afr5 = _initiative("AFR5")
    afr5.title_fr = "Financement durable de la transformation numérique de l'Afrique"
    db.session.commit()
    try:
        # An admin's new title moves the cached pages on (region page and /progress).
        region = client.get("/regions/AFR?lang=fr").get_data(as_text=True)
        assert ('<span class="user-text" lang="fr" dir="ltr">Financement durable de la transformation numérique '
                'de l&#39;Afrique</span>') in region
        html = client.get("/progress?lang=fr").get_data(as_text=True)
        start = html.index('id="chart-initiative"')
        table = html[start:html.index("</table>", start)]
        # AFR5 has a French title: shown as such; AFR1 has none: the English, marked as English.
        assert ('<a href="/pledges?initiative=AFR5">AFR5 Financement durable de la transformation numérique de '
                'l&#39;Afrique</a>') in table
        assert ('<a href="/pledges?initiative=AFR1"><span class="user-text" lang="en" dir="ltr">AFR1 Meaningful '
                'connectivity and resilient infrastructure, including emergency telecommunications and early '
                'warning</span></a>') in table
        english = client.get("/progress?lang=en").get_data(as_text=True)
        assert '<a href="/pledges?initiative=AFR5">AFR5 Sustainable financing of Africa&#39;s' in english
    finally:
        afr5.title_fr = ""
        db.session.commit()
