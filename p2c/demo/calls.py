"""Calls for interest in the demo data: the 2021 launch call and the rolling call that followed it.

DOMAIN.md: the 2021 call had a deadline (31 October); calls are time-boxed campaigns, and an admin may
allow rolling submissions between them. With a rolling call open, `make run` shows the /join form.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from p2c.extensions import db
from p2c.members.models import CallForInterest

DEMO_CALLS = [
    # (title, opens_on, closes_on, rolling)
    ("Partner2Connect Digital Coalition: call for expressions of interest 2021", date(2021, 9, 1),
     date(2021, 10, 31), False),
    ("Rolling call for expressions of interest", date(2022, 1, 1), None, True),
]


def ensure_calls() -> int:
    """Add the demo calls when the database has none; returns how many were added. Does not commit."""
    if db.session.scalar(select(func.count()).select_from(CallForInterest)):
        return 0
    for title, opens_on, closes_on, rolling in DEMO_CALLS:
        db.session.add(CallForInterest(title=title, opens_on=opens_on, closes_on=closes_on, rolling=rolling,
                                       description=""))
    db.session.flush()
    return len(DEMO_CALLS)
