"""/api/v1/progress: the figures of the progress page, from the same code (p2c.reporting.queries)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from flask import request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from p2c.api.blueprint import bp, documented
from p2c.api.errors import bad_request
from p2c.api.params import parse_query, usd
from p2c.api.responses import conditional
from p2c.core.compress import not_modified, not_modified_response, pack, packed_response
from p2c.core.i18n import current_language
from p2c.extensions import cache
from p2c.pledges.filters import FILTER_NAMES, PledgeFilterSchema, active_filters
from p2c.reference.initiatives import initiatives
from p2c.reporting import places, queries
from p2c.reporting.schemas import InitiativeListSchema, InitiativeQuerySchema, ProgressSchema


def parse_progress_filters(args) -> tuple[dict, dict]:
    """(active filters, errors) of /progress and /api/v1/progress: the directory's filters, parsed by its
    schema; a parameter that is not one of them (nor `lang`, the language of the messages) is an error."""
    errors = {name: [_("Unknown parameter.")] for name in args if name not in (*FILTER_NAMES, "lang")}
    try:
        filters = PledgeFilterSchema().load({k: v for k, v in args.items() if v != "" and k in FILTER_NAMES})
    except ValidationError as exc:
        return {}, {**errors, **exc.messages}
    return active_filters(filters), errors


class ProgressQuerySchema(PledgeFilterSchema):
    """The directory's filters (the documented query parameters of /api/v1/progress)."""

    class Meta:
        exclude = ("sort", "cursor", "limit")


@bp.get("/progress")
@documented("/progress", "get", summary="Figures of the progress page", tags=["progress"],
            query_schema=ProgressQuerySchema, responses={200: ProgressSchema, 400: None},
            description="Approved pledges only; non-additive breakdowns are marked `additive: false`. Takes the "
                        "directory's filters (the same figures, narrowed; `filters` says which); any other "
                        "parameter is a 400. `finance`: pledged versus disbursed, from the ledger.")
def progress():
    """The progress figures; 304 when the client's ETag matches the current data version."""
    filters, errors = parse_progress_filters(request.args) if request.args else ({}, {})
    if errors:
        return bad_request(errors)
    token = queries.state_token(committed=True)  # a GET: nothing of its own to see
    if filters:
        token = f"{token}:{json.dumps(filters, sort_keys=True, default=str)}"
    etag = hashlib.sha1(token.encode(), usedforsecurity=False).hexdigest()
    if not_modified(etag):
        return not_modified_response(etag)
    key = f"progress-api-v3:{token}"  # v2: (plain, gzip) bytes; v3: figures split by level
    cached = cache.get(key)
    if cached is None:
        figures = queries.filtered_figures(filters)
        body = json.dumps(ProgressSchema().dump(figures), separators=(",", ":"), ensure_ascii=False)
        cached = (pack(body), figures["as_of"])
        cache.set(key, cached, ttl=24 * 3600)
    packed, as_of = cached
    response = packed_response(packed, "application/json", etag)
    response.last_modified = datetime.fromisoformat(as_of)
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


@bp.get("/regional-initiatives")
@documented("/regional-initiatives", "get", summary="WTDC-25 regional initiatives", tags=["progress"],
            query_schema=InitiativeQuerySchema, responses={200: InitiativeListSchema, 400: None},
            description="Every initiative (2026-2029) by region and number, titled in the reader's language where "
                        "an official translation exists, with the public pledges aligned with it. `region` "
                        "filters; any other parameter (but `lang`) is a 400.")
def regional_initiatives():
    """The initiatives with their public pledges and USD value."""
    args, errors = parse_query(InitiativeQuerySchema, request.args)
    if errors:
        return bad_request(errors)
    counts = places.initiative_counts()
    results = []
    for item in initiatives(current_language(), region=args.get("region")):
        n, value = counts.get(item.code, (0, 0))
        results.append({"code": item.code, "region": item.region, "number": item.number, "title": item.title,
                        "title_lang": item.title_lang, "period_start": item.period_start,
                        "period_end": item.period_end, "active": item.active, "pledges": n, "usd_value": usd(value),
                        "url": url_for("reporting.region", code=item.region, _external=True)})
    return conditional(InitiativeListSchema().dump({"count": len(results), "results": results}))
