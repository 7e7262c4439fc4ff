"""The full open-data downloads written ahead as files, served at the speed of the disk (issue 19).

Streaming every approved pledge through Python costs minutes at 1M pledges (about 15 MB a minute of CSV
on one core). The worker therefore writes each unfiltered download (CSV, JSON, XLSX, IATI; the CSV for
Excel is the CSV file after a byte order mark) to a file whenever the data changed, with the same
writers as the live download, so the bytes are those the live download would send. `/data/pledges.csv`
without filters sends that file (with its SHA-256 as ETag) only while it is current: its export version
must equal the database's at the time of the request. The export version is the rollups' (epoch,
version), which every write to a pledge, its links, targets or reports bumps
(`p2c.reporting.projection`), plus the organizations' count and latest `updated_at` (a renamed
organization changes every row that names it without touching a pledge). So a download is never older
than the data; until the worker has caught up, it is streamed live as before. Filtered downloads are
always live.

The bytes come from each public pledge's rendered rows (`p2c.opendata.fragments`: refreshed for the
pledges changed since the last run, all of them after a reference or layout change), concatenated in
pledge-id order between the writers' own headers and footers: a new data version renders a handful of
pledges, then writes the files at about the speed of reading one table.

Files: `<dir>/manifest.json` names the current set, `<stem>-<epoch>-<version>.<ext>` each file. The CSV
for Excel is no file: its entry (under "prefixed", apart from the whole files: `entries`) names the CSV
file and a prefix (the byte order mark), and the web sends the two (`p2c.opendata.prefixed_file`); in a
set written before, it is a whole file under "files". A new set is written beside the old one and the
manifest replaced atomically (`os.replace`); the set before is kept for downloads in flight and older sets
removed. `dir` is `OPENDATA_SNAPSHOT_DIR` (P2C_EXPORT_DIR): with several web nodes, a directory they all
see (or each node's own worker).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select

from p2c.core.ordered import OrderedThread
from p2c.extensions import db
from p2c.members.models import Organization
from p2c.opendata import fragments, row_pages
from p2c.opendata.columns import COLUMNS
from p2c.opendata.exports import CsvTable, JsonTable
from p2c.opendata.iati_stream import IatiDocument
from p2c.opendata.prefixed_file import PrefixedFile
from p2c.opendata.records import has_records
from p2c.opendata.xlsx_book import sheet_needs_zip64
from p2c.opendata.xlsx_rows import XlsxTable
from p2c.rollups.queries import data_version

# Files of a set that is neither current nor the one before are removed once this old (seconds): a set
# another worker is still writing is younger than that.
STALE_SECONDS = 6 * 3600

MANIFEST = "manifest.json"
# format -> download name: the live downloads (`exports.FORMATS`), plus the IATI file.
# "excel.csv" is no file of its own: its bytes are BOM + the CSV file's, and its manifest entry says so.
SNAPSHOT_FILES = {"csv": "pledges.csv", "json": "pledges.json", "xlsx": "pledges.xlsx",
                  "iati": "iati-activities.xml"}
BOM = b"\xef\xbb\xbf"  # the excel CSV's byte order mark (`exports.excel_csv_chunks`)


def snapshot_dir() -> Path | None:
    """The directory of the written downloads, or None when they are turned off (setting empty)."""
    setting = current_app.config.get("OPENDATA_SNAPSHOT_DIR") or ""
    return Path(setting) if setting else None


def export_version() -> list:
    """[epoch, version, organizations, latest organization update] of what is committed: the key of the
    written files. Two reads on a connection of its own (what every other process sees)."""
    epoch, version = data_version(committed=True)
    with db.engine.connect() as connection:
        count, latest = connection.execute(
            select(func.count(Organization.id), func.max(Organization.updated_at))).one()
    return [epoch, version, int(count or 0), str(latest or "")]


def read_manifest(directory: Path) -> dict | None:
    """The current set: {"version": [epoch, version, ...], "files": {format: {"file", "sha256", "size"}},
    "prefixed": {format: {"file", "prefix", "sha256", "size"}}} (see `entries`)."""
    try:
        return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def entries(manifest: dict) -> dict[str, dict]:
    """Every download a manifest names, by format. A "prefixed" entry is the bytes of its "prefix" (hex)
    followed by its "file"; its "sha256" and "size" are of both. Those entries are kept apart from "files"
    so that a web node of a release before them, reading a newer manifest during a rolling upgrade, finds
    no entry for their format and streams it live, instead of sending the bare file under its name."""
    return {**manifest.get("files", {}), **manifest.get("prefixed", {})}


def current_file(fmt: str) -> tuple[Path, dict] | None:
    """(path, {"sha256", "size", ...}) of the written download of `fmt` if it holds today's data, else None.
    With a "prefix" in the entry, the download is those bytes then the file at `path`.

    One primary-key read (the data version, on its own connection: what is committed) and a small file.
    """
    directory = snapshot_dir()
    if directory is None:
        return None
    manifest = read_manifest(directory)
    if not manifest or manifest.get("version") != export_version():
        return None
    entry = entries(manifest).get(fmt)
    if not entry:
        return None
    path = directory / entry["file"]
    return (path, entry) if path.is_file() else None


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to start writing bytes [offset, offset + length) of file `fd` to the disk, without
    waiting (none of them is dropped before it is written). A no-op where `posix_fadvise` is missing."""
    if hasattr(os, "posix_fadvise"):
        try:
            os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)
        except OSError:  # a hint only: a file system that refuses it still gets its fsync at publish
            pass


