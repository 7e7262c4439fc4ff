"""Test data builder: consistent records with sensible defaults; every argument can be overridden."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from p2c.accounts.models import User
from p2c.accounts.services import hash_password
from p2c.core.enums import FigureLevel, ImplementationStatus, ReviewStatus, UserRole
from p2c.extensions import db
from p2c.implementation.models import ProgressReport, ProgressValue
from p2c.members.constants import eoi_reference
from p2c.members.models import Contact, ExpressionOfInterest, Organization
from p2c.pledges.constants import pledge_reference
from p2c.pledges.models import Pledge, PledgeTarget
from p2c.reference.models import BeneficiaryGroup, Country, Pillar, Sdg, WsisLine
from p2c.reference.queries import to_usd, usd_rate

_seq = itertools.count(1)

PASSWORD = "correct horse battery staple"


class Builder:
    """Creates records in the session and flushes; tests commit when they need to."""

    def user(self, role: str = "reviewer", email: str | None = None, password: str = PASSWORD) -> User:
        n = next(_seq)
        user = User(email=email or f"staff{n}@example.org", name=f"Staff {n}", role=UserRole(role),
                    password_hash=hash_password(password), session_token=f"tok{n}")
        db.session.add(user)
        db.session.flush()
        return user

    def contact(self, **kw) -> Contact:
        n = next(_seq)
        values = {"name": f"Focal Point {n}", "email": f"focal{n}@example.org", "title": "Manager",
                  "phone": "", "language": "en"}
        values.update(kw)
        contact = Contact(**values)
        db.session.add(contact)
        db.session.flush()
        return contact

    def organization(self, **kw) -> Organization:
        n = next(_seq)
        values = {"name": f"Organization {n}", "acronym": f"O{n}", "stakeholder_group_code": "private_sector",
                  "country_iso3": "KEN", "website": "https://example.org", "is_member": True}
        values.update(kw)
        org = Organization(**values)
        db.session.add(org)
        db.session.flush()
        return org

    def eoi(self, organization: Organization | None = None, status: ReviewStatus = ReviewStatus.SUBMITTED,
            **kw) -> ExpressionOfInterest:
        organization = organization or self.organization(is_member=False)
        values = {"organization": organization, "contact": self.contact(), "contribution": "We want to help.",
                  "status": status, "submitted_at": datetime(2026, 1, 10), "consent_public": True,
                  "reference": f"tmp-{next(_seq)}", "proposed_name": organization.name,
                  "proposed_acronym": organization.acronym, "proposed_website": organization.website,
                  "proposed_stakeholder_group_code": organization.stakeholder_group_code,
                  "proposed_country_iso3": organization.country_iso3}
        values.update(kw)
        eoi = ExpressionOfInterest(**values)
        db.session.add(eoi)
        db.session.flush()
        eoi.reference = eoi_reference(eoi.submitted_at.year, eoi.id)
        return eoi

    def pledge(
        self,
        *,
        status: ReviewStatus = ReviewStatus.APPROVED,
        lead: Organization | None = None,
        partners: list[Organization] = (),
        countries: list[str] = ("KEN",),
        amount: Decimal | str | int | None = 1_000_000,
        currency: str | None = "USD",
        pledged_on: date = date(2024, 6, 1),
        focus_area: str = "connect",
        pillars: list[str] | None = None,
        pledge_type: str = "programmatic",
        beneficiaries: list[str] = ("women_girls",),
        sdgs: list[int] = (9,),
        wsis: list[str] = ("C2",),
        targets: list[tuple[str, int | Decimal, int]] = (("people_connected", 1000, 2030),),
        is_global: bool = False,
        **kw,
    ) -> Pledge:
        """A pledge with its links; USD value computed with the pledge-date rate as the services do."""
        lead = lead or self.organization()
        usd_value = rate = rate_year = None
        if amount is not None and currency:
            amount = Decimal(str(amount))
            rate, rate_year = usd_rate(currency, pledged_on)
            usd_value = to_usd(amount, rate)
        country_rows = list(db.session.scalars(select(Country).where(Country.iso3.in_(countries))))
        pillar_codes = pillars or [db.session.scalars(
            select(Pillar.code).where(Pillar.focus_area_code == focus_area).order_by(Pillar.code)).first()]
        submitted = datetime.combine(pledged_on, datetime.min.time())
        values = dict(
            reference=f"tmp-{next(_seq)}", lead_organization=lead, title="Connect rural schools",
            description="The organization commits to connect schools in Kenya reaching 1000 people by 2030.",
            language="en", focus_area_code=focus_area, pledge_type_code=pledge_type, amount=amount,
            currency_code=currency if amount is not None else None, usd_value=usd_value, usd_rate=rate,
            usd_rate_year=rate_year, is_global=is_global, targets_ldc=any(c.ldc for c in country_rows),
            targets_lldc=any(c.lldc for c in country_rows), targets_sids=any(c.sids for c in country_rows),
            start_date=pledged_on, end_date=date(2030, 12, 31), start_year=pledged_on.year, pledged_on=pledged_on,
            focal_point=self.contact(), consent_public=True, status=status, submitted_at=submitted,
            approved_at=submitted if status == ReviewStatus.APPROVED else None,
        )
        values.update(kw)
        pledge = Pledge(**values)
        pledge.partners = list(partners)
        pledge.countries = country_rows
        pledge.pillars = list(db.session.scalars(select(Pillar).where(Pillar.code.in_(pillar_codes))))
        pledge.beneficiary_groups = list(db.session.scalars(
            select(BeneficiaryGroup).where(BeneficiaryGroup.code.in_(beneficiaries))))
        pledge.sdgs = list(db.session.scalars(select(Sdg).where(Sdg.number.in_(sdgs))))
        pledge.wsis_lines = list(db.session.scalars(select(WsisLine).where(WsisLine.code.in_(wsis))))
        pledge.targets = [PledgeTarget(indicator_code=code, target_value=Decimal(str(value)), target_year=year)
                          for code, value, year in targets]
        db.session.add(pledge)
        db.session.flush()
        if pledge.reference.startswith("tmp-"):
            pledge.reference = pledge_reference(pledged_on.year, pledge.id)
        db.session.flush()
        return pledge

    def progress_report(self, pledge: Pledge, *, period: int = 2025,
                        status: ReviewStatus = ReviewStatus.APPROVED,
                        implementation_status: ImplementationStatus = ImplementationStatus.ON_TRACK,
                        achieved: dict[str, int | Decimal] | None = None, usd_disbursed=None,
                        submitted_at: datetime | None = None, **kw) -> ProgressReport:
        """A progress report; `achieved` maps indicator codes of the pledge's targets to values."""
        submitted_at = submitted_at or datetime(period + 1, 1, 15)
        values = dict(
            reference=f"{pledge.reference}-R{period}-{next(_seq)}", pledge=pledge, period=period,
            implementation_status=implementation_status,
            usd_disbursed=Decimal(str(usd_disbursed)) if usd_disbursed is not None else None,
            narrative="Work is under way.", evidence_links=[], language="en", status=status,
            submitted_at=submitted_at, approved_at=submitted_at if status == ReviewStatus.APPROVED else None,
            # as if approved through the review queue (p2c.implementation.kinds)
            figure_level=FigureLevel.REVIEWED if status == ReviewStatus.APPROVED else FigureLevel.SELF_REPORTED,
        )
        values.update(kw)
        report = ProgressReport(**values)
        by_code = {t.indicator_code: t for t in pledge.targets}
        for code, value in (achieved or {}).items():
            report.values.append(ProgressValue(target=by_code[code], achieved_value=Decimal(str(value))))
        db.session.add(report)
        if status == ReviewStatus.APPROVED:
            pledge.implementation_status = implementation_status
            pledge.last_reported_at = submitted_at
        db.session.flush()
        return report
