"""/access (ask for private links) and /my/<token> (one record's private page: status, messages,
edit and resubmit, withdraw). A token opens only the record it names, for the address it was sent to."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from p2c.access import queries, services
from p2c.access.forms import ConfirmForm, MessageForm, PartnerContactForm, PersonForm, RequestLinkForm
from p2c.access.links import PARTNER, PERSON, LinkProblem, link_problem_page, open_handover, open_link, open_special
from p2c.core.enums import SubmissionKind
from p2c.core.errors import Conflict
from p2c.core.i18n import current_language
from p2c.core.limits import ANY_POST_LIMIT, saved, submission_limit
from p2c.core.tokens import make_token
from p2c.core.unit import Attempt, attempt, unit_of_work
from p2c.core.workflow import Action, allowed_actions
from p2c.extensions import csrf, limiter
from p2c.members import services as member_services
from p2c.members.forms import JoinEditForm, eoi_initial_data
from p2c.pledges import handover as handover_services
from p2c.pledges import services as pledge_services
from p2c.pledges.forms import PledgeEditForm
from p2c.pledges.prefill import amendment_initial_data, initial_data
from p2c.pledges.queries import approved_amendments, partner_contacts
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


def _pledge_context(record, read_only: bool = False) -> dict:
    """Everything the private page shows of a pledge besides its fields: reports, amendments, partners."""
    return {
        "amendments": approved_amendments(record.id),
        "pending_amendment": pledge_services.pending_amendment(record),
        "partner_contacts": {pc.organization_id: pc.contact for pc in partner_contacts(record.id)},
        "handover": None if read_only else queries.open_handover(record.id), "read_only": read_only,
    }


def _dashboard_context(token: str, kind: str, record, **extra) -> dict:
    actions = allowed_actions(record.status, staff=False)
    views = current_app.view_functions
    reports = {}
    approved = kind == "pledge" and record.status.value == "approved"
    if approved:
        for endpoint in ("implementation.new_report", "implementation.reports", "matchmaking.for_pledge"):
            if endpoint in views:
                reports[endpoint] = url_for(endpoint, token=token)
    return {
        "token": token, "kind": kind, "record": record, "messages": queries.messages_for(kind, record.id),
        "history": queries.status_history(kind, record), "can_amend": approved,
        "can_edit": Action.RESUBMIT in actions, "can_withdraw": Action.WITHDRAW in actions,
        "reports": reports, "message_form": extra.pop("message_form", None) or MessageForm(),
        **(_pledge_context(record) if kind == "pledge" else {"read_only": False}), **extra,
    }


@bp.get("/my/<token>")
def dashboard(token: str):
    """The private page: one pledge or EOI (its focal point), a partner's read-only view of a pledge, or a
    person's page listing every record of their address."""
    special = open_special(token)
    if special is not None and special[0] == PERSON:
        return _person_page(special[1])
    if special is not None and special[0] == PARTNER:
        return _partner_page(token, special[1], special[2])
    kind, record = open_link(token)
    return render_template("access/dashboard.html", **_dashboard_context(token, kind, record))


def _partner_page(token: str, pledge, partner, form: MessageForm | None = None, status: int = 200):
    """A partner's contact reads the pledge's page and can send a contribution to the yearly report."""
    return render_template("access/dashboard.html", token=token, kind="pledge", record=pledge,
                           messages=queries.messages_for("pledge", pledge.id),
                           history=queries.status_history("pledge", pledge), reports={}, partner=partner,
                           contribution_form=form or MessageForm(), **_pledge_context(pledge, read_only=True)), status


@bp.post("/my/<token>/contribution")
@limiter.limit(submission_limit)
@unit_of_work
def contribute(token: str):
    """A partner's contribution to the yearly report: a message in the pledge's thread, e-mailed to its focal
    point, who files the report."""
    special = open_special(token)
    if special is None or special[0] != PARTNER:
        raise LinkProblem()
    _kind, pledge, partner = special
    form = MessageForm()
    if not form.validate():
        return _partner_page(token, pledge, partner, form, 422)
    services.add_partner_contribution(pledge, partner, form.body.data)
    flash(_("Thank you: your contribution was sent to the pledge's focal point."), "success")
    return redirect(url_for("access.dashboard", token=token) + "#messages")


def _person_page(email: str):
    """Every pledge and EOI of this address, and the pledges it follows as a partner's contact, with links."""
    # The links keep the language this page is read in (the person's e-mail's, unless they chose another).
    lang = current_language()
    rows = [(kind, record, make_token(kind, record.id, email, lang)) for kind, record in queries.records_of(email)]
    rows += [("partner", p, make_token("partner", p.id, email, lang)) for p in queries.partner_pledges_of(email)]
    return render_template("access/person.html", rows=rows)


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
    if kind == "pledge" and record.status.value == "approved":
        return redirect(url_for("access.amend", token=token))
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


