"""Once-per-period claims of the worker's jobs. Never commits: the job commits the claim with its work."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from p2c.extensions import db
from p2c.operations.models import JobPeriod


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
