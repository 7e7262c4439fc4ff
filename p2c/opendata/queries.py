"""Reads for the /data page: the data dictionary, reference sources, and export filters."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select

from p2c.extensions import db
from p2c.opendata.columns import COLUMNS, KIND_TITLES, reference_values
from p2c.opendata.records import PledgeFilter
from p2c.pledges.models import Pledge
from p2c.pledges.visibility import public_clause
from p2c.reference.models import FocusArea, ReferenceSource
from p2c.rollups.queries import data_version, public_pledge_count

LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"


def data_dictionary(columns=COLUMNS, values: dict | None = None) -> list[dict[str, Any]]:
    """Each column: name, meaning, type, allowed values (codes from the reference tables when listed)."""
    values = reference_values() if values is None else values
    out = []
    for column in columns:
        codes = values.get(column.values_from or "", [])
        out.append({
            "name": column.name, "meaning": str(column.meaning), "type": str(KIND_TITLES[column.kind]),
            "allowed": str(column.allowed) if column.allowed else "", "codes": codes,
            "required": column.required, "derived": column.derived,
        })
    return out


def data_page_key(language: str) -> str:
    """The cache key of the /data page's content in `language`: it changes with the rollups' data version
    (every approval, withdrawal, import) and with the reference sources (a `p2c reference load` that
    changes a dataset's date or row count), the two things the page shows from the database."""
    sources = db.session.execute(select(ReferenceSource.dataset, ReferenceSource.as_of, ReferenceSource.rows)
                                 .order_by(ReferenceSource.dataset)).all()
    digest = hashlib.sha256(repr([tuple(row) for row in sources]).encode()).hexdigest()[:16]
    return "data-page:{}:{}.{}:{}".format(language, *data_version(committed=True), digest)


def data_page() -> dict[str, Any]:
    """Everything the /data page shows."""
    from p2c.opendata.ledger import LEDGER_COLUMNS

    values = reference_values()
    return {
        "columns": data_dictionary(COLUMNS, values),
        "ledger_columns": data_dictionary(LEDGER_COLUMNS, values),
        "sources": list(db.session.scalars(select(ReferenceSource).order_by(ReferenceSource.dataset))),
        "focus_areas": list(db.session.scalars(select(FocusArea).order_by(FocusArea.position))),
        "pledge_count": _pledge_count(),
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
    }


def _pledge_count() -> int:
    """Public pledges in the open data. From the rollups, like every figure of /progress: counting the
    public pledges read every one of them (5-10 s at 1M, once per language and data version); the cache
    key's data version moves with that row (approvals, withdrawals, embargo releases). Counted from the
    pledges while there are no rollups at all (a database restored without its derived tables, before
    `flask p2c rollups rebuild`), so the page never says 0 beside a full download."""
    if data_version() == (0, 0):
        return db.session.scalar(select(func.count()).select_from(Pledge).where(public_clause())) or 0
    return public_pledge_count()


def request_filter(args: Any) -> PledgeFilter | None:
    """The directory's filters applied to an export (`/data/pledges.csv?focus_area=connect`).

    Parsed by the directory's own schema and turned into the directory's own conditions, so an export
    and the directory list the same pledges. Raises marshmallow's ValidationError for bad filters.
    """
    from p2c.pledges.filters import FILTER_NAMES, PledgeFilterSchema
    from p2c.pledges.queries import conditions

    raw = {k: v for k, v in args.items() if k in FILTER_NAMES and v not in ("", None)}
    if not raw:
        return None
    where = conditions(PledgeFilterSchema().load(raw))
    return lambda stmt: stmt.where(*where)
