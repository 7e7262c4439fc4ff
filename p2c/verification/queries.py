"""Reads of verifications: a verifier's own assignments, the verifiers the team can choose from."""

from __future__ import annotations

from sqlalchemy import select

from p2c.accounts.models import User
from p2c.core.enums import UserRole
from p2c.extensions import db
from p2c.implementation.models import ProgressReport
from p2c.verification.models import Verification


def verifiers() -> list[User]:
    """Active verifiers, by e-mail."""
    return list(db.session.scalars(select(User).where(User.role == UserRole.VERIFIER, User.active.is_(True))
                                   .order_by(User.email)))


def assignments_for(user: User) -> list[Verification]:
    """The verifications a user may open: a verifier's own; every one for an administrator.
    Undecided first, then the most recent decisions."""
    stmt = select(Verification)
    if user.role != UserRole.ADMIN:
        stmt = stmt.where(Verification.verifier_id == user.id)
    stmt = stmt.order_by(Verification.outcome.is_not(None), Verification.decided_at.desc(),
                         Verification.assigned_at.desc(), Verification.id.desc())
    return list(db.session.scalars(stmt))


def assignment_for(user: User, verification_id: int) -> Verification | None:
    """One verification if this user may open it (its verifier, or an administrator), else None."""
    verification = db.session.get(Verification, verification_id)
    if verification is None:
        return None
    if user.role != UserRole.ADMIN and verification.verifier_id != user.id:
        return None
    return verification


def of_report(report_id: int) -> Verification | None:
    """The verification of a progress report, if one was assigned."""
    return db.session.scalar(select(Verification).where(Verification.report_id == report_id))


def decided_for_pledge(pledge_id: int) -> list[Verification]:
    """The decided verifications of a pledge's reports, newest first (the pledger's private page)."""
    return list(db.session.scalars(
        select(Verification).join(ProgressReport, ProgressReport.id == Verification.report_id)
        .where(ProgressReport.pledge_id == pledge_id, Verification.outcome.is_not(None))
        .order_by(Verification.decided_at.desc(), Verification.id.desc())))
