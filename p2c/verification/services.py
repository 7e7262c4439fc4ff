"""Writes of the verification feature: assign a report to a verifier, record the verifier's decision.

Both are audited; they flush and never commit (the view's unit of work does)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from p2c.accounts.models import User
from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import FigureLevel, ReviewStatus, UserRole, VerificationOutcome
from p2c.core.errors import Conflict, NotFound, ServiceError
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.verification import notifications, queries
from p2c.verification.constants import ANSWERS, CHECKLIST_CODES, NO, REQUIRED_FOR_VERIFIED, YES
from p2c.verification.models import Verification

_ANSWER_CODES = {code for code, _title in ANSWERS}


def assign(report_id: int, verifier_id: int, actor: User) -> Verification:
    """Assign an approved progress report to an active verifier, or hand an undecided one to another."""
    report = db.session.get(ProgressReport, report_id)
    if report is None:
        raise NotFound(_("This progress report does not exist."))
    if report.status != ReviewStatus.APPROVED:
        raise ServiceError(_("Only an approved progress report can be verified: its figures are the public ones."),
                           field="verifier")
    verifier = db.session.get(User, verifier_id)
    if verifier is None or verifier.role != UserRole.VERIFIER or not verifier.active:
        raise ServiceError(_("Choose an active verifier."), field="verifier")
    verification = queries.of_report(report.id)
    if verification is not None and verification.outcome is not None:
        raise ServiceError(_("This report has already been verified; its outcome is final."), field="verifier")
    before = None
    if verification is None:
        verification = Verification(report=report, verifier=verifier, assigned_by_id=actor.id,
                                    assigned_at=utcnow(), checklist={}, notes="")
        try:
            with db.session.begin_nested():  # two first assignments at once: the second is told, not a 500
                db.session.add(verification)
                db.session.flush()
        except IntegrityError:
            raise Conflict() from None
    else:
        if verification.verifier_id == verifier.id:
            return verification
        before = {"verifier": verification.verifier.email}
        verification.verifier = verifier
        verification.assigned_by_id = actor.id
        verification.assigned_at = utcnow()
    db.session.flush()
    audit.record("verification.assign", "progress_report", report.id, label=report.reference,
                 before=before, after={"verifier": verifier.email, "verification_id": verification.id})
    notifications.assigned(verification)
    return verification


def _check(outcome: VerificationOutcome, checklist: dict[str, str], notes: str) -> None:
    missing = [code for code in CHECKLIST_CODES if checklist.get(code) not in _ANSWER_CODES]
    if missing:
        raise ServiceError(_("Answer every item of the checklist."), field=f"item_{missing[0]}")
    if outcome == VerificationOutcome.VERIFIED:
        if any(checklist[code] == NO for code in CHECKLIST_CODES):
            raise ServiceError(_("A report with a “no” in its checklist cannot be fully verified: choose "
                                 "“partly verified” or “not verified”."), field="outcome")
        if any(checklist[code] != YES for code in REQUIRED_FOR_VERIFIED):
            raise ServiceError(_("To verify a report, the evidence must support the figures, be dated in the "
                                 "period and include an independent source (answer “yes”)."), field="outcome")
    elif not notes.strip():
        raise ServiceError(_("Say what could not be verified, for the pledger and the coalition team."),
                           field="notes")


def decide(verification: Verification, verifier: User, outcome: VerificationOutcome, checklist: dict[str, str],
           notes: str, expected_version: int) -> Verification:
    """Record the assigned verifier's decision (final); a verified outcome raises the report's figure level
    to "independently verified". The pledge's focal point is told the outcome."""
    if verification.verifier_id != verifier.id:
        raise ServiceError(_("Only the verifier assigned to this report can decide."), field="outcome")
    if verification.outcome is not None:
        raise ServiceError(_("This report has already been verified; its outcome is final."), field="outcome")
    if verification.version != expected_version:
        raise Conflict()
    _check(outcome, checklist, notes)
    report = verification.report
    if report.status != ReviewStatus.APPROVED or report.pledge.status != ReviewStatus.APPROVED:
        # Withdrawn (or its pledge withdrawn) since it was assigned: nothing public left to verify.
        raise ServiceError(_("This report is no longer approved, so it can no longer be verified."),
                           field="outcome")
    before = {"level": str(report.figure_level)}
    now = utcnow()
    verification.outcome = outcome
    verification.checklist = {code: checklist[code] for code in CHECKLIST_CODES}
    verification.notes = notes.strip()
    verification.decided_at = now
    if outcome == VerificationOutcome.VERIFIED:
        report.figure_level = FigureLevel.VERIFIED
        report.verified_at = now
    try:
        db.session.flush()
    except StaleDataError:  # another decision on the same assignment was saved first
        raise Conflict() from None
    audit.record("verification.decide", "progress_report", report.id, label=report.reference, before=before,
                 after={"outcome": outcome.value, "level": str(report.figure_level),
                        "checklist": verification.checklist, "notes": verification.notes,
                        "verification_id": verification.id})
    notifications.outcome(verification)
    return verification
