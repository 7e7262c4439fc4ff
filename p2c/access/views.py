"""/access (ask for private links) and /my/<token> (one record's private page: status, messages,
edit and resubmit, withdraw). A token opens only the record it names, for the address it was sent to."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from p2c.access import queries, services
from p2c.access.forms import ConfirmForm, MessageForm, RequestLinkForm
from p2c.access.links import LinkProblem, link_problem_page, open_link
from p2c.core.errors import Conflict
from p2c.core.i18n import current_language
from p2c.core.limits import ANY_POST_LIMIT, saved, submission_limit
from p2c.core.unit import Attempt, attempt, unit_of_work
from p2c.core.workflow import Action, allowed_actions
from p2c.extensions import csrf, limiter
from p2c.members import services as member_services
from p2c.members.forms import JoinEditForm, eoi_initial_data
from p2c.pledges import services as pledge_services
from p2c.pledges.forms import PledgeEditForm, initial_data
from p2c.pledges.views import form_context, settle_countries

bp = Blueprint("access", __name__, template_folder="templates")


@bp.app_errorhandler(LinkProblem)
def _link_problem(exc: LinkProblem):
    # App-wide: every feature's private-link pages give the same answer for the same link.
    return link_problem_page(exc)


@bp.after_request
def _private(response):
    # Private pages are never indexed (and never stored: p2c.core.auth.is_private_response).
    if request.view_args and "token" in request.view_args:
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/access", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token and re-shows itself when the session expired
@limiter.limit(submission_limit, methods=["POST"])
@unit_of_work
def request_link():
    """Enter an e-mail address; links for every record with that focal point go to it. The answer
    never says whether the address is known."""
    form = RequestLinkForm()
    if request.method == "POST":
        if form.is_bot:
            return render_template("access/link_sent.html", email=""), 200
        if form.validate():
            services.send_links(form.email.data, current_language())
            return render_template("access/link_sent.html", email=form.email.data)
        return render_template("access/request_link.html", form=form), 422
    return render_template("access/request_link.html", form=form)


def _dashboard_context(token: str, kind: str, record, **extra) -> dict:
    actions = allowed_actions(record.status, staff=False)
    views = current_app.view_functions
    reports = {}
    if kind == "pledge" and record.status.value == "approved":
        for endpoint in ("implementation.new_report", "implementation.reports", "matchmaking.for_pledge"):
            if endpoint in views:
                reports[endpoint] = url_for(endpoint, token=token)
    return {
        "token": token, "kind": kind, "record": record, "messages": queries.messages_for(kind, record.id),
        "can_edit": Action.RESUBMIT in actions, "can_withdraw": Action.WITHDRAW in actions,
        "reports": reports, "message_form": extra.pop("message_form", None) or MessageForm(), **extra,
    }


@bp.get("/my/<token>")
def dashboard(token: str):
    """The focal point's page for one pledge or EOI."""
    kind, record = open_link(token)
    return render_template("access/dashboard.html", **_dashboard_context(token, kind, record))


@bp.post("/my/<token>/message")
@limiter.limit(submission_limit)
@unit_of_work
def message(token: str):
    """Write to the coalition team."""
    kind, record = open_link(token)
    form = MessageForm()
    if not form.validate():
        return render_template("access/dashboard.html",
                               **_dashboard_context(token, kind, record, message_form=form)), 422
    services.add_message(kind, record, form.body.data)
    flash(_("Your message was sent to the coalition team."), "success")
    return redirect(url_for("access.dashboard", token=token) + "#messages")


@bp.route("/my/<token>/withdraw", methods=["GET", "POST"])
@unit_of_work
def withdraw(token: str):
    """Withdraw, after a confirmation step."""
    kind, record = open_link(token)
    if Action.WITHDRAW not in allowed_actions(record.status, staff=False):
        flash(_("This submission can no longer be withdrawn."), "error")
        return redirect(url_for("access.dashboard", token=token))
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        if kind == "pledge":
            pledge_services.withdraw(record)
        else:
            member_services.withdraw_eoi(record)
        flash(_("Withdrawn. The coalition team has been informed."), "success")
        return redirect(url_for("access.dashboard", token=token))
    return render_template("access/withdraw.html", token=token, kind=kind, record=record, form=form)


@bp.route("/my/<token>/edit", methods=["GET", "POST"])
@csrf.exempt  # the edit forms check their own token, so an expired session re-shows the edits instead of losing them
@limiter.limit(submission_limit, methods=["POST"], deduct_when=saved)
@limiter.limit(ANY_POST_LIMIT, methods=["POST"])
@unit_of_work
def edit(token: str):
    """Change and resubmit, when the coalition team asked for changes."""
    kind, record = open_link(token)
    if Action.RESUBMIT not in allowed_actions(record.status, staff=False):
        flash(_("Changes are possible only when the coalition team asks for them."), "info")
        return redirect(url_for("access.dashboard", token=token))
    if kind == "pledge":
        return _edit_pledge(token, record)
    return _edit_eoi(token, record)


def _conflict_message(done: Attempt) -> str | None:
    """A conflict is shown on the edit page; any other refusal is the error page (as raised)."""
    if done.error is not None and not isinstance(done.error, Conflict):
        raise done.error
    return done.error.message if done.error is not None else None


def _edit_pledge(token: str, pledge):
    if request.method == "POST":
        form = PledgeEditForm()
        # The focal point's address and the lead organization stay as they are (the token is tied to them).
        form.focal_email.data = pledge.focal_point.email
        form.lead_name.data = pledge.lead_organization.name
    else:
        form = PledgeEditForm(data=initial_data(pledge))
    problem = None
    if request.method == "POST":
        if form.validate():
            with attempt() as done:
                pledge_services.update_pledge(pledge, form.cleaned, expected_version=form.expected_version())
            problem = _conflict_message(done)
            if problem is None:
                flash(_("Thank you: your changes were sent to the coalition team."), "success")
                return redirect(url_for("access.dashboard", token=token))
        else:
            settle_countries(form)
    status = 200 if request.method == "GET" else (409 if problem else 422)
    return render_template("access/edit_pledge.html", token=token, record=pledge, problem=problem,
                           **form_context(form)), status


def _edit_eoi(token: str, eoi):
    if request.method == "POST":
        form = JoinEditForm()
        form.focal_email.data = eoi.contact.email
    else:
        form = JoinEditForm(data=eoi_initial_data(eoi))
    problem = None
    if request.method == "POST":
        if form.validate():
            with attempt() as done:
                member_services.update_eoi(eoi, form.to_data(), expected_version=form.expected_version())
            problem = _conflict_message(done)
            if problem is None:
                flash(_("Thank you: your changes were sent to the coalition team."), "success")
                return redirect(url_for("access.dashboard", token=token))
    status = 200 if request.method == "GET" else (409 if problem else 422)
    return render_template("access/edit_eoi.html", token=token, record=eoi, form=form, problem=problem), status

