"""Bookkeeping of the worker's jobs: each run's outcome, and once-per-period claims. Never commits,
except `record_start`/`record_end`, which write the status row in a short transaction of their own
(a job's own work commits separately, so its status survives the job's failure)."""

from __future__ import annotations

import os
import socket
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from p2c.core.db import utcnow
from p2c.extensions import db
from p2c.operations.models import JobPeriod, JobStatus

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


def claim_period(name: str, period: str, result: str = "") -> bool:
    """Mark job `name` done for `period` in the current transaction; False if it already is.

    Call it before the job's work and commit both together. A concurrent claim by another worker
    waits for this transaction and then fails on the primary key, so only one does the work.
    """
    try:
        with db.session.begin_nested():
            db.session.add(JobPeriod(name=name, period=period, result=result[:200]))
    except IntegrityError:
        return False
    return True
