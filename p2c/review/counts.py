"""Capped counts for the review queue: how many records match, counted up to a cap.

At a million approved pledges, counting every match of a status cost more than reading the page
(0.4 s for the approved tab, 1-1.8 s with a focus-area, region or search filter, on SQLite). A page
only needs to know whether there are many: each (kind, status) is counted as
`SELECT count(*) FROM (SELECT 1 ... WHERE ... LIMIT cap + 1)`, so the database stops after cap + 1
matching index entries. A count above the cap is shown as "1,000+"; counts up to the cap are exact.
The queue's pager does not need the exact total beyond the cap (it reads one row past the page to know
whether a next page exists). The CSV download iterates the queue and is never cut.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, func, literal, select

# Counting a (kind, status) stops after this many matches plus one: the cost of a count is then bounded
# by about COUNT_CAP index entries (times the kinds and statuses counted), whatever the table's size.
# 1,000 is 20 pages of 50, more than a reviewer pages through; past it the page shows "1,000+". It was
# 10,000 until the counts of a region filter at 1M pledges took 145-165 ms of a page's 250 on PostgreSQL
# (50 ms at 1,000: each part stops ten times sooner; benchmarks/staff_explain.py, README "Issue 19").
COUNT_CAP = 1_000


class Count(int):
    """A number of records; when `capped`, the real number is larger than this value (the value is the
    sum of the exact parts and of the cap for each part that reached it)."""

    capped: bool

    def __new__(cls, value: int, capped: bool = False) -> Count:
        count = super().__new__(cls, value)
        count.capped = capped
        return count

    def __str__(self) -> str:  # the digits, as an int's (int has no __str__ of its own: it would use __repr__)
        return int.__repr__(self)

    def __repr__(self) -> str:
        return f"Count({int(self)}{', capped' if self.capped else ''})"


def add(counts: Iterable[Count]) -> Count:
    """The sum of `counts`, itself capped (a lower bound) when any part is."""
    parts = list(counts)
    return Count(sum(int(c) for c in parts), any(c.capped for c in parts))


def capped(part: Select, cap: int) -> Select:
    """count(*) of the rows of `part` (a SELECT, its columns replaced by a constant), at most cap + 1."""
    inner = part.with_only_columns(literal(1), maintain_column_froms=True).limit(cap + 1).subquery()
    return select(func.count()).select_from(inner)


def read(value: int | None, cap: int) -> Count:
    """A Count from a capped count(*): above the cap it is the cap, marked capped."""
    value = int(value or 0)
    return Count(cap, True) if value > cap else Count(value)