def open_entry(directory: Path, entry: dict) -> BinaryIO:
    """The download a manifest entry names, as a binary file: the file, or its prefix then the file."""
    if "prefix" in entry:
        return PrefixedFile(bytes.fromhex(entry["prefix"]), directory / entry["file"])
    return open(directory / entry["file"], "rb")  # noqa: SIM115 - the caller closes it


# Bytes written into a file between two requests to the kernel to start writing them to the disk.
WRITEBACK = 64 << 20


class _Partial:
    """One file being written: a name of its own (two workers sharing the directory never write into each
    other's file), hashed as it is written, renamed to its final name by `publish`.

    Every `WRITEBACK` bytes the kernel is asked to start writing what came so far to the disk
    (`posix_fadvise(DONTNEED)` on Linux starts the write-back of dirty pages without waiting, and leaves
    them cached until written): otherwise the 4 GB of a 1M set waited in memory for `publish`'s fsync, which
    then wrote them all at the disk's speed with nothing else left to do (4.8 s of 35 at 1M).

    With a `writer` thread, `write` hands the bytes to it (writing and hashing release the GIL, so they
    overlap with the caller's next page); `publish` waits for it."""

    def __init__(self, path: Path, writer: OrderedThread | None = None) -> None:
        self.path, self.writer = path, writer
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".partial")
        self.partial = Path(name)
        self.fh = os.fdopen(fd, "wb")
        self.digest, self.size, self.started = hashlib.sha256(), 0, 0

    def write(self, data: bytes) -> None:
        if self.writer is None:
            self._write(data)
        else:
            self.writer.submit(self._write, data)

    def _write(self, data: bytes) -> None:
        self.fh.write(data)
        self.digest.update(data)
        self.size += len(data)
        if self.size - self.started >= WRITEBACK:
            self.fh.flush()
            start_writeback(self.fh.fileno(), self.started, self.size - self.started)
            self.started = self.size

    def rehash(self) -> None:
        """Hash what another writer put into the file (openpyxl zips the XLSX itself)."""
        self.fh.seek(0)
        self.digest, self.size = hashlib.sha256(), 0
        while chunk := self.fh.read(1 << 20):
            self.digest.update(chunk)
            self.size += len(chunk)

    def publish(self) -> dict:
        if self.writer is not None:
            self.writer.drain()
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.partial, self.path)
        return {"file": self.path.name, "sha256": self.digest.hexdigest(), "size": self.size}

    def discard(self) -> None:
        self.fh.close()
        self.partial.unlink(missing_ok=True)