def _edit_pledge(token: str, pledge, amend: bool = False):
    kept = frozenset([t.code for t in pledge.sdg_targets] + [o.code for o in pledge.gdc_objectives])
    if request.method == "POST":
        form = PledgeEditForm(kept_codes=kept)
        # The focal point's address and the lead organization stay as they are (the token is tied to them).
        form.focal_email.data = pledge.focal_point.email
        form.lead_name.data = pledge.lead_organization.name
    else:
        pending = pledge_services.pending_amendment(pledge) if amend else None
        form = PledgeEditForm(data=amendment_initial_data(pledge, pending) if pending else initial_data(pledge),
                              kept_codes=kept)
    problem = None
    if request.method == "POST":
        if form.validate():
            with attempt() as done:
                if amend:
                    pledge_services.propose_amendment(pledge, form.cleaned, expected_version=form.expected_version(),
                                                      ui_language=current_language())
                else:
                    pledge_services.update_pledge(pledge, form.cleaned, expected_version=form.expected_version())
            problem = _conflict_message(done)
            if problem is None:
                flash(_("Thank you: your changes were sent to the coalition team."), "success")
                return redirect(url_for("access.dashboard", token=token))
        else:
            settle_countries(form)
    status = 200 if request.method == "GET" else (409 if problem else 422)
    return render_template("access/edit_pledge.html", token=token, record=pledge, problem=problem, amend=amend,
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



@bp.route("/my/<token>/amend", methods=["GET", "POST"])
@csrf.exempt  # the edit form checks its own token, like /edit
@limiter.limit(submission_limit, methods=["POST"], deduct_when=saved)
@limiter.limit(ANY_POST_LIMIT, methods=["POST"])
@unit_of_work
def amend(token: str):
    """Propose changes to an approved pledge; they go to the review queue, the pledge stays as approved."""
    kind, record = open_link(token, {SubmissionKind.PLEDGE})
    if record.status.value != "approved":
        return redirect(url_for("access.edit", token=token))
    pending = pledge_services.pending_amendment(record)
    if pending is not None and pending.status.value != "changes_requested":
        flash(_("Your amendment %(ref)s is waiting for the coalition team's review.", ref=pending.reference), "info")
        return redirect(url_for("access.dashboard", token=token))
    return _edit_pledge(token, record, amend=True)


@bp.route("/my/<token>/hand-over", methods=["GET", "POST"])
@limiter.limit(submission_limit, methods=["POST"])
@unit_of_work
def hand_over(token: str):
    """Name a successor; they confirm from their own address."""
    _kind, pledge = open_link(token, {SubmissionKind.PLEDGE})
    form = PersonForm(language=current_language()) if request.method == "GET" else PersonForm()
    if request.method == "POST" and form.validate():
        with attempt(form) as done:
            handover_services.propose_handover(pledge, form.name.data, form.email.data, form.language.data)
        if done.error is None:
            flash(_("We sent %(email)s a link to confirm. The pledge stays yours until they do.",
                    email=form.email.data), "success")
            return redirect(url_for("access.dashboard", token=token))
    status = 422 if request.method == "POST" else 200
    return render_template("access/hand_over.html", token=token, record=pledge, form=form), status


@bp.route("/my/<token>/take-over", methods=["GET", "POST"])
@unit_of_work
def take_over(token: str):
    """The successor confirms, from the link sent to their address; then the private link is theirs."""
    handover = open_handover(token)
    form = ConfirmForm()
    if request.method == "POST" and form.validate():
        pledge = handover_services.confirm_handover(handover)
        return redirect(url_for("access.dashboard",
                                token=make_token("pledge", pledge.id, handover.email, handover.language or None)))
    return render_template("access/take_over.html", handover=handover, form=form)


@bp.post("/my/<token>/partners")
@limiter.limit(submission_limit)
@unit_of_work
def partner_contact(token: str):
    """Give one partner organization a contact (told of approvals; reads the page)."""
    _kind, pledge = open_link(token, {SubmissionKind.PLEDGE})
    form = PartnerContactForm()
    org_id = form.organization.data or ""
    if not form.validate() or not org_id.isdigit():
        return render_template("access/dashboard.html", partner_form=form, partner_form_org=org_id,
                               **_dashboard_context(token, "pledge", pledge)), 422
    with attempt(form) as done:
        handover_services.set_partner_contact(pledge, int(org_id), form.name.data, form.email.data,
                                              form.language.data)
    if done.error is not None:
        return render_template("access/dashboard.html", partner_form=form, partner_form_org=org_id,
                               **_dashboard_context(token, "pledge", pledge)), 422
    flash(_("The partner's contact was saved."), "success")
    return redirect(url_for("access.dashboard", token=token) + "#partners")
