"""Verification pages: the verifier's assignments and decision (/verify), the team's assignment form.

A verifier opens only the reports assigned to it; everything else (the review queue, contacts, other
records, administration) answers 403 through the existing role checks (p2c.core.auth)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from p2c.core.auth import role_required, staff_required
from p2c.core.enums import UserRole, VerificationOutcome
from p2c.core.errors import Conflict
from p2c.core.unit import attempt, unit_of_work
from p2c.verification import queries, services
from p2c.verification.constants import CHECKLIST
from p2c.verification.forms import AssignVerifierForm, VerificationDecisionForm, checklist_answers

bp = Blueprint("verification", __name__, template_folder="templates")

verifier_required = role_required(UserRole.VERIFIER)  # administrators pass too (they see every assignment)


@bp.app_template_global("verification_of")
def verification_of(report):
    """The verification of a progress report, or None (for the review page and the pledger's pages)."""
    return queries.of_report(report.id)


@bp.app_template_global("verifications_of_pledge")
def verifications_of_pledge(pledge) -> list:
    """The decided verifications of a pledge's reports (its focal point's private page)."""
    return queries.decided_for_pledge(pledge.id)


@bp.app_template_global("verifier_assign_form")
def verifier_assign_form() -> AssignVerifierForm:
    """An empty assignment form offering the active verifiers (the review page's panel)."""
    form = AssignVerifierForm(formdata=None)
    form.set_verifiers(queries.verifiers())
    return form


@bp.get("/verify/")
@verifier_required
def index():
    """My assignments: undecided first."""
    return render_template("verification/index.html", assignments=queries.assignments_for(current_user))


def _opened(verification_id: int):
    verification = queries.assignment_for(current_user, verification_id)
    if verification is None:
        abort(403)  # not assigned to this verifier (or no such assignment): the same answer
    return verification


def _render(verification, form, status: int = 200):
    if not form.version.data:
        form.version.data = str(verification.version)
    mine = verification.verifier_id == current_user.id
    return render_template("verification/detail.html", verification=verification, report=verification.report,
                           pledge=verification.report.pledge, form=form, checklist=CHECKLIST,
                           can_decide=mine and verification.outcome is None), status


@bp.get("/verify/<int:verification_id>")
@verifier_required
def detail(verification_id: int):
    """The report with its evidence, the checklist and the decision form."""
    verification = _opened(verification_id)
    return _render(verification, VerificationDecisionForm(formdata=None))


@bp.post("/verify/<int:verification_id>")
@verifier_required
@unit_of_work
def decide(verification_id: int):
    """Record the decision: verified, partly verified or not verified, with the checklist and notes."""
    verification = _opened(verification_id)
    form = VerificationDecisionForm()
    if not form.validate_on_submit():
        return _render(verification, form, 400)
    try:
        version = int(form.version.data)
    except ValueError:
        version = -1
    with attempt(form) as done:
        services.decide(verification, current_user._get_current_object(), VerificationOutcome(form.outcome.data),
                        checklist_answers(form), form.notes.data or "", version)
    if done.error:
        return _render(verification, form, 409 if isinstance(done.error, Conflict) else 422)
    flash(_("Your decision on %(reference)s is recorded: %(outcome)s.", reference=verification.report.reference,
            outcome=verification.outcome.title), "success")
    return redirect(url_for("verification.index"))


@bp.post("/review/progress_report/<int:report_id>/verifier")
@staff_required
@unit_of_work
def assign(report_id: int):
    """The team assigns an approved progress report to a verifier (audited; the verifier is e-mailed)."""
    form = AssignVerifierForm()
    form.set_verifiers(queries.verifiers())
    back = url_for("review.record", kind="progress_report", id=report_id) + "#verification"
    if not form.validate_on_submit():
        return render_template("verification/not_assigned.html", message=_("Choose a verifier."), back=back), 400
    with attempt() as done:
        verification = services.assign(report_id, form.verifier.data, current_user._get_current_object())
    if done.error:
        if done.error.status_code == 404:
            abort(404)
        return render_template("verification/not_assigned.html", message=done.error.message, back=back), 422
    flash(_("%(reference)s is assigned to %(verifier)s for independent verification.",
            reference=verification.report.reference, verifier=verification.verifier.email), "success")
    return redirect(back)
