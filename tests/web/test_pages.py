"""Home page, health checks, error pages, security headers and language selection."""

from __future__ import annotations

import pytest

from p2c import create_app
from p2c.extensions import db


def test_home_page_says_what_p2c_is_and_links_the_ways_in(client, builder):
    builder.pledge(amount=2_500_000)
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Partner2Connect" in html
    assert 'href="#main"' in html  # skip link
    assert "<main" in html and 'role="contentinfo"' in html
    assert "<strong>1</strong> <span>approved pledge</span>" in html
    assert "$2.5M" in html


def test_health_and_readiness(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_database_away_gives_503_and_a_clean_page():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    client = app.test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    response = client.get("/")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 200


def test_404_page_is_translated(client):
    response = client.get("/no-such-page?lang=fr")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html


def test_arabic_pages_are_right_to_left(client):
    html = client.get("/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


def test_language_comes_from_query_then_cookie_then_accept_language(client):
    response = client.get("/?lang=es")
    assert "p2c_lang=es" in response.headers.get("Set-Cookie", "")
    assert '<html lang="es"' in client.get("/").get_data(as_text=True)  # cookie now set
    fresh = client.application.test_client()
    html = fresh.get("/", headers={"Accept-Language": "ru,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="ru"' in html
    html = fresh.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="en"' in html


def test_language_switcher_keeps_the_page_and_declares_alternates(client):
    html = client.get("/?lang=en").get_data(as_text=True)
    for code in ("ar", "en", "es", "fr", "ru", "zh"):
        assert f'hreflang="{code}"' in html
    assert 'href="/?lang=zh"' in html


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src-attr")[0]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # only in production


def test_production_requires_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_unexpected_error_gives_the_500_page(app):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])

    @other.get("/_boom")
    def _boom():
        raise RuntimeError("boom")

    response = other.test_client().get("/_boom?lang=fr")
    assert response.status_code == 500
    assert '<html lang="fr"' in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


def test_request_too_large_gets_413(client, app):
    response = client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert response.status_code == 413
