"""Following by e-mail (/follow, /follow/confirm/<token>, /follow/stop/<token>) and the Atom feeds
(/feeds/<kind>/<key>.atom) of what was approved about a pledge, an organization, a country or a focus area."""

from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from flask_babel import gettext as _

from p2c.core.i18n import current_language
from p2c.core.limits import submission_limit
from p2c.core.tokens import InvalidToken, read_token
from p2c.core.unit import unit_of_work
from p2c.extensions import csrf, db, limiter
from p2c.follows import feeds, queries, services
from p2c.follows.forms import ButtonForm, FollowForm
from p2c.follows.models import Follow
from p2c.follows.notifications import CONFIRM_KIND, STOP_KIND

bp = Blueprint("follows", __name__, template_folder="templates")

# Feed URL segment -> subject kind.
FEED_KINDS = {"pledges": "pledge", "organizations": "organization", "countries": "country",
              "focus-areas": "focus_area"}
CONFIRM_DAYS = 7
STOP_DAYS = 3650  # an unsubscribe link in an old digest keeps working


@bp.app_template_global("follow_form")
def follow_form(kind: str, key: str) -> FollowForm:
    """Template global: a follow form for a subject, for any page (pledge, country, organization)."""
    return FollowForm(formdata=None, kind=kind, key=key)


@bp.route("/follow", methods=["GET", "POST"])
@limiter.limit(submission_limit, methods=["POST"])
@unit_of_work
def follow():
    """Ask to follow a subject: a confirmation link goes to the address (double opt-in)."""
    form = FollowForm() if request.method == "POST" else FollowForm(
        formdata=None, kind=request.args.get("kind", ""), key=request.args.get("key", ""))
    if request.method == "GET" and not request.args.get("kind"):
        return render_template("follows/index.html", areas=queries.focus_areas())
    subject = queries.subject(form.kind.data or "", form.key.data or "")
    if subject is None:
        abort(404)
    if request.method == "POST":
        if form.website.data:
            return render_template("follows/check_mail.html", subject=subject), 200
        if form.validate():
            services.ask(form.email.data, subject.kind, subject.key, current_language())
            return render_template("follows/check_mail.html", subject=subject)
        return render_template("follows/follow.html", form=form, subject=subject), 422
    return render_template("follows/follow.html", form=form, subject=subject)


def _grant(token: str, kind: str, days: int):
    """The link's grant, or 404 for a link that is not ours (forged, cut, another kind)."""
    try:
        grant = read_token(token, max_age_days=days)
    except InvalidToken:
        grant = None
    if grant is None or grant.kind != kind:
        abort(make_response(render_template("follows/link_invalid.html"), 404))
    return grant


def _follow_for(token: str, kind: str, days: int) -> Follow | None:
    """The follow a valid link names (None once it was deleted: unsubscribed already)."""
    grant = _grant(token, kind, days)
    follow = db.session.get(Follow, grant.record_id)
    return follow if follow is not None and follow.email == grant.email else None


@bp.route("/follow/confirm/<token>", methods=["GET", "POST"])
@unit_of_work
def confirm(token: str):
    """Confirm from the e-mailed link (a button: mail scanners that open links confirm nothing)."""
    follow = _follow_for(token, CONFIRM_KIND, CONFIRM_DAYS)
    if follow is None:  # unsubscribed since
        return render_template("follows/link_invalid.html"), 404
    subject = queries.subject(follow.target_kind, follow.target_key)
    form = ButtonForm()
    if follow.confirmed_at is None and request.method == "POST" and form.validate():
        services.confirm(follow)
    return render_template("follows/confirm.html", follow=follow, subject=subject, form=form,
                           stop_token=None)


@bp.route("/follow/stop/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" with no form token
@unit_of_work
def stop(token: str):
    """Unsubscribe: a button on the page, or the mail client's one-click POST."""
    follow = _follow_for(token, STOP_KIND, STOP_DAYS)
    if request.method == "POST":
        services.stop(follow)
        if request.form.get("List-Unsubscribe") == "One-Click":
            return "", 204
        return render_template("follows/stopped.html")
    if follow is None:
        return render_template("follows/stopped.html")
    subject = queries.subject(follow.target_kind, follow.target_key)
    return render_template("follows/stop.html", subject=subject, form=ButtonForm(),
                           name=subject.name if subject else follow.target_key)


@bp.get("/feeds/<segment>/<key>.atom")
def feed(segment: str, key: str):
    """An Atom feed of what was approved about a subject (newest 50)."""
    kind = FEED_KINDS.get(segment)
    subject = queries.subject(kind, key) if kind else None
    if subject is None:
        abort(404)
    body = feeds.atom(subject, queries.approved_items(subject.kind, subject.key),
                      title=_("Partner2Connect: %(name)s", name=subject.name))
    response = feeds.response(body)
    return response
