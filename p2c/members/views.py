"""/join: the expression-of-interest form, its confirmation page, and the member search of the pledge form."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for

from p2c.core.db import utcnow
from p2c.core.i18n import country_name, current_language, ref_name
from p2c.core.limits import ANY_POST_LIMIT, saved, submission_limit
from p2c.core.unit import unit_of_work
from p2c.extensions import csrf, db, limiter
from p2c.members import queries, services
from p2c.members.forms import JoinForm
from p2c.members.models import ExpressionOfInterest
from p2c.members.webforms import mask_email, remember_submission, submitted_here

bp = Blueprint("members", __name__, template_folder="templates")


def _confirmation(reference: str):
    remember_submission(reference)
    return redirect(url_for("members.submitted", reference=reference))


def _first_of_a_double_submit():
    """The same form sent twice at the same moment: the first one won; show it (None: not that case)."""
    seen = queries.idempotent_result("eoi_form", request.form.get("form_nonce", ""))
    eoi = db.session.get(ExpressionOfInterest, seen.result_id) if seen is not None and seen.result_id else None
    return _confirmation(eoi.reference) if eoi is not None else None


@bp.route("/join", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, so an expired session re-shows the form with its values
@limiter.limit(submission_limit, methods=["POST"], deduct_when=saved)
@limiter.limit(ANY_POST_LIMIT, methods=["POST"])
@unit_of_work(on_integrity_error=_first_of_a_double_submit)
def join():
    """Ask to join the coalition while a call for interest is open (or rolling)."""
    today = utcnow().date()
    state = queries.call_state(today)
    if not state.is_open:
        return render_template("members/join_closed.html", state=state, last=queries.last_closed_call(today))
    form = JoinForm()
    if request.method != "POST":
        return render_template("members/join.html", form=form, state=state)
    if form.is_bot:
        return render_template("members/join.html", form=form, state=state, bot=True), 400
    seen = queries.idempotent_result("eoi_form", form.form_nonce.data)
    if seen is not None and (eoi := db.session.get(ExpressionOfInterest, seen.result_id)) is not None:
        return _confirmation(eoi.reference)
    if not form.validate():
        return render_template("members/join.html", form=form, state=state), 422
    eoi, _ = services.create_eoi(form.to_data(), call=state.call, ui_language=current_language(),
                                 nonce=form.form_nonce.data)
    return _confirmation(eoi.reference)


@bp.get("/join/submitted/<reference>")
def submitted(reference: str):
    """Confirmation, for the browser that sent the expression of interest only."""
    if len(reference) > 24 or not submitted_here(reference):
        abort(404)
    eoi = queries.eoi_by_reference(reference)
    if eoi is None:
        abort(404)
    return render_template("members/confirmation.html", eoi=eoi, masked_email=mask_email(eoi.contact.email))


@bp.get("/organizations/search")
@limiter.limit("120 per minute")
def search_organizations():
    """Members matching ?q= (name or acronym) for the pledge form's suggestions. Public data only."""
    term = request.args.get("q", "")[:100]
    results = [
        {"name": org.name, "acronym": org.acronym,
         "stakeholder_group": org.stakeholder_group_code,
         "stakeholder_group_name": ref_name(org.stakeholder_group.name) if org.stakeholder_group else "",
         "country": org.country_iso3 or "",
         "country_name": country_name(org.country_iso3) if org.country_iso3 else ""}
        for org in queries.search_members(term) if org.public_listing
    ]
    response = jsonify(results=results)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
