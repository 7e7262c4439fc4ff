"""The /data page and the open-data downloads (streamed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import chain

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

from p2c.core.errors import render_error
from p2c.core.i18n import current_language
from p2c.extensions import cache
from p2c.opendata import queries, snapshots
from p2c.opendata.exports import FORMATS
from p2c.opendata.iati_stream import iati_chunks
from p2c.opendata.ledger import LEDGER_FORMATS
from p2c.opendata.records import PledgeFilter, has_records

bp = Blueprint("opendata", __name__, template_folder="templates")


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
    response = send_file(path, mimetype=mimetype, conditional=True, etag=entry["sha256"], max_age=300)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
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
