"""API for pledges and organizations: read /api/v1/pledges and /api/v1/organizations;
write POST /api/v1/pledges (partner organizations, bearer token; plumbing in `p2c.api.write`).

(GET /api/v1/pledges/<ref>, a pledge with its progress history, is in `p2c.implementation.api`.)
Reads: same filters as the directory (p2c.pledges.filters), keyset pagination with a `next` link, ETag and
Last-Modified with 304 answers, JSON errors.
"""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from p2c.api import write
from p2c.api.blueprint import bp, documented
from p2c.api.errors import bad_request, error
from p2c.api.responses import conditional
from p2c.core.i18n import current_language
from p2c.core.numbers import money
from p2c.core.unit import attempt, unit_of_work
from p2c.extensions import limiter
from p2c.pledges import queries, services
from p2c.pledges.filters import PledgeFilterSchema
from p2c.pledges.models import Pledge
from p2c.pledges.public_schemas import (
    OrganizationPageSchema,
    PledgePageSchema,
    PublicOrganizationSchema,
    PublicPledgeSchema,
)
from p2c.pledges.schemas import PledgeInputSchema


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


class PledgeCreatedSchema(Schema):
    """A pledge received through the API; it is public only once the coalition team approves it."""

    reference = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "review status: submitted"})
    title = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)


def _created_body(pledge: Pledge) -> tuple[dict, str]:
    body = PledgeCreatedSchema().dump({"reference": pledge.reference, "status": str(pledge.status),
                                       "title": pledge.title, "submitted_at": pledge.submitted_at})
    return body, url_for("api.get_pledge", ref=pledge.reference, _external=True)


@bp.post("/pledges")
@documented("/pledges", "post", summary="Submit a pledge for review (partner organizations)", tags=["write"],
            body_schema=PledgeInputSchema, responses={201: PledgeCreatedSchema, 409: None}, auth=True,
            description="The lead organization is the token's organization (lead_* fields are replaced). "
                        "The pledge enters the coalition team's review queue, like one from the form; it "
                        "becomes public when approved. Field names and rules are those of the pledge form.")
@limiter.limit(write.write_limit, key_func=write.rate_limit_key)
@unit_of_work(on_integrity_error=write.replay_first)
def create_pledge():
    """Submit a pledge on behalf of the token's organization."""
    prepared = write.prepare()
    if not isinstance(prepared, write.WriteRequest):
        return prepared
    token, payload = prepared.token, prepared.payload
    org = token.organization
    payload.update(lead_name=org.name, lead_acronym=org.acronym or "",
                   lead_stakeholder_group=org.stakeholder_group_code, lead_country=org.country_iso3,
                   lead_website=org.website or "")
    try:
        data = PledgeInputSchema().load(payload)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), exc.messages)
    with attempt() as done:
        pledge, body = services.submit_through_api(token, data, key=prepared.key, fingerprint=write.fingerprint(),
                                                   ui_language=current_language(), render=_created_body)
    if done.error:
        return write.refused(prepared, done.error)
    return write.created(body, _created_body(pledge)[1])
