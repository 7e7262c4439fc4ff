"""Watching the platform: /metrics, request ids in logs and error pages, JSON logs, the health view (issue 19)."""

from __future__ import annotations

import io
import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from p2c import create_app
from p2c.core.logs import make_handler
from p2c.core.mail import MAX_ATTEMPTS
from p2c.core.models import OutboxMessage
from p2c.extensions import db
from p2c.operations import jobs, worker
from tests.pledges.formdata import valid_pledge


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_metrics_count_requests_by_route_and_report_the_outbox_and_jobs(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", False)
    client.post("/pledges/new", data=valid_pledge())
    client.get("/pledges/P2C-NO-SUCH")
    db.session.add(OutboxMessage(recipient="x@example.org", subject="s", body_text="b", attempts=MAX_ATTEMPTS))
    db.session.commit()
    worker.run_job(app, jobs.JOBS[2])  # the digests job: records a run
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    samples = _samples(response.get_data(as_text=True))
    assert samples[("p2c_http_requests_total", (("method", "POST"), ("route", "/pledges/new"), ("status", "302")))] >= 1
    assert samples[("p2c_http_requests_total", (("method", "GET"), ("route", "/pledges/<ref>"),
                                                ("status", "404")))] >= 1
    assert samples[("p2c_http_request_duration_seconds_count", (("method", "POST"), ("route", "/pledges/new")))] >= 1
    assert samples[("p2c_outbox_messages", (("state", "new"),))] == 1  # the confirmation, not sent by the request
    assert samples[("p2c_outbox_messages", (("state", "gave_up"),))] == 1
    assert samples[("p2c_worker_job_runs_total", (("job", "digests"),))] == 1
    assert samples[("p2c_worker_job_failures_total", (("job", "digests"),))] == 0
    assert samples[("p2c_outbox_oldest_unsent_age_seconds", ())] >= 0
    assert samples[("p2c_database_up", ())] == 1


def test_metrics_still_answer_when_the_database_is_away():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 1}})
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    samples = _samples(response.get_data(as_text=True))
    assert samples[("p2c_database_up", ())] == 0


def test_metrics_are_refused_to_outside_clients_without_the_token(app, client, monkeypatch):
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 404
    # A reverse proxy on the same host forwards an outside client: still refused.
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token")
    assert client.get("/metrics", environ_base=outside, headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert client.get("/metrics", environ_base=outside,
                      headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_request_id_is_honoured_or_made_and_shown_on_error_pages(client, caplog):
    response = client.get("/no-such-page", headers={"X-Request-ID": "lb-4f2a.17"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "lb-4f2a.17"
    assert "lb-4f2a.17" in response.get_data(as_text=True)
    made = client.get("/", headers={"X-Request-ID": "bad id with spaces <script>"}).headers["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()
    assert client.get("/").headers["X-Request-ID"] != made


def test_every_log_line_carries_the_request_id_and_json_logs_are_json():
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
    stream = io.StringIO()
    logger = logging.getLogger("p2c.test.logs")
    logger.addHandler(make_handler("json", stream))
    logger.setLevel(logging.INFO)

    @app.get("/_log_something")
    def _log_something():  # pragma: no cover - registered for this test only
        logger.info("hello from a view")
        return "ok"

    try:
        app.test_client().get("/_log_something", headers={"X-Request-ID": "req-77"})
        with app.app_context():
            logger.info("outside a request")
    finally:
        logger.handlers.clear()
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["request_id"] == "req-77" and first["message"] == "hello from a view" and first["level"] == "INFO"
    assert second["request_id"] == "-"
    text = io.StringIO()
    handler = make_handler("text", text)
    handler.handle(logging.LogRecord("p2c", logging.WARNING, __file__, 1, "plain %s", ("line",), None))
    assert text.getvalue().rstrip().endswith("WARNING [-] p2c: plain line")


def test_health_view_shows_backlog_failures_and_jobs(app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", False)
    db.session.add(OutboxMessage(recipient="fp@example.org", subject="s", body_text="b", attempts=3, kind="pledge_x",
                                 last_error="Connection refused"))
    db.session.commit()
    worker.run_job(app, jobs.JOBS[0])
    login("reviewer")
    html = client.get("/review/operations/").get_data(as_text=True)
    assert "Connection refused" in html and "fp@example.org" in html and "pledge_x" in html
    assert "sent 0, failed 1" in html or "sent 0, failed 0" in html  # the mail job's last result
    assert "Never run: is the worker (flask p2c worker) running?" in html  # the other jobs
