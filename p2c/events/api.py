"""/api/v1/events (pledging events, filtered and paged) and /api/v1/events/<slug> (one event and what was
announced there, as its page shows). Counts and lists go through the public rule at the time of the request
(p2c.pledges.visibility): a pledge "to be announced" is neither counted nor listed before its time.
"""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from p2c.api.blueprint import bp, documented
from p2c.api.errors import bad_request, error
from p2c.api.params import parse_query, usd
from p2c.api.responses import conditional
from p2c.core.db import utcnow
from p2c.core.i18n import ref_name
from p2c.events import queries
from p2c.events.schemas import EventDetailSchema, EventListSchema, EventQuerySchema
from p2c.pledges import visibility
from p2c.reference.models import Event


def _event_fields(event: Event, status: str, pledges: int, value) -> dict:
    return {
        "code": event.code, "slug": event.slug, "name": event.name,
        "name_translations": dict(event.name_translations or {}), "kind": event.kind,
        "starts_on": event.starts_on, "ends_on": event.ends_on, "location": event.location or "",
        "status": status, "pledges": pledges, "usd_value": usd(value),
        "url": url_for("events.detail", slug=event.slug, _external=True) if event.slug else None,
    }


@bp.get("/events")
@documented("/events", "get", summary="Pledging events", tags=["events"], query_schema=EventQuerySchema,
            responses={200: EventListSchema, 400: None},
            description="Latest first (undated events last). `kind`, `year` (of the start date) and `status` "
                        "(upcoming, ongoing, past) filter; `page` and `limit` page (follow `next`). Counts are of "
                        "public pledges only: a pledge to be announced counts from its announcement time.")
def list_events():
    """Events matching the filters, one page, each with its public pledges and their USD value."""
    args, errors = parse_query(EventQuerySchema, request.args)
    if errors:
        return bad_request(errors)
    today = utcnow().date()
    found = queries.find_events(args.get("kind"), args.get("year"), args.get("status"), today)
    page, limit = args["page"], args["limit"]
    shown = found[(page - 1) * limit: page * limit]
    counts = queries.public_counts([e.code for e in shown], visibility.now())
    results = []
    for event in shown:
        n, usd = counts.get(event.code, (0, 0))
        results.append(_event_fields(event, queries.event_status(event, today), n, usd))
    next_url = None
    if page * limit < len(found):
        kept = {k: v for k, v in request.args.items() if k not in ("page", "limit")}
        next_url = url_for("api.list_events", page=page + 1, limit=limit, _external=True, **kept)
    return conditional(EventListSchema().dump({"count": len(found), "next": next_url, "results": results}))


@bp.get("/events/<slug>")
@documented("/events/{slug}", "get", summary="One pledging event and what was announced there", tags=["events"],
            responses={200: EventDetailSchema, 404: None},
            description="Its dates, place and kind; the public pledges announced there (count, US dollars, by "
                        "focus area, their references) and what has happened to them since (latest approved "
                        "progress reports), as on the event's page /events/<slug>.")
def get_event(slug: str):
    """One event by its slug."""
    event = queries.event_by_slug(slug) if len(slug) <= 80 else None
    if event is None:
        return error(404, _("No event has this address."))
    moment = visibility.now()  # one moment for every read: the count and the list agree
    figures = queries.figures(event, moment)
    references = queries.announced_references(event, moment)
    body = _event_fields(event, queries.event_status(event), figures.pledges, figures.usd_value)
    body.update(
        by_focus_area=[{"focus_area": code, "name": ref_name(name), "pledges": n, "usd_value": usd(value)}
                       for code, name, n, value in figures.by_focus_area],
        since={"reported": figures.reported, "completed": figures.completed,
               "usd_disbursed": usd(figures.usd_disbursed), "milestones": figures.milestones,
               "milestones_done": figures.milestones_done},
        references=references, references_complete=len(references) == figures.pledges,
        pledges_url=url_for("api.list_pledges", event=event.code, _external=True))
    return conditional(EventDetailSchema().dump(body))
