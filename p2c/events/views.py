"""/events (every pledging event), /events/<slug> (what was announced there and what became of it),
/events/<slug>/counter.json (the room's live counter), and the team's "to be announced" list."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _

from p2c.core.auth import staff_required
from p2c.core.db import utcnow
from p2c.core.enums import EventKind
from p2c.core.unit import attempt, unit_of_work
from p2c.events import queries, services
from p2c.events.forms import AnnouncementForm
from p2c.pledges import queries as pledge_queries
from p2c.web.hooks import format_usd

bp = Blueprint("events", __name__, template_folder="templates")



def _event_or_404(slug: str):
    if len(slug) > 80:
        abort(404)
    event = queries.event_by_slug(slug)
    if event is None:
        abort(404)
    return event


@bp.app_template_global()
def event_kind_title(kind: str) -> str:
    """The translated name of an event kind."""
    return EventKind(kind).title if kind in EventKind.values() else kind


@bp.get("/events")
def index():
    """Every pledging event, latest first, with the pledges announced there."""
    rows = queries.events_with_counts()
    today = utcnow().date()
    return render_template("events/index.html", rows=rows,
                           status={r.event.code: queries.event_status(r.event, today) for r in rows})


@bp.get("/events/<slug>")
def detail(slug: str):
    """One event: announced there (count, value, by focus area) and what has happened since."""
    event = _event_or_404(slug)
    figures = queries.figures(event)
    return render_template("events/detail.html", event=event, figures=figures,
                           status=queries.event_status(event),
                           pledges=pledge_queries.list_items(figures.pledge_ids),
                           counter_seconds=current_app.config.get("EVENT_COUNTER_SECONDS", 15))


@bp.get("/events/<slug>/counter.json")
def counter(slug: str):
    """The live counter: public pledges announced at the event (a pledge under embargo counts from its
    announcement time)."""
    event = _event_or_404(slug)
    found = queries.counter(event)
    response = jsonify({"event": event.slug, "pledges": found["pledges"],
                        "usd_value": str(found["usd_value"]), "usd_value_text": format_usd(found["usd_value"]),
                        "as_of": datetime.now(UTC).isoformat(timespec="seconds")})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/review/events/<slug>/announcements", methods=["GET", "POST"])
@staff_required
@unit_of_work
def announcements(slug: str):
    """The team's list of pledges "to be announced" at this event, and the form to add one."""
    event = _event_or_404(slug)
    form = AnnouncementForm()
    status = 200
    if form.validate_on_submit():
        with attempt(form) as done:
            pledge = services.schedule_announcement(form.reference.data, event, form.public_from.data)
        if not done.error:
            flash(_("%(ref)s will be public from %(time)s (UTC).", ref=pledge.reference,
                    time=form.public_from.data.strftime("%Y-%m-%d %H:%M")), "success")
            return redirect(url_for("events.announcements", slug=event.slug))
        status = done.status
    elif form.is_submitted():
        status = 422
    return render_template("events/announcements.html", event=event, form=form,
                           pending=queries.to_be_announced(event)), status
