"""The worker (`flask p2c worker`): mail leaves the request path, and no job does its work twice (issue 19, 18.6)."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from p2c.core import mail
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.core.models import OutboxMessage
from p2c.extensions import db
from p2c.implementation import queries as implementation_queries
from p2c.implementation import services as implementation_services
from p2c.operations import jobs, worker
from p2c.operations.models import JobPeriod, JobStatus
from p2c.pledges.models import Pledge
from p2c.reporting.layout import LAYOUT
from p2c.rollups.models import RollupState
from tests.pledges.formdata import valid_pledge
from tests.smtp import HangingSmtpServer


@pytest.fixture
def worker_mode(app, monkeypatch):
    """Production's delivery: requests only write outbox rows, the worker sends them."""
    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT", False)


@pytest.fixture
def hanging_smtp(app, monkeypatch):
    server = HangingSmtpServer()
    server.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 1)
    yield server
    server.stop()


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_hanging_mail_server_does_not_slow_a_submission(app, client, worker_mode, hanging_smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 10)
    started = time.monotonic()
    assert client.post("/pledges/new", data=valid_pledge()).status_code == 302
    # Talking to the hanging server would take MAIL_TIMEOUT at least: the request never did.
    assert time.monotonic() - started < 10
    assert hanging_smtp.connections == []
    (message,) = _outbox()
    assert message.sent_at is None and message.attempts == 0


def test_the_worker_gives_up_on_a_hanging_server_within_the_timeout_and_retries_later(app, client, worker_mode,
                                                                                     hanging_smtp):
    client.post("/pledges/new", data=valid_pledge())
    started = time.monotonic()
    assert worker.run_job(app, jobs.JOBS[0]) == "sent 0, failed 1"
    assert time.monotonic() - started < 8  # MAIL_TIMEOUT (1 s) per step, not a hang (the machine may be loaded)
    (message,) = _outbox()
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=50)  # back-off: the next try in a minute
    status = db.session.get(JobStatus, "mail")
    assert status.runs == 1 and status.failures == 0 and status.last_result == "sent 0, failed 1"


