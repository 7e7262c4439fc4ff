"""Privacy notice, contact page, share previews (Open Graph) and the favicon."""

from __future__ import annotations

import re

import pytest

from p2c.extensions import db


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_privacy_notice_says_what_why_how_long_who_and_deletion(client, lang):
    response = client.get(f"/privacy?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h2>") == 5
    assert "p2c@itu.int" in html and "/access" in html


def test_contact_page_and_footer_links(client):
    html = client.get("/contact").get_data(as_text=True)
    assert 'href="mailto:p2c@itu.int"' in html
    home = client.get("/").get_data(as_text=True)
    assert 'href="/privacy"' in home and 'href="/contact"' in home
    assert 'rel="icon" href="/static/img/favicon.svg"' in home


def test_pledge_page_has_a_share_preview(client, builder):
    pledge = builder.pledge(title="Connect 100 schools", description="Acme commits to connect 100 schools.")
    db.session.commit()
    html = client.get(f"/pledges/{pledge.reference}").get_data(as_text=True)
    metas = dict(re.findall(r'<meta property="(og:[a-z_]+)" content="([^"]*)"', html))
    assert metas["og:title"] == "Connect 100 schools"
    assert metas["og:description"] == "Acme commits to connect 100 schools."
    assert metas["og:type"] == "article" and metas["og:url"].endswith(f"/pledges/{pledge.reference}")


def test_other_pages_share_the_site_card(client):
    html = client.get("/pledges").get_data(as_text=True)
    assert '<meta property="og:title" content="Partner2Connect Digital Coalition">' in html
