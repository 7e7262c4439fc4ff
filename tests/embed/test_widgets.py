"""The /embed/ widgets: figures equal to their source pages', six languages, framable by any site;
every other page refuses framing; the read API answers cross-origin GETs without credentials."""

from __future__ import annotations

from datetime import date

import pytest

from p2c.core.enums import ReviewStatus
from p2c.extensions import db

LANGS = ["ar", "en", "es", "fr", "ru", "zh"]


@pytest.fixture
def pledges(builder):
    org = builder.organization(name="Ministry & Partners")
    first = builder.pledge(lead=org, countries=["KEN", "UGA"], amount=1_000_000, currency="USD",
                           pledged_on=date(2025, 3, 1), title="Connect 300 schools in <rural> Kenya")
    builder.pledge(lead=org, countries=["KEN"], amount=2_500_000, currency="USD", pledged_on=date(2025, 4, 1))
    builder.pledge(lead=org, countries=["KEN"], amount=9_000_000, currency="USD", status=ReviewStatus.SUBMITTED,
                   title="Not yet approved")
    db.session.commit()
    return first


def _widget_urls(ref: str) -> list[str]:
    return ["/embed/coalition", "/embed/coalition.svg", "/embed/countries/KEN", "/embed/countries/KEN.svg",
            f"/embed/pledges/{ref}", f"/embed/pledges/{ref}.svg"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_widget_in_every_language_may_be_framed(client, pledges, lang):
    for url in _widget_urls(pledges.reference):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors *" in csp and "script-src" not in csp, url
        assert "X-Frame-Options" not in response.headers, url
        body = response.get_data(as_text=True)
        if url.endswith(".svg"):
            assert response.mimetype == "image/svg+xml"
            assert f'lang="{lang}"' in body
        else:
            assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in body
            assert "<script" not in body


def test_coalition_counter_shows_the_progress_figures(client, pledges):
    html = client.get("/embed/coalition?lang=en").get_data(as_text=True)
    assert "<strong>2</strong> approved pledges" in html
    assert "<strong>$3.5M</strong> pledged (USD)" in html
    assert "<strong>1</strong> pledging organization" in html
    assert "<strong>2</strong> countries targeted" in html
    svg = client.get("/embed/coalition.svg?lang=fr").get_data(as_text=True)
    svg = svg.replace("\u00a0", " ").replace("\u202f", " ")  # CLDR's no-break spaces
    assert "3,5 M $US" in svg and "engagements approuvés" in svg


def test_country_counter_and_badge(client, pledges):
    html = client.get("/embed/countries/ken?lang=en")
    assert html.status_code == 301 and html.headers["Location"].endswith("/embed/countries/KEN")
    html = client.get("/embed/countries/KEN?lang=en").get_data(as_text=True)
    assert "<strong>2</strong> approved pledges target this country" in html and "Kenya" in html
    badge = client.get(f"/embed/pledges/{pledges.reference}?lang=en").get_data(as_text=True)
    assert "Connect 300 schools in &lt;rural&gt; Kenya" in badge and "Ministry &amp; Partners" in badge
    assert 'target="_blank" rel="noopener"' in badge
    svg = client.get(f"/embed/pledges/{pledges.reference}.svg").get_data(as_text=True)
    assert "&lt;rural&gt;" in svg and "<rural>" not in svg


def test_unknown_or_unapproved_records_are_not_found(client, pledges, builder):
    hidden = builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    for url in ("/embed/countries/XXX", "/embed/countries/XXX.svg", f"/embed/pledges/{hidden.reference}",
                f"/embed/pledges/{hidden.reference}.svg", "/embed/pledges/NOPE"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.headers["X-Frame-Options"] == "DENY"


def test_copy_the_code_boxes_on_the_source_pages(app, client, pledges):
    base = app.config["BASE_URL"].rstrip("/")
    pages = {"/progress?lang=fr": f"{base}/embed/coalition?lang=fr",
             "/countries/KEN?lang=fr": f"{base}/embed/countries/KEN?lang=fr",
             f"/pledges/{pledges.reference}?lang=fr": f"{base}/embed/pledges/{pledges.reference}?lang=fr"}
    for page, src in pages.items():
        html = client.get(page).get_data(as_text=True)
        assert f"&lt;iframe src=&#34;{src}&#34;" in html or f'&lt;iframe src="{src}"' in html, page
        assert "Afficher ceci sur votre site web" in html, page


def _concrete_url(app, rule, values):
    from flask import url_for

    missing = set(rule.arguments) - set(values)
    assert not missing, f"{rule.rule}: add a value for {missing}"
    with app.test_request_context():
        return url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})


def test_every_other_page_refuses_framing(app, client, pledges, builder):
    """Walks the URL map: a GET outside /embed/ never allows framing, whatever its status."""
    values = {"ref": pledges.reference, "reference": pledges.reference, "iso3": "KEN", "filename": "css/p2c.css"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        # Unknown parameters get a placeholder (a 404 page must refuse framing too), `any` the first choice.
        placeholders = {a: sorted(getattr(rule._converters[a], "items", None) or ["1"])[0] for a in rule.arguments}
        url = _concrete_url(app, rule, {**placeholders, **values})
        response = client.get(url, buffered=True)  # streamed downloads end inside the request
        csp = response.headers.get("Content-Security-Policy", "")
        if rule.rule.startswith("/embed/") and response.status_code == 200:
            assert "frame-ancestors *" in csp and "X-Frame-Options" not in response.headers, url
            continue
        assert response.headers.get("X-Frame-Options") == "DENY", url
        assert "frame-ancestors 'none'" in csp, url
        checked += 1
    assert checked > 50


def test_read_api_answers_cross_origin_gets_without_credentials(client, pledges):
    origin = {"Origin": "https://ministry.example.org"}
    for url in ("/api/v1/progress", "/api/v1/pledges", f"/api/v1/pledges/{pledges.reference}"):
        response = client.get(url, headers=origin)
        assert response.status_code == 200, url
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert "ETag" in response.headers["Access-Control-Expose-Headers"]
    pages = client.get("/progress", headers=origin)
    assert "Access-Control-Allow-Origin" not in pages.headers
    # A conditional GET may be preflighted; a cross-origin write with a bearer token may not.
    ok = client.options("/api/v1/progress", headers={**origin, "Access-Control-Request-Method": "GET",
                                                     "Access-Control-Request-Headers": "If-None-Match"})
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert "if-none-match" in ok.headers["Access-Control-Allow-Headers"].lower()
    write = client.options("/api/v1/pledges", headers={**origin, "Access-Control-Request-Method": "POST",
                                                       "Access-Control-Request-Headers": "Authorization"})
    assert "POST" not in write.headers.get("Access-Control-Allow-Methods", "")
    assert "authorization" not in write.headers.get("Access-Control-Allow-Headers", "").lower()
