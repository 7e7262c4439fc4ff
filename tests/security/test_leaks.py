"""Leaks and caching: tokens never in access logs, private pages never stored, long URLs answered
in the app's own format, and the OpenAPI document states the limits the write API enforces."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from p2c.core.enums import ReviewStatus
from p2c.core.redaction import redact
from p2c.core.tokens import make_token
from p2c.extensions import db
from tests.review.test_access_matrix import _login, _url, params  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - loopback only
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


@pytest.fixture
def gunicorn(app, tmp_path):
    """The app served by gunicorn with the repository's gunicorn.conf.py, on the test database."""
    port = _free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "P2C_CONFIG": "testing", "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log), "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if _get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield base, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_private_link_tokens_never_reach_the_access_log(builder, gunicorn):
    base, log = gunicorn
    pledge = builder.pledge(status=ReviewStatus.CHANGES_REQUESTED)
    db.session.commit()
    token = make_token("pledge", pledge.id, pledge.focal_point.email)
    assert _get(f"{base}/my/{token}")[0] == 200
    assert _get(f"{base}/my/{token}/edit")[0] == 200
    _get(f"{base}/review/?token={token}")
    _get(f"{base}/login?next=/my/{token}")
    request = urllib.request.Request(f"{base}/pledges", headers={"Referer": f"{base}/my/{token}"})
    urllib.request.urlopen(request, timeout=20).read()  # noqa: S310 - loopback only
    time.sleep(0.5)  # gunicorn writes the access log after each response
    text = log.read_text()
    assert text.count("[token]") >= 5, text
    assert token not in text and token.split(".")[-1] not in text, text
    assert "/pledges" in text  # ordinary paths are logged as they are


def test_long_urls_get_a_414_in_the_apps_format_through_gunicorn(gunicorn):
    base, _log = gunicorn
    status, content_type, body = _get(f"{base}/api/v1/pledges?q=" + "a" * 5000)
    assert status == 414 and content_type.startswith("application/json"), body[:200]
    status, content_type, _body = _get(f"{base}/pledges?q=" + "a" * 5000)
    assert status == 414 and content_type.startswith("text/html")
    status, content_type, _body = _get(f"{base}/api/v1/pledges?q=" + "a" * 3000)
    assert status == 400 and content_type.startswith("application/json")  # under the limit: the view's own check


def test_redact_leaves_ordinary_text_alone():
    for text in ("GET /pledges?page=2&sort=newest HTTP/1.1", "/static/css/app.css", "/api/v1/pledges/P2C-2026-00001",
                 "/data/iati-activities.xml", "1.2.3"):
        assert redact(text) == text
    assert redact("/x?token=abc&b=1") == "/x?token=[token]&b=1"


def test_the_development_server_log_is_redacted(app):
    import logging

    token = make_token("pledge", 1, "a@example.org")
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    logger = logging.getLogger("werkzeug")
    handler, level, disabled = Collect(), logger.level, logger.disabled
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.disabled = False  # the migrations' logging.config (run by the app fixture) disables it
    try:
        logger.info('127.0.0.1 - - "%s" 200 -', f"GET /my/{token} HTTP/1.1")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled
    assert seen == ['127.0.0.1 - - "GET /my/[token] HTTP/1.1" 200 -']


PRIVATE_ENDPOINTS = {"pledges.submitted", "members.submitted"}  # private to the browser that submitted


def _is_private_rule(rule) -> bool:
    return ("token" in rule.arguments or rule.rule.startswith(("/review", "/admin", "/verify", "/account", "/login"))
            or rule.endpoint in PRIVATE_ENDPOINTS)


def test_every_private_and_staff_page_says_no_store(app, builder, params):  # noqa: F811
    values, pledge = params
    values = {**values, "reference": pledge.reference}
    admin = builder.user("admin")
    db.session.commit()
    staff, anonymous = app.test_client(), app.test_client()
    _login(staff, admin)
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not _is_private_rule(rule):
            continue
        url = _url(app, rule, values)
        clients = [anonymous] if "token" in rule.arguments or rule.endpoint in PRIVATE_ENDPOINTS else [staff, anonymous]
        for client in clients:
            response = client.get(url)
            response.get_data()
            response.close()
            assert response.headers.get("Cache-Control") == "no-store", f"{rule.rule}: {response.status_code}"
            checked += 1
    assert checked > 40
    # Public pages stay cacheable for anonymous readers; a signed-in staff member's copy is private.
    assert "no-store" not in anonymous.get("/progress").headers.get("Cache-Control", "")
    assert staff.get("/progress").headers["Cache-Control"] == "no-store"