def _write_all(directory: Path, stem: str, with_iati: bool) -> dict[str, dict[str, dict]]:
    """Every file from the rendered rows (`fragments.OpenDataRow`), read once in pledge-id order: the
    headers and footers of the live downloads' own writers (`CsvTable`, `JsonTable`, `XlsxTable`,
    `IatiDocument`) around the rows' bytes, the XLSX rows numbered and styled by `fragments.XlsxSplice` and
    deflated into the workbook's zip as they come (a thread of `xlsx_book.WorkbookZip`). The excel CSV is
    not written (the same bytes as the CSV after its byte order mark): only hashed, and its entry names
    the CSV file with that prefix. The CSV, JSON and IATI pages are written and hashed by a thread of their
    own (`OrderedThread`) while this one joins the next page."""
    out: dict[str, _Partial] = {}
    # The excel CSV's SHA-256 (its ETag), fed the same bytes as the CSV file after the byte order mark.
    excel = hashlib.sha256(BOM)
    xlsx = None
    # Four calls a page (three files and the excel hash): two pages may wait, about 20 MB at 2,000 rows a page.
    writer = OrderedThread("opendata-files", pending=8)
    try:
        for fmt, filename in SNAPSHOT_FILES.items():
            if fmt == "iati" and not with_iati:
                continue  # an IATI file needs at least one activity; the page answers 404 meanwhile
            base, _dot, ext = filename.partition(".")
            out[fmt] = _Partial(directory / f"{base}-{stem}.{ext}", None if fmt == "xlsx" else writer)
        json_table = JsonTable(COLUMNS)
        # The sheet is deflated into its zip part as its rows come (`xlsx_book`), so the zip is opened now.
        out["xlsx"].fh.close()
        # Where the bound cannot rule ZIP64 out (within about 15% of 2 GiB), the rows are spooled and ZIP64
        # decided on the exact size at the end, as the live download does: the two files' headers agree.
        maybe = sheet_needs_zip64(*row_pages.sheet_size(), len(COLUMNS))
        xlsx = XlsxTable("pledges", COLUMNS, out["xlsx"].partial, zip64=None if maybe else False)
        sheet = fragments.XlsxSplice(xlsx)
        header = CsvTable(COLUMNS).header()
        out["csv"].write(header)
        writer.submit(excel.update, header)
        out["json"].write(json_table.start())
        iati = out.get("iati")
        if iati is not None:
            document = IatiDocument()
            iati.write(document.batch([]))  # the declaration and the opening tag
        separator = b"\n"
        # Closed on the way out, error or not: on PostgreSQL a thread reads the next page meanwhile, and the
        # connection must be free before the caller rolls back on it.
        pages = row_pages.iter_rows(["csv", "json", "xlsx", "iati"] if iati else ["csv", "json", "xlsx"])
        with contextlib.closing(pages):
            for rows in pages:
                data = b"".join([row[1] for row in rows])
                out["csv"].write(data)
                writer.submit(excel.update, data)
                out["json"].write(separator + b",\n".join([row[2] for row in rows]))
                separator = b",\n"
                sheet.add([row[3] for row in rows])
                if iati is not None:
                    iati.write(b"".join([row[4] for row in rows]))
        out["json"].write(json_table.end())
        if iati is not None:
            iati.write(document.end())
        xlsx.save()
        out["xlsx"].fh = open(out["xlsx"].partial, "r+b")  # noqa: SIM115 - closed by publish()
        out["xlsx"].rehash()
        writer.drain()  # every page written and hashed (publish would wait too)
        files = {fmt: partial.publish() for fmt, partial in out.items()}
        writer.close()
        csv = files["csv"]
        prefixed = {"excel.csv": {"file": csv["file"], "prefix": BOM.hex(), "sha256": excel.hexdigest(),
                                  "size": len(BOM) + csv["size"]}}
        return {"files": files, "prefixed": prefixed}
    except BaseException:
        try:
            writer.close()  # first: the threads may still be writing into the files
            if xlsx is not None:
                xlsx.discard()
        finally:
            for partial in out.values():
                partial.discard()
        raise


def write_snapshots(force: bool = False, checkpoint: fragments.Checkpoint | None = None) -> str:
    """Write every unfiltered download for the current data version, unless already written.

    Returns a one-line result for the worker's status table. The rendered rows are refreshed first
    (`fragments.refresh_rows`; `checkpoint` commits each batch of rows, the caller commits the rest). When the
    data changes while the files are written, the new set is discarded (its files would mix two versions)
    and the next run retries. Raises OSError when the directory cannot be written.
    """
    directory = snapshot_dir()
    if directory is None:
        return "turned off (OPENDATA_SNAPSHOT_DIR empty)"
    directory.mkdir(parents=True, exist_ok=True)
    version = export_version()
    previous = read_manifest(directory)
    if previous and previous.get("version") == version and not force:
        return "up to date"
    # Unique per writer: a second worker writing the same version makes its own files, and each
    # manifest names only files whose hash it computed itself.
    stem = f"{version[0]}-{version[1]}-{os.getpid()}-{time.time_ns()}"
    rendered = fragments.refresh_rows(checkpoint)
    if rendered == fragments.BUSY:  # its rows may be half rendered: that writer writes the files
        return rendered
    written = _write_all(directory, stem, has_records(None))
    files = written["files"]
    if export_version() != version:
        for entry in files.values():
            (directory / entry["file"]).unlink(missing_ok=True)
        return "data changed while writing; will retry"
    manifest = {"version": version, **written}
    fd, partial = tempfile.mkstemp(dir=directory, prefix=MANIFEST + ".", suffix=".partial")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, indent=1))
    os.replace(partial, directory / MANIFEST)
    keep = {MANIFEST} | {e["file"] for e in entries(manifest).values()}
    keep |= {e["file"] for e in entries(previous or {}).values()}
    now = time.time()
    for path in directory.iterdir():
        if path.name in keep:
            continue
        if path.name.endswith(".partial"):
            # Another worker may be writing it: removed only when left behind (a writer that died).
            try:
                if now - path.stat().st_mtime > STALE_SECONDS:
                    path.unlink(missing_ok=True)
            except FileNotFoundError:
                pass
            continue
        # A finished file no manifest needs (an older set; rarely, the set of a second worker that lost
        # the race, whose downloads then stream live until the next run).
        path.unlink(missing_ok=True)
    total = sum(e["size"] for e in files.values())
    return (f"wrote {len(files)} files ({total / 1e6:.1f} MB) for data version {version[0]}-{version[1]}"
            f" ({rendered})")