def test_the_worker_sends_each_message_once_holding_no_database_connection(app, client, worker_mode, mail_to,
                                                                             monkeypatch):
    for n in range(3):
        client.post("/pledges/new", data=valid_pledge(focal_email=f"fp{n}@example.org"))
    assert mail_to.messages == []  # nothing sent by the requests
    in_transaction = []
    original = mail._send

    def spy(message):
        in_transaction.append(db.session().in_transaction())
        original(message)

    monkeypatch.setattr(mail, "_send", spy)
    result = app.test_cli_runner().invoke(args=["p2c", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "mail: sent 3, failed 0" in result.output
    assert sorted(m["To"] for m in mail_to.wait_for(3)) == [f"fp{n}@example.org" for n in range(3)]
    assert in_transaction == [False, False, False]
    assert all(m.sent_at is not None for m in _outbox())
    assert app.test_cli_runner().invoke(args=["p2c", "worker", "--once"]).output.startswith("mail: sent 0, failed 0")
    assert len(mail_to.messages) == 3


def test_two_workers_at_once_send_each_message_once(app, client, worker_mode, monkeypatch):
    for n in range(6):
        client.post("/pledges/new", data=valid_pledge(focal_email=f"twice{n}@example.org"))
    sent: list[str] = []
    lock = threading.Lock()

    def slow_send(message):  # a slow server: both workers see every message as due
        time.sleep(0.1)
        with lock:
            sent.append(message.recipient)

    monkeypatch.setattr(mail, "_send", slow_send)
    threads = [threading.Thread(target=worker.run_job, args=(app, jobs.JOBS[0])) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(sent) == sorted(f"twice{n}@example.org" for n in range(6))
    assert db.session.get(JobStatus, "mail").runs == 2


def test_digests_go_once_per_day_whatever_the_number_of_runs(app, builder, worker_mode, monkeypatch):
    builder.user(email="alice@example.org")
    builder.pledge(status=ReviewStatus.SUBMITTED)
    db.session.commit()
    monkeypatch.setitem(app.config, "DIGEST_HOUR", 0)
    assert worker.run_job(app, jobs.JOBS[2]) == "queued 1"
    assert worker.run_job(app, jobs.JOBS[2]) == "already sent today"
    assert [m.kind for m in _outbox()] == ["review_digest"]
    assert db.session.scalar(select(func.count()).select_from(JobPeriod)) == 1
    monkeypatch.setitem(app.config, "DIGEST_HOUR", 24)  # before the hour: nothing
    db.session.execute(JobPeriod.__table__.delete())
    db.session.commit()
    assert worker.run_job(app, jobs.JOBS[2]) == "not yet"


def test_a_reminder_batch_taken_by_two_workers_is_sent_once(app, builder, worker_mode):
    now = utcnow()
    pledge = builder.pledge(status=ReviewStatus.APPROVED, approved_at=now - timedelta(days=500))
    db.session.commit()
    batch = implementation_queries.reminder_batch(now, 30, 0, 100)
    assert [c.pledge_id for c in batch] == [pledge.id]
    # Both workers read the batch before either stamped it; the second's conditional update matches nothing.
    assert implementation_services.send_reminders(batch, now, 30) == 1
    db.session.commit()
    assert implementation_services.send_reminders(batch, now, 30) == 0
    db.session.commit()
    assert [m.kind for m in _outbox()] == ["progress_reminder"]
    assert worker.run_job(app, jobs.JOBS[1]) == "queued 0"
    assert db.session.get(Pledge, pledge.id).last_reminded_at is not None


def test_the_figures_check_passes_and_a_broken_rollup_is_reported(app, builder):
    builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()
    assert worker.run_job(app, jobs.JOB_BY_NAME["check_figures"]) == "rollups agree"
    assert worker.run_job(app, jobs.JOB_BY_NAME["check_figures"]) == "already checked today"
    from p2c.rollups.models import Rollup

    db.session.execute(JobPeriod.__table__.delete())
    db.session.execute(Rollup.__table__.update().where(Rollup.dimension == "total").values(pledges=99))
    db.session.commit()
    from p2c.extensions import cache

    cache.clear()
    result = worker.run_job(app, jobs.JOB_BY_NAME["check_figures"])
    assert result.startswith("failed: rollups differ from the pledge tables in: totals")
    status = db.session.get(JobStatus, "check_figures")
    db.session.refresh(status)
    assert status.failures == 1 and "rollups rebuild" in status.last_error


def test_an_upgraded_database_gets_its_rollups_rebuilt_once(app, builder):
    """A release that counts new dimensions: the worker rebuilds the rollups once per layout."""
    from p2c.rollups.models import Rollup

    builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()
    db.session.execute(Rollup.__table__.delete())  # as an upgraded database: no rows of the new layout
    db.session.execute(RollupState.__table__.update().values(layout="2026-11-29-old"))
    db.session.commit()
    job = jobs.JOB_BY_NAME["rollup_layout"]
    assert worker.run_job(app, job) == "rebuilt from 1 approved pledges (layout 2026-11-30-taskforce)"
    assert db.session.scalar(select(func.count()).select_from(Rollup)) > 0
    assert worker.run_job(app, job) == "rollups up to date"


def test_rollups_already_in_the_layout_are_not_rebuilt_again(app, builder):
    """A database rebuilt by `flask p2c rollups rebuild` (or created empty) is in the layout already."""
    builder.pledge(status=ReviewStatus.APPROVED)
    db.session.commit()
    assert db.session.scalar(select(RollupState.layout)) == LAYOUT
    assert worker.run_job(app, jobs.JOB_BY_NAME["rollup_layout"]) == f"rollups up to date (layout {LAYOUT})"


def test_the_figures_check_sees_the_forecast_and_timeline_rows(app, builder):
    """The 2030 forecast, the timeline and the task-force view read rollup dimensions of their own: a drifted
    row is reported."""
    from p2c.extensions import cache
    from p2c.rollups.models import Rollup

    pledge = builder.pledge(status=ReviewStatus.APPROVED, pledged_on=date(2024, 3, 1))
    for period, value in ((2022, 10), (2023, 20), (2024, 30)):
        builder.progress_report(pledge, period=period, achieved={"people_connected": value})
    db.session.commit()
    assert worker.run_job(app, jobs.JOB_BY_NAME["check_figures"]) == "rollups agree"
    for dimension, broken in (("trajectory", "forecast"), ("pledged_month", "timeline"),
                              ("tf_country_year", "task-force"), ("reported_period", "task-force")):
        db.session.execute(JobPeriod.__table__.delete())
        db.session.execute(Rollup.__table__.update().where(Rollup.dimension == dimension)
                           .values(amount_cents=Rollup.amount_cents + 100, usd_cents=Rollup.usd_cents + 100,
                                   pledges=Rollup.pledges + 1))
        db.session.commit()
        cache.clear()
        assert worker.run_job(app, jobs.JOB_BY_NAME["check_figures"]).startswith(
            f"failed: rollups differ from the pledge tables in: {broken}")
        db.session.execute(Rollup.__table__.update().where(Rollup.dimension == dimension)
                           .values(amount_cents=Rollup.amount_cents - 100, usd_cents=Rollup.usd_cents - 100,
                                   pledges=Rollup.pledges - 1))
        db.session.commit()
