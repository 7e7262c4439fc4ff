"""Read API for pledges and organizations: /api/v1/pledges, /api/v1/pledges/<ref>, /api/v1/organizations.

Same filters as the directory (p2c.pledges.filters), keyset pagination with a `next` link, ETag and
Last-Modified with 304 answers, JSON errors.
"""

from __future__ import annotations

from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from p2c.api.blueprint import bp, documented
from p2c.pledges import queries
from p2c.pledges.filters import PledgeFilterSchema
from p2c.pledges.public_schemas import (
    OrganizationPageSchema,
    PledgePageSchema,
    PublicOrganizationSchema,
    PublicPledgeDetailSchema,
    PublicPledgeSchema,
    PublicProgressReportSchema,
)
from p2c.reporting.figures import money


def bad_request(errors: dict):
    """A 400 answer naming the invalid parameters."""
    body = {"error": {"status": 400, "title": _("Bad request"),
                      "message": _("Some parameters are not valid."), "fields": errors}}
    return jsonify(body), 400


def conditional(payload: dict, last_modified=None):
    """JSON response with an ETag (and Last-Modified when known); 304 when the client has it already."""
    response = jsonify(payload)
    response.add_etag()
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response.make_conditional(request)


@bp.get("/pledges")
@documented("/pledges", "get", summary="Approved pledges, filtered like the directory", tags=["pledges"],
            query_schema=PledgeFilterSchema, responses={200: PledgePageSchema, 400: None},
            description="Cursor pagination: follow `next` until it is null. Contact data is never included.")
def list_pledges():
    """Approved pledges matching the filters, one page."""
    try:
        filters = PledgeFilterSchema().load({k: v for k, v in request.args.items() if v != ""})
    except ValidationError as exc:
        return bad_request(exc.messages)
    page = queries.directory_page(filters, full=True)
    next_url = None
    if page.next_cursor:
        args = {k: v for k, v in request.args.items() if k != "cursor"}
        next_url = url_for("api.list_pledges", cursor=page.next_cursor, _external=True, **args)
    payload = {"count": page.count, "count_exact": page.count_exact, "next": next_url,
               "results": PublicPledgeSchema(many=True).dump(page.pledges)}
    return conditional(payload, last_modified=max((p.updated_at for p in page.pledges), default=None))


@bp.get("/pledges/<ref>")
@documented("/pledges/{ref}", "get", summary="One approved pledge", tags=["pledges"],
            responses={200: PublicPledgeDetailSchema, 404: None},
            description="With `progress_reports`: its approved progress reports, oldest first.")
def get_pledge(ref: str):
    """An approved pledge by its public reference, with its progress history."""
    pledge = queries.public_pledge(ref)
    if pledge is None:
        abort(404)
    reports = queries.progress_history(pledge)
    payload = PublicPledgeDetailSchema().dump(pledge)
    payload["progress_reports"] = PublicProgressReportSchema(many=True).dump(reports)
    return conditional(payload, last_modified=max([pledge.updated_at, *(r.updated_at for r in reports)]))


class OrganizationQuerySchema(Schema):
    """Query parameters of /api/v1/organizations."""

    after = fields.Integer(validate=validate.Range(min=0, max=2**31 - 1))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


@bp.get("/organizations")
@documented("/organizations", "get", summary="Organizations leading approved pledges", tags=["organizations"],
            query_schema=OrganizationQuerySchema, responses={200: OrganizationPageSchema, 400: None},
            description="A joint pledge counts once, under its lead organization. Pagination by `after` id.")
def list_organizations():
    """Organizations with approved pledges, by id."""
    try:
        args = OrganizationQuerySchema().load(request.args)
    except ValidationError as exc:
        return bad_request(exc.messages)
    rows, last = queries.organizations_page(args.get("after"), args["limit"])
    # The counts change when a pledge of an organization does: both times bound the page's age.
    times = [o.updated_at for o, _n, _c in rows] + [queries.pledges_modified_at([o.id for o, _n, _c in rows])]
    modified = max((t for t in times if t is not None), default=None)
    results = []
    for org, n, cents in rows:
        item = PublicOrganizationSchema().dump(org)
        item.update(pledges=n, usd_value=money(cents))
        results.append(item)
    next_url = url_for("api.list_organizations", after=last, limit=args["limit"], _external=True) if last else None
    return conditional({"next": next_url, "results": results}, last_modified=modified)
