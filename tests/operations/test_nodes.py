"""Two gunicorn web nodes and two workers on one database and one Redis, as in production (issue 19).

Proves: a login on node A holds on node B; the submission rate limit is shared; an approval on A is
on B's /progress within a second; each confirmation e-mail is sent exactly once though two workers
run. On PostgreSQL when TEST_DATABASE_URL is set (a fresh database of that server), else on a
SQLite file; Redis database 2 (this branch's) at 127.0.0.1:6379 or P2C_TEST_REDIS_URL.
"""

from __future__ import annotations

import os
import re
import time

import pytest
import redis
import requests
from sqlalchemy import create_engine, text

from tests.cluster import Cluster, Visitor, hidden_fields
from tests.pledges.formdata import valid_pledge

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("P2C_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture
def cluster(tmp_path, smtp_server):
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()  # this branch's Redis database: limits and caches of earlier runs would count
    cluster = Cluster(tmp_path, database_server=os.environ.get("TEST_DATABASE_URL"), redis_url=REDIS_URL,
                      smtp_port=smtp_server.port,
                      extra_env={"P2C_SUBMISSION_RATE_LIMIT": "3 per hour", "P2C_DIGEST_HOUR": "24"})
    cluster.prepare()
    try:
        yield cluster
    finally:
        cluster.stop()
        cluster.drop()
        client.flushdb()


def _approved_on_progress(base: str) -> int:
    html = requests.get(base + "/progress", timeout=10).text
    found = re.search(r"<strong>([\d,]+)</strong> approved pledges?</a>", html)
    assert found, html[:2000]
    return int(found.group(1).replace(",", ""))


def test_two_nodes_and_two_workers_share_sessions_limits_figures_and_send_mail_once(cluster, smtp_server):
    node_a, node_b = cluster.start_node("a"), cluster.start_node("b")
    cluster.start_worker("worker1")
    cluster.start_worker("worker2")

    # A session opened on A is valid on B (signed cookie, shared secret; nothing kept in a node).
    staff = Visitor()
    assert staff.login(node_a, "staff@example.org").status_code == 302
    assert staff.get(node_b + "/review/", allow_redirects=False, timeout=10).status_code == 200
    assert Visitor().get(node_b + "/review/", allow_redirects=False, timeout=10).status_code == 302

    # The submission limit (3 an hour) is counted in Redis: two on A and one on B use it up, on both nodes.
    submitter = Visitor()
    for n, base in enumerate((node_a, node_a, node_b)):
        response = submitter.post_form(base + "/pledges/new", valid_pledge(focal_email=f"fp{n}@example.org"))
        assert response.status_code == 302, response.text[:500]
    assert submitter.post_form(node_b + "/pledges/new", valid_pledge()).status_code == 429
    assert submitter.post_form(node_a + "/pledges/new", valid_pledge()).status_code == 429

    # Each confirmation arrives once, though both workers flush the outbox every second.
    smtp_server.wait_for(3, timeout=20)
    time.sleep(3)
    assert sorted(m["To"] for m in smtp_server.messages) == [f"fp{n}@example.org" for n in range(3)]

    # An approval on A is on B's /progress (page and API) within a second.
    assert _approved_on_progress(node_b) == 0
    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        pledge_id = conn.execute(text("SELECT min(id) FROM pledge")).scalar_one()
    engine.dispose()
    page = staff.get(f"{node_a}/review/pledge/{pledge_id}", timeout=10)
    response = staff.post(f"{node_a}/review/pledge/{pledge_id}/decide", allow_redirects=False, timeout=10,
                          data={**hidden_fields(page.text), "action": "approve", "message": ""})
    assert response.status_code == 302, response.text[:1000]
    approved_at = time.monotonic()
    while _approved_on_progress(node_b) != 1:
        assert time.monotonic() - approved_at < 1.0, "the approval is not on node B's /progress after 1 s"
        time.sleep(0.05)
    assert requests.get(node_b + "/api/v1/progress", timeout=10).json()["totals"]["pledges"] == 1
    assert _approved_on_progress(node_a) == 1
