"""`flask p2c worker`: the jobs of p2c.operations.jobs on a schedule, with APScheduler 3.

Each job runs on its interval in a thread pool, never twice at once in one worker (max_instances=1),
with missed runs coalesced into one. SIGTERM or Ctrl-C lets running jobs finish, then exits; a
SIGKILL at any moment loses nothing (see jobs.py: every job's work commits with its own claim).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from p2c.core.db import utcnow
from p2c.extensions import db
from p2c.operations.jobs import JOBS, Job
from p2c.operations.models import JobStatus

log = logging.getLogger("p2c.worker")


# -- each run's outcome, in a short transaction of its own (so it survives the job's failure) -----------

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"[:100]


def record_start(name: str) -> datetime:
    """Note that this worker started job `name`; returns the start time."""
    started = utcnow()
    _write(name, last_started_at=started, last_worker=WORKER_ID)
    return started


def record_end(name: str, started: datetime, result: str = "", error: str = "") -> None:
    """Note the outcome of the run begun at `started`: `result` on success, else `error` (a failure)."""
    finished = utcnow()
    values: dict = {"last_finished_at": finished, "runs": JobStatus.runs + 1,
                    "last_duration_ms": int((finished - started).total_seconds() * 1000)}
    if error:
        values.update(last_error=error[:2000], failures=JobStatus.failures + 1)
    else:
        values.update(last_succeeded_at=finished, last_result=result[:200], last_error="")
    _write(name, **values)


def _write(name: str, **values: object) -> None:
    db.session.rollback()  # whatever the job left open is not ours to commit
    for _ in range(2):
        changed = db.session.execute(update(JobStatus).where(JobStatus.name == name).values(**values)
                                     .execution_options(synchronize_session=False)).rowcount
        if changed:
            db.session.commit()
            return
        db.session.add(JobStatus(name=name))  # first run ever of this job
        try:
            db.session.commit()
        except IntegrityError:  # another worker created it at the same moment
            db.session.rollback()


def run_job(app: Flask, job: Job) -> str:
    """Run one job in an app context of its own and record its outcome; returns its result or the error."""
    with app.app_context():
        try:
            started = record_start(job.name)
            try:
                result = job.run()
            except Exception as exc:  # noqa: BLE001 - recorded, logged, retried on the next run
                log.exception("job %s failed", job.name)
                record_end(job.name, started, error=f"{type(exc).__name__}: {exc}")
                return f"failed: {exc}"
            record_end(job.name, started, result=result)
            log.info("job %s: %s", job.name, result)
            return result
        except Exception:  # noqa: BLE001 - the database is away: try again on the next run
            log.exception("job %s could not record its run", job.name)
            return "failed: status not recorded"
        finally:
            db.session.remove()


def run_once(app: Flask) -> dict[str, str]:
    """Every job once, in order (for cron-style use and tests): {name: result}."""
    return {job.name: run_job(app, job) for job in JOBS}


def run_forever(app: Flask) -> None:
    """Schedule every job on its interval and block until SIGTERM/SIGINT."""
    scheduler = BlockingScheduler(
        timezone=UTC,
        executors={"default": ThreadPoolExecutor(len(JOBS))},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    now = datetime.now(UTC)
    for job in JOBS:
        scheduler.add_job(run_job, IntervalTrigger(seconds=app.config[job.interval_setting]), args=(app, job),
                          id=job.name, name=job.name, next_run_time=now)

    def stop(signum, frame):  # noqa: ARG001 - signal handler signature
        log.info("worker stopping (signal %s): letting running jobs finish", signum)
        scheduler.shutdown(wait=False)

    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per run of each job is noise
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("worker %s started: %s", WORKER_ID,
             ", ".join(f"{j.name} every {app.config[j.interval_setting]}s" for j in JOBS))
    scheduler.start()
    log.info("worker stopped")
