"""Needs and introductions.

Public: /needs (approved needs), /needs/new (the form), /needs/<id> (a need and its ranked candidates).
Private links: /my/<token>/need (the submitter's page: status, messages, candidates, ask for an
introduction), /my/<token>/need/edit (change and resubmit when the team asked for changes),
/my/<token>/needs (a pledge's focal point: needs the pledge could answer, ask for an introduction).
Staff: /review/introductions (requests, introduce, record the outcome). Open data: /data/needs.csv.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from p2c.access.links import LinkProblem, open_link
from p2c.access.queries import messages_for
from p2c.core.auth import mark_private_link_session, staff_required
from p2c.core.cells import protect_formula
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus, SubmissionKind
from p2c.core.i18n import current_language
from p2c.core.limits import ANY_POST_LIMIT, saved, submission_limit
from p2c.core.tokens import InvalidToken, absolute_url, read_token
from p2c.core.unit import attempt, unit_of_work
from p2c.extensions import cache, csrf, db, limiter
from p2c.matchmaking import queries, services
from p2c.matchmaking.constants import IntroductionStatus, Side
from p2c.matchmaking.forms import (
    IntroduceForm,
    IntroductionForm,
    NeedEditForm,
    NeedForm,
    OutcomeForm,
    need_initial_data,
    version_of,
)
from p2c.matchmaking.models import Need
from p2c.matchmaking.schemas import PublicNeedSchema
from p2c.members.webforms import any_post_key, mask_email, remember_submission, submission_key, submitted_here
from p2c.pledges.models import Pledge
from p2c.rollups.queries import data_version

bp = Blueprint("matchmaking", __name__, template_folder="templates")


@bp.app_template_global("needs_summary")
def needs_summary() -> dict[str, int]:
    """Template global: approved needs met and open (the /progress page)."""
    return queries.summary()


@bp.app_template_global("open_introductions_count")
def open_introductions_count() -> int:
    """Template global: introduction requests waiting for the team (the review queue's link)."""
    return queries.open_introductions()


@bp.after_request
def _private(response):
    if request.view_args and "token" in request.view_args:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _need_for(token: str) -> Need:
    """The need a submitter's private link opens (same answers as every private link: 410, 403)."""
    try:
        grant = read_token(token)
    except InvalidToken as exc:
        raise LinkProblem(expired=exc.expired) from None
    need = queries.need_by_id(grant.record_id) if grant.kind == SubmissionKind.NEED.value else None
    if need is None or need.contact.email.lower() != grant.email.lower():
        raise LinkProblem()
    mark_private_link_session()
    return need


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1


@bp.get("/needs")
def index():
    """Approved needs, open ones and met ones, newest first."""
    state = request.args.get("state", "")
    state = state if state in ("open", "met") else ""
    country = (request.args.get("country", "") or "")[:3].upper()
    page = _page_number()
    needs, more = queries.public_needs(state, country if country.isalpha() else "", page)
    return render_template("matchmaking/index.html", needs=needs, more=more, page=page, state=state,
                           summary=queries.summary())


@bp.route("/needs/new", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired session re-shows the form with its values
@limiter.limit(submission_limit, methods=["POST"], deduct_when=saved, key_func=submission_key)
@limiter.limit(ANY_POST_LIMIT, methods=["POST"], key_func=any_post_key)
@unit_of_work
def new():
    """Governments, regulators and ITU offices submit a need; the team reviews it."""
    form = NeedForm()
    if request.method != "POST":
        return render_template("matchmaking/form.html", form=form)
    if form.is_bot:
        return render_template("matchmaking/form.html", form=form), 400
    if not form.validate():
        return render_template("matchmaking/form.html", form=form), 422
    need = services.create_need(form.to_data(), current_language(), form.form_nonce.data)
    remember_submission(need.reference)
    return redirect(url_for("matchmaking.submitted", reference=need.reference))


@bp.get("/needs/submitted/<reference>")
def submitted(reference: str):
    """Confirmation, for the browser that sent the need only."""
    if len(reference) > 24 or not submitted_here(reference):
        abort(404)
    need = db.session.scalars(db.select(Need).where(Need.reference == reference)).first()
    if need is None:
        abort(404)
    return render_template("matchmaking/submitted.html", need=need, masked_email=mask_email(need.contact.email))


@bp.get("/needs/<int:need_id>")
def detail(need_id: int):
    """An approved need and the pledges and organizations that could answer it, with their reasons."""
    need = queries.public_need(need_id)
    if need is None:
        abort(404)
    # The ranked lists change only with the data (every pledge, report and need change moves the data
    # version on) and the day (reporting statuses): cached as rendered HTML per language.
    epoch, version = data_version()
    key = f"need-candidates:{need.id}:{epoch}.{version}:{utcnow().date().isoformat()}:{current_language()}"
    lists = cache.get(key)
    if lists is None:
        found = queries.candidates(need)
        orgs = queries.organizations(need, {c.pledge.lead_organization_id for c in found})
        lists = render_template("matchmaking/_lists.html", candidates=found, organizations=orgs)
        cache.set(key, lists, ttl=24 * 3600)
    return render_template("matchmaking/detail.html", need=need, lists=Markup(lists))  # noqa: S704 - ours


@bp.route("/my/<token>/need", methods=["GET", "POST"])
@limiter.limit(ANY_POST_LIMIT, methods=["POST"], key_func=any_post_key)
@unit_of_work
def mine(token: str):
    """The submitter's page: the need's status, its candidates, and introduction requests."""
    need = _need_for(token)
    form = IntroductionForm()
    status = 200
    if request.method == "POST":
        status = 422
        pledge_id = form.pledge_id.data or ""
        pledge = db.session.get(Pledge, int(pledge_id)) if pledge_id.isdigit() and len(pledge_id) < 10 else None
        if pledge is None:
            form.pledge_id.errors = [_("Choose a pledge from the list.")]
        elif form.validate():
            with attempt(form) as done:
                services.request_introduction(need, pledge, Side.NEED, form.message.data or "")
            if not done.error:
                flash(_("Thank you. The coalition team will introduce you."), "success")
                return redirect(url_for("matchmaking.mine", token=token))
            status = done.status
    approved = need.status == ReviewStatus.APPROVED
    return render_template("matchmaking/mine.html", need=need, token=token, form=form,
                           candidates=queries.candidates(need) if approved else [],
                           messages=messages_for(SubmissionKind.NEED.value, need.id),
                           introductions=queries.introductions_of_need(need.id)), status


@bp.route("/my/<token>/need/edit", methods=["GET", "POST"])
@limiter.limit(ANY_POST_LIMIT, methods=["POST"], key_func=any_post_key)
@unit_of_work
def edit(token: str):
    """Change and resubmit the need, when the team asked for changes."""
    need = _need_for(token)
    if need.status != ReviewStatus.CHANGES_REQUESTED:
        return redirect(url_for("matchmaking.mine", token=token))
    if request.method != "POST":
        form = NeedEditForm(data=need_initial_data(need))
        return render_template("matchmaking/form.html", form=form, need=need, token=token)
    form = NeedEditForm()
    form.focal_email.data = need.contact.email  # bound to the private link: not changed here
    if not form.validate():
        return render_template("matchmaking/form.html", form=form, need=need, token=token), 422
    with attempt(form) as done:
        services.update_need(need, form.to_data(), form.expected_version())
    if done.error:
        return render_template("matchmaking/form.html", form=form, need=need, token=token,
                               conflict=done.error.message), done.status
    flash(_("Thank you. Your updated need was sent to the coalition team."), "success")
    return redirect(url_for("matchmaking.mine", token=token))


@bp.get("/my/<token>/needs")
def for_pledge(token: str):
    """A pledge's focal point: the open needs the pledge could answer."""
    pledge = open_link(token, {SubmissionKind.PLEDGE})[1]
    matches = queries.needs_for_pledge(pledge) if pledge.status == ReviewStatus.APPROVED else []
    return render_template("matchmaking/for_pledge.html", pledge=pledge, token=token, matches=matches,
                           asked=queries.introductions_of_pledge(pledge.id), form=IntroductionForm())


@bp.post("/my/<token>/needs/<int:need_id>/introduction")
@limiter.limit(ANY_POST_LIMIT, methods=["POST"], key_func=any_post_key)
@unit_of_work
def ask(token: str, need_id: int):
    """The pledger asks for an introduction to a need's submitter."""
    pledge = open_link(token, {SubmissionKind.PLEDGE})[1]
    need = queries.public_need(need_id)
    if need is None:
        abort(404)
    form = IntroductionForm()
    if not form.validate():
        matches = queries.needs_for_pledge(pledge) if pledge.status == ReviewStatus.APPROVED else []
        return render_template("matchmaking/for_pledge.html", pledge=pledge, token=token, matches=matches,
                               asked=queries.introductions_of_pledge(pledge.id), form=form,
                               failed_need=need.id), 422
    with attempt(form) as done:
        services.request_introduction(need, pledge, Side.PLEDGE, form.message.data or "")
    if done.error:
        matches = queries.needs_for_pledge(pledge)
        return render_template("matchmaking/for_pledge.html", pledge=pledge, token=token, matches=matches,
                               asked=queries.introductions_of_pledge(pledge.id), form=form, error=done.error.message,
                               failed_need=need.id), done.status
    flash(_("Thank you. The coalition team will introduce you."), "success")
    return redirect(url_for("matchmaking.for_pledge", token=token))


@bp.get("/review/introductions")
@staff_required
def introductions():
    """The team's introduction requests: waiting ones first."""
    return _queue_page()


def _queue_page(error: str = "", status_code: int = 200):
    status = request.args.get("status", "")
    rows, counts = queries.introduction_queue(status)
    return render_template("matchmaking/introductions.html", rows=rows, counts=counts, status=status,
                           statuses=list(IntroductionStatus), error=error, user=current_user), status_code


@bp.post("/review/introductions/<int:intro_id>/introduce")
@staff_required
@unit_of_work
def introduce(intro_id: int):
    """Introduce both sides by e-mail."""
    form = IntroduceForm()
    if not form.validate():
        return _queue_page(" ".join(str(m) for f in form for m in f.errors), 400)
    with attempt(form) as done:
        services.introduce(intro_id, version_of(form.version), bool(form.confirmed.data))
    if done.error:
        if done.error.status_code == 404:
            abort(404)
        return _queue_page(done.error.message, done.status)
    flash(_("Introduced: both sides have each other's contact by e-mail."), "success")
    return redirect(url_for("matchmaking.introductions"))


@bp.post("/review/introductions/<int:intro_id>/outcome")
@staff_required
@unit_of_work
def outcome(intro_id: int):
    """Record what came of an introduction."""
    form = OutcomeForm()
    if not form.validate():
        return _queue_page(" ".join(str(m) for f in form for m in f.errors) or _("Choose the outcome."), 422)
    with attempt(form) as done:
        services.record_outcome(intro_id, version_of(form.version), form.outcome.data, form.note.data or "",
                                form.pledge_reference.data or "")
    if done.error:
        if done.error.status_code == 404:
            abort(404)
        return _queue_page(done.error.message, done.status)
    flash(_("The outcome was recorded."), "success")
    return redirect(url_for("matchmaking.introductions"))


CSV_COLUMNS = ["reference", "country", "submitter_kind", "authority", "title", "description", "focus_area", "pillars",
               "pledge_type", "beneficiary_groups", "quantity", "quantity_unit", "start_year", "end_year",
               "approved_at", "met", "met_at", "url"]


@bp.get("/data/needs.csv")
def needs_csv():
    """Approved needs as open data (public fields only; formula cells protected like the pledge export)."""

    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for need in queries.all_public_needs():
            data = PublicNeedSchema().dump(need)
            data["pillars"] = ";".join(data["pillars"])
            data["beneficiary_groups"] = ";".join(data["beneficiary_groups"])
            data["url"] = absolute_url(f"/needs/{need.id}")
            writer.writerow([protect_formula("" if data.get(c) is None else str(data[c])) for c in CSV_COLUMNS])
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue().encode()

    response = Response(stream_with_context(rows()), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=p2c-needs.csv"
    return response
