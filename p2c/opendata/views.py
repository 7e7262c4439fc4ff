"""The /data page and the open-data downloads (streamed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import Blueprint, Response, abort, current_app, render_template, request, stream_with_context
from flask_babel import gettext as _
from marshmallow import ValidationError

from p2c.opendata import queries
from p2c.opendata.exports import FORMATS
from p2c.opendata.iati import iati_chunks
from p2c.opendata.records import PledgeFilter

bp = Blueprint("opendata", __name__, template_folder="templates")


def _stream(chunks: Callable[[PledgeFilter | None], Iterator[bytes]], mimetype: str, filename: str) -> Response:
    try:
        pledge_filter = queries.request_filter(request.args)
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(map(str, msgs))}" for name, msgs in exc.messages.items())
        abort(400, description=_("Invalid filter (%(problems)s).", problems=problems))
    response = Response(stream_with_context(chunks(pledge_filter)), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Open data: any site may fetch it; it changes whenever a pledge is approved.
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/data")
def index():
    """Every download, its data dictionary, the licence and the reference data sources."""
    return render_template("opendata/index.html", current_app_endpoints=set(current_app.view_functions),
                           **queries.data_page())


@bp.get("/data/pledges.<any(csv, json, xlsx):fmt>")
def pledges(fmt: str):
    """Approved pledges as CSV, JSON or XLSX (same columns as the import)."""
    mimetype, filename, chunks = FORMATS[fmt]
    return _stream(chunks, mimetype, filename)


@bp.get("/data/iati-activities.xml")
def iati():
    """Approved pledges as IATI 2.03 activities."""
    return _stream(iati_chunks, "application/xml", "iati-activities.xml")
