"""The IATI activities document (`p2c.opendata.iati`) written batch by batch with lxml's `etree.xmlfile`:
the live download (`iati_chunks`) and the worker's written file (`p2c.opendata.snapshots`) share
`IatiDocument`, so their bytes are the same."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from p2c.core.db import utcnow
from p2c.opendata.iati import IATI_VERSION, _disbursements, _ledger, _Lookups, build_activity
from p2c.opendata.records import PledgeFilter, iter_batches


class _Sink:
    """A write-only byte buffer the incremental writer fills and the generator drains."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(data)

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


class IatiDocument:
    """The IATI activities document written batch by batch: `batch(records)` returns the bytes of their
    activities (the first call also the declaration and the opening tag), `end()` the rest. The live
    download (`iati_chunks`) and the written file (`snapshots`) share it, so their bytes are the same."""

    def __init__(self) -> None:
        self.lookups = _Lookups()
        self.sink = _Sink()
        self._writer = self._write()
        next(self._writer)

    def _write(self) -> Iterator[None]:
        with etree.xmlfile(self.sink, encoding="utf-8") as xf:
            xf.write_declaration()
            generated = utcnow().replace(microsecond=0).isoformat() + "Z"
            with xf.element("iati-activities", version=IATI_VERSION, **{"generated-datetime": generated}):
                while True:
                    batch = yield
                    if batch is None:
                        break
                    ids = [r["pledge_id"] for r in batch]
                    disbursed, ledger = (_disbursements(ids), _ledger(ids)) if ids else ({}, {})
                    for rec in batch:
                        pid = rec["pledge_id"]
                        xf.write(build_activity(rec, self.lookups, disbursed.get(pid, []), ledger.get(pid)))
                        xf.write("\n")
                    xf.flush()
        yield

    def batch(self, records: list[dict[str, Any]]) -> bytes:
        self._writer.send(records)
        return self.sink.drain()

    def end(self) -> bytes:
        self._writer.send(None)
        return self.sink.drain()


def activity_fragments(records: list[dict[str, Any]], lookups: _Lookups) -> list[bytes]:
    """Each record's activity as `IatiDocument` writes it (element and newline), one bytes object per record:
    written inside an `iati-activities` element by the same incremental writer, so the bytes are those of
    the document (the open-data rows, `p2c.opendata.fragments`)."""
    sink, out = _Sink(), []
    ids = [r["pledge_id"] for r in records]
    if not ids:
        return []
    disbursed, ledger = _disbursements(ids), _ledger(ids)
    with etree.xmlfile(sink, encoding="utf-8") as xf, xf.element("iati-activities"):
        xf.flush()
        sink.drain()  # the wrapper's start tag
        for rec in records:
            pid = rec["pledge_id"]
            xf.write(build_activity(rec, lookups, disbursed.get(pid, []), ledger.get(pid)))
            xf.write("\n")
            xf.flush()
            out.append(sink.drain())
    return out


def iati_chunks(pledge_filter: PledgeFilter | None = None) -> Iterator[bytes]:
    """The IATI activities document, streamed batch by batch."""
    document = IatiDocument()
    for batch in iter_batches(pledge_filter):
        yield document.batch(batch)
    yield document.end()
