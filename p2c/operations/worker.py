"""`flask p2c worker`: the jobs of p2c.operations.jobs on a schedule, with APScheduler 3.

Each job runs on its interval in a thread pool, never twice at once in one worker (max_instances=1),
with missed runs coalesced into one. SIGTERM or Ctrl-C lets running jobs finish, then exits; a
SIGKILL at any moment loses nothing (see jobs.py: every job's work commits with its own claim).
"""

from __future__ import annotations

import logging
import signal
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from p2c.extensions import db
from p2c.operations import services
from p2c.operations.jobs import JOBS, Job

log = logging.getLogger("p2c.worker")


def run_job(app: Flask, job: Job) -> str:
    """Run one job in an app context of its own and record its outcome; returns its result or the error."""
    with app.app_context():
        try:
            started = services.record_start(job.name)
            try:
                result = job.run()
            except Exception as exc:  # noqa: BLE001 - recorded, logged, retried on the next run
                log.exception("job %s failed", job.name)
                services.record_end(job.name, started, error=f"{type(exc).__name__}: {exc}")
                return f"failed: {exc}"
            services.record_end(job.name, started, result=result)
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
    log.info("worker %s started: %s", services.WORKER_ID,
             ", ".join(f"{j.name} every {app.config[j.interval_setting]}s" for j in JOBS))
    scheduler.start()
    log.info("worker stopped")
