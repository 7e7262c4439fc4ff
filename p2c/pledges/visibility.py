"""The one rule of what the public sees of a pledge.

A pledge is public when it is approved and its announcement time has come: an approved pledge
"to be announced" at an event (`Pledge.public_from` in the future, the embargo) is invisible on every
public surface (pages, API, exports, IATI, counts and rollups, search, directory, widgets, open data)
until then. Every public read goes through `public_clause` (SQL) or `is_public` (an object); published
reports use `public_by(cutoff)`. The rollups count only public pledges: `p2c.reporting.projection`
re-counts a pledge when its embargo ends (`release_due`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_

from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus
from p2c.pledges.models import Pledge


def now() -> datetime:
    """The moment the rule is read at (naive UTC; one place, so a test can move the clock)."""
    return utcnow()


def announced_by(moment: datetime, column=None) -> ColumnElement[bool]:
    """No embargo, or an embargo over at `moment`."""
    column = Pledge.public_from if column is None else column
    return or_(column.is_(None), column <= moment)


def public_clause(at: datetime | None = None) -> ColumnElement[bool]:
    """Approved and announced: the condition every public query on pledges carries."""
    return and_(Pledge.status == ReviewStatus.APPROVED, announced_by(at or now()))


def embargoed_clause(at: datetime | None = None) -> ColumnElement[bool]:
    """Approved but not yet announced (the team's "to be announced" list)."""
    return and_(Pledge.status == ReviewStatus.APPROVED, Pledge.public_from > (at or now()))


def is_public(pledge: Pledge | None, at: datetime | None = None) -> bool:
    """The same rule for one loaded pledge."""
    if pledge is None or pledge.status != ReviewStatus.APPROVED:
        return False
    return pledge.public_from is None or pledge.public_from <= (at or now())
