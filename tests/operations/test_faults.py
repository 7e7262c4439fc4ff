"""Faults, served as in production (gunicorn, worker, PostgreSQL, Redis, SMTP): issue 19 "Faults", issue 18.

- PostgreSQL going away (every connection cut, new ones refused, through a TCP proxy: the machine's
  server is shared, so the test does not restart it) gives clean 503 pages and saves nothing; when it is
  back the node serves and saves again without anyone restarting it.
- A worker killed (SIGKILL) in the middle of an SMTP exchange loses no message and sends none twice:
  a new worker sends it once its claim lease has ended.
PostgreSQL only (TEST_DATABASE_URL), as in CI's PostgreSQL run.
"""

from __future__ import annotations

import os
import time

import pytest
import redis
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.cluster import Cluster, Visitor, hidden_fields
from tests.faults import ProxyProcess
from tests.operations.test_nodes import REDIS_URL
from tests.pledges.formdata import valid_pledge

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
                       reason="the database fault needs PostgreSQL over TCP (TEST_DATABASE_URL)"),
]


@pytest.fixture
def cluster(tmp_path, smtp_server):
    redis.Redis.from_url(REDIS_URL).flushdb()
    cluster = Cluster(tmp_path, database_server=os.environ["TEST_DATABASE_URL"], redis_url=REDIS_URL,
                      smtp_port=smtp_server.port,
                      extra_env={"P2C_SUBMISSION_RATE_LIMIT": "1000 per hour", "P2C_DIGEST_HOUR": "24",
                                 "MAIL_TIMEOUT": "1", "MAIL_CLAIM_LEASE_SECONDS": "4"})
    cluster.prepare()
    try:
        yield cluster
    finally:
        cluster.stop()
        cluster.drop()


def _count(cluster: Cluster, sql: str) -> int:
    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar_one()
    engine.dispose()
    return value


def test_database_away_gives_clean_503s_and_the_node_recovers_by_itself(cluster):
    url = make_url(cluster.database_url)
    proxy = ProxyProcess(url.port or 5432)
    try:
        cluster.env["DATABASE_URL"] = url.set(port=proxy.port).render_as_string(hide_password=False)
        node = cluster.start_node("web", workers=1, threads=4)
        visitor = Visitor()
        assert visitor.post_form(node + "/pledges/new", valid_pledge(focal_email="before@example.org")
                                 ).status_code == 302
        form = visitor.get(node + "/pledges/new", timeout=10).text  # the form was fetched before the outage

        proxy.cut()
        for path in ("/", "/progress", "/pledges", "/data"):
            response = requests.get(node + path, timeout=15, allow_redirects=False)
            assert response.status_code == 503, (path, response.status_code)
            assert "temporarily unavailable" in response.text and "<html" in response.text
        assert requests.get(node + "/readyz", timeout=15).json()["database"] == "unreachable"
        assert requests.get(node + "/api/v1/progress", timeout=15).status_code == 503
        assert requests.get(node + "/healthz", timeout=15).status_code == 200
        during = visitor.post(node + "/pledges/new", timeout=15, allow_redirects=False,
                              data={**valid_pledge(focal_email="during@example.org"), **hidden_fields(form)})
        assert during.status_code == 503 and "Nothing was saved" in during.text

        proxy.forward()
        deadline = time.monotonic() + 15
        while requests.get(node + "/readyz", timeout=15).status_code != 200:
            assert time.monotonic() < deadline, "the node did not recover by itself"
            time.sleep(0.2)
        assert requests.get(node + "/progress", timeout=15).status_code == 200
        assert visitor.post_form(node + "/pledges/new", valid_pledge(focal_email="after@example.org")
                                 ).status_code == 302
    finally:
        proxy.stop()
    emails = _count(cluster, "SELECT string_agg(email, ',' ORDER BY email) FROM contact")
    assert emails == "after@example.org,before@example.org"
    assert "Traceback" not in cluster.log_text()  # every failure was an answered 503, none unhandled


def test_a_worker_killed_mid_exchange_loses_no_message_and_sends_none_twice(cluster, smtp_server):
    node = cluster.start_node("web", workers=1, threads=2)
    visitor = Visitor()
    for n in range(3):
        assert visitor.post_form(node + "/pledges/new", valid_pledge(focal_email=f"k{n}@example.org")
                                 ).status_code == 302
    smtp_server.handler.hold = True  # the server stalls before the first message's recipient is accepted
    cluster.start_worker("worker1")
    deadline = time.monotonic() + 20
    while _count(cluster, "SELECT count(*) FROM outbox_message WHERE next_attempt_at > now() AT TIME ZONE 'UTC'"
                 " AND sent_at IS NULL") == 0:
        assert time.monotonic() < deadline, cluster.log_text()
        time.sleep(0.2)
    time.sleep(0.5)
    cluster.kill("worker1")  # SIGKILL while it waits for the server's answer, a message claimed
    smtp_server.handler.hold = False
    assert smtp_server.messages == []
    cluster.start_worker("worker2")
    smtp_server.wait_for(3, timeout=30)
    time.sleep(2)  # anything sent twice would have arrived by now
    assert sorted(m["To"] for m in smtp_server.messages) == ["k0@example.org", "k1@example.org", "k2@example.org"]
    assert _count(cluster, "SELECT count(*) FROM outbox_message WHERE sent_at IS NULL") == 0
