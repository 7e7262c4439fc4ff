"""What the worker did: the last run of each job, and the periods a once-per-period job has done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from p2c.core.db import utcnow
from p2c.extensions import db


class JobStatus(db.Model):
    """One row per scheduled job (outbox, reminders, digests, checks): its last run and counters.

    Updated by whichever worker ran the job; read by the health view and /metrics on every web node.
    """

    __tablename__ = "job_status"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_succeeded_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    last_result: Mapped[str] = mapped_column(String(200), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    # "host:pid" of the worker that last ran it.
    last_worker: Mapped[str] = mapped_column(String(100), default="")
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class JobPeriod(db.Model):
    """A once-per-period job done for that period, e.g. ("digest", "2026-11-30").

    Inserted in the same transaction as the job's work: the primary key makes a second worker's
    attempt fail and roll back, and a worker killed mid-way leaves no row, so the period is retried.
    """

    __tablename__ = "job_period"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(40), primary_key=True)
    done_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    result: Mapped[str] = mapped_column(String(200), default="")
