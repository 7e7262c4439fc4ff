"""The review queue's filters as read from a request, and the constants of the queue (statuses, page
length, age buckets, sorts). Re-exported by `p2c.review.queries`, which reads with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from p2c.core import submissions as registry
from p2c.core.enums import ReportingStatus, ReviewStatus

# Ids and versions are 64-bit integers: larger numbers in a URL or form cannot name a record (and
# would overflow the database driver).
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """A positive id or version from form or URL text (ASCII digits, at most MAX_ID), else None."""
    text = str(value if value is not None else "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


OPEN_STATUSES = (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW)
PER_PAGE = 50
# Age buckets in days since submission: (code, min days, max days or None).
AGE_BUCKETS = (("0-7", 0, 7), ("8-30", 8, 30), ("31-90", 31, 90), ("90+", 91, None))
SORTS = {
    "oldest": ("submitted_at", False),
    "newest": ("submitted_at", True),
    "reference": ("reference", False),
    "title": ("title", False),
    "organization": ("organization", False),
    "status": ("status", False),
}


@dataclass
class QueueFilters:
    """What the reviewer asked for. `status` is a status code, "open" (default) or "all"."""

    kind: str = ""
    status: str = "open"
    focus_area: str = ""
    region: str = ""
    assignee: str = ""  # "", "me", "none" or a user id
    age: str = ""
    reporting: str = ""  # a ReportingStatus code: approved pledges in that reporting status
    search: str = ""
    sort: str = "oldest"
    page: int = 1
    # "all" when the reviewer asked for the counts (the queue's "count them" link): not a filter, but kept
    # with the filters so that every link that carries them (tabs, pager, a record opened from the
    # queue and its way back) keeps the list counted.
    count: str = ""
    user_id: int | None = None  # who "me" is
    statuses: tuple = field(default=())
    # Set by the queue's counts (not from a request): a kind may then prefer a filter that reads a
    # set once (IN) to one looked up per record (EXISTS), which is what a page, stopping at 50, wants.
    counting: bool = False
    # Set by the queue's counts: on PostgreSQL a common search's matching pledges are then one set for
    # the whole statement (p2c.pledges.search.matching_set), not a lookup per record as on a page.
    shared_search: bool = False

    @classmethod
    def from_args(cls, args: Any, user_id: int | None) -> QueueFilters:
        """Read filters from request arguments, ignoring values that are not valid."""
        kinds = {t.kind.value for t in registry.all_types()}
        status = args.get("status", "open")
        if status not in ReviewStatus.values() and status not in ("open", "all"):
            status = "open"
        sort = args.get("sort", "oldest")
        try:
            page = max(1, int(args.get("page", 1)))
        except ValueError:
            page = 1
        assignee = args.get("assignee", "")
        if assignee not in ("", "me", "none") and not assignee.isdigit():
            assignee = ""
        reporting = args.get("reporting", "")
        reporting = reporting if reporting in ReportingStatus.values() else ""
        if reporting and "status" not in args:
            status = ReviewStatus.APPROVED.value  # only approved pledges have a reporting status
        return cls(
            kind=args.get("kind", "") if args.get("kind", "") in kinds else "",
            status=status,
            focus_area=args.get("focus_area", "")[:20],
            region=args.get("region", "")[:3],
            assignee=assignee,
            age=args.get("age", "") if args.get("age", "") in {b[0] for b in AGE_BUCKETS} else "",
            reporting=reporting,
            search=args.get("q", "").strip()[:100],
            sort=sort if sort in SORTS else "oldest",
            page=page,
            count="all" if args.get("count") == "all" else "",
            user_id=user_id,
        )

    def args(self, **changes: Any) -> dict:
        """Query-string arguments for these filters with some changed (links keep the other filters)."""
        values = {"kind": self.kind, "status": self.status, "focus_area": self.focus_area, "region": self.region,
                  "assignee": self.assignee, "age": self.age, "reporting": self.reporting, "q": self.search,
                  "sort": self.sort, "page": self.page, "count": self.count}
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}


def queue_query_string(f: QueueFilters) -> str:
    """The filters of `f` that differ from the default queue, as a query string ("" for the default)."""
    defaults = QueueFilters().args()
    return urlencode({k: v for k, v in f.args(page=f.page).items() if defaults.get(k) != v})
