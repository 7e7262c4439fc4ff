"""The /data page and the open-data downloads (streamed, or sent from the files the worker wrote)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import gettext as _
from markupsafe import Markup
from marshmallow import ValidationError
from werkzeug.wsgi import FileWrapper

from p2c.core.errors import render_error
from p2c.core.i18n import current_language
from p2c.extensions import cache
from p2c.opendata import queries, snapshots
from p2c.opendata.exports import FORMATS
from p2c.opendata.iati_stream import iati_chunks
from p2c.opendata.ledger import LEDGER_FORMATS
from p2c.opendata.prefixed_file import PrefixedFile
from p2c.opendata.records import PledgeFilter, has_records

bp = Blueprint("opendata", __name__, template_folder="templates")
READ_BYTES = 256 * 1024  # a read of a written download sent through Python (`_send_prefixed`)


def _filter() -> PledgeFilter | None:
    try:
        return queries.request_filter(request.args)
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(map(str, msgs))}" for name, msgs in exc.messages.items())
        abort(400, description=_("Invalid filter (%(problems)s).", problems=problems))


def _written(fmt: str, mimetype: str, filename: str) -> Response | None:
    """The unfiltered download from the file the worker wrote for today's data (None when there is none).

    Same bytes as the stream; conditional requests (If-None-Match on its SHA-256) and ranges work.
    """
    found = snapshots.current_file(fmt)
    if found is None:
        return None
    path, entry = found
    try:
        if "prefix" in entry:
            response = _send_prefixed(bytes.fromhex(entry["prefix"]), path, mimetype, entry["sha256"])
        else:
            response = send_file(path, mimetype=mimetype, conditional=True, etag=entry["sha256"], max_age=300)
    except FileNotFoundError:
        # Removed since the manifest was read (a second worker's clean-up of an older set): stream it live.
        return None
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _send_prefixed(prefix: bytes, path: Path, mimetype: str, etag: str) -> Response:
    """`prefix` then the file at `path` (the excel CSV: its byte order mark, then the written CSV), with
    the same headers, ranges and conditional answers as `send_file` gives a path.

    `send_file` measures only a path or a `BytesIO`: given another file object it sends no Content-Length
    and ignores Range. So the length is set here and the conditional request handled after it, as
    `send_file` does for a path (`werkzeug.utils.send_file`, `conditional=True`)."""
    body = PrefixedFile(prefix, path)
    try:
        response = send_file(body, mimetype=mimetype, conditional=False, etag=etag, max_age=300,
                             last_modified=body.mtime)
        # `send_file` wraps the body in the server's file wrapper, 8 KiB a read: gunicorn's, which cannot
        # seek (a range is read from the start of the file and dropped up to it) and whose only gain,
        # sendfile, needs a descriptor (which would send the file without its prefix). Werkzeug's seeks,
        # and 256 KiB reads send 300 MB in 0.2 s instead of 0.7 s (gunicorn, this machine).
        response.response = FileWrapper(body, READ_BYTES)
        response.content_length = body.size
        response.make_conditional(request.environ, accept_ranges=True, complete_length=body.size)
    except BaseException:
        body.close()  # a 416 (RequestedRangeNotSatisfiable) or a failure: no response owns the file
        raise
    return response


def _stream(chunks: Callable[[PledgeFilter | None], Iterator[bytes]], mimetype: str, filename: str,
            pledge_filter: PledgeFilter | None = None) -> Response:
    generator = stream_with_context(chunks(pledge_filter))
    # The first batch is built before the status line goes out: a failure there is an error page,
    # never a 200 with a truncated file. (Later batches read the same kind of rows, already cleaned
    # by `records`, so a file that starts also finishes.)
    first = next(generator, b"")
    response = Response(chain([first], generator), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Open data: any site may fetch it; it changes whenever a pledge is approved.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/data")
def index():
    """Every download, its data dictionary, the licence and the reference data sources.

    The content is the same for every visitor in a language until the data or the reference sources
    change, and building it (a dozen reference reads, the count of public pledges, a dictionary of
    every code) cost 50-75 ms a request: it is rendered once per language and version and cached."""
    key = queries.data_page_key(current_language())
    body = cache.get(key)
    if body is None:
        body = render_template("opendata/_index_body.html", current_app_endpoints=set(current_app.view_functions),
                               **queries.data_page())
        cache.set(key, body, ttl=3600)
    # Our own template's output, escaped when it was rendered: not text from a request.
    return render_template("opendata/index.html", body=Markup(body))  # noqa: S704


@bp.get("/data/pledges.<any(csv, json, xlsx, \"excel.csv\"):fmt>")
def pledges(fmt: str):
    """Approved pledges as CSV, JSON, XLSX or CSV for Excel (UTF-8 with BOM); same columns as the import."""
    mimetype, filename, chunks = FORMATS[fmt]
    pledge_filter = _filter()  # 400 on a bad filter; None when nothing narrows (`lang=`, a cache-buster ...)
    if pledge_filter is None and (written := _written(fmt, mimetype, filename)) is not None:
        return written
    return _stream(chunks, mimetype, filename, pledge_filter)


@bp.get("/data/ledger.<any(csv, json, xlsx):fmt>")
def ledger(fmt: str):
    """The financial commitments ledger: one row per disbursement entry of an approved report."""
    mimetype, filename, chunks = LEDGER_FORMATS[fmt]
    return _stream(chunks, mimetype, filename, _filter())


@bp.get("/data/iati-activities.xml")
def iati():
    """Approved pledges as IATI 2.03 activities; 404 while there is none (the schema needs one activity)."""
    pledge_filter = _filter()
    if pledge_filter is None and (written := _written("iati", "application/xml", "iati-activities.xml")):
        return written
    if not has_records(pledge_filter):
        return render_error(404, _("Nothing to publish yet: an IATI file needs at least one approved pledge "
                                   "(matching the filters, if any)."))
    return _stream(iati_chunks, "application/xml", "iati-activities.xml", pledge_filter)
