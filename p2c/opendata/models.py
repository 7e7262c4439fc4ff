"""The open-data files' derived rows: each public pledge's rendered bytes in every format (issue 19).

Derived from the pledge tables by `p2c.opendata.fragments` only (the worker's `open_data` job and the
rollup rebuild clear them); never edited, never read by a page. Left out of a backup like the rollups:
a restored database without them renders them again on the worker's next run.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from p2c.extensions import db


class OpenDataRow(db.Model):
    """One public pledge as it appears in each full download, in UTF-8 (ASCII for the XLSX row):
    `csv` its CSV line (CRLF included), `json` its object (no separator), `xlsx` its sheet `<row>` with
    NUL for the row number and \\x01 / \\x02 for the date and datetime style ids (spliced in when the file
    is written, `fragments.XlsxRows`), `iati` its `<iati-activity>` element and the newline after it.

    No foreign key: a pledge deleted or withdrawn keeps its row until the writer drops it (its id is in
    `opendata_stale` from the same transaction)."""

    __tablename__ = "opendata_row"

    pledge_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    csv: Mapped[bytes] = mapped_column(LargeBinary)
    json: Mapped[bytes] = mapped_column(LargeBinary)
    xlsx: Mapped[bytes] = mapped_column(LargeBinary)
    iati: Mapped[bytes] = mapped_column(LargeBinary)


class OpenDataStale(db.Model):
    """A pledge whose row must be rendered again (or dropped), marked in the transaction of the change
    (`p2c.opendata.tracking`). `mark` is new on every marking: the writer removes the marks it read only
    if they are unchanged, so a change committed while it renders is rendered by the next run."""

    __tablename__ = "opendata_stale"

    pledge_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    mark: Mapped[int] = mapped_column(BigInteger)


class OpenDataRowState(db.Model):
    """The rows' one state row (id 1): `key` is what every row was rendered with (the rendering layout, the
    settings and reference tables it reads: `fragments.render_key`); `full` asks the next run to render
    every row again (a bulk load, a reference or organization change the tracking cannot attribute);
    `rendered_at` the time of the last run, in UTC ISO text, from which the embargoes that ended are found."""

    __tablename__ = "opendata_row_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    key: Mapped[str] = mapped_column(String(64), default="")
    full: Mapped[bool] = mapped_column(Boolean, default=True)
    rendered_at: Mapped[str] = mapped_column(String(40), default="")
    # The writer's lease, UTC ISO text ("" when free): one writer at a time (`fragments._take_lease`).
    lease_until: Mapped[str] = mapped_column(String(40), default="", server_default="")
