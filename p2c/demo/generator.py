"""Demo data that follows the published P2C distributions (DOMAIN.md), reproducible from a seed.

Rows are generated in chunks and written with bulk inserts (COPY on PostgreSQL), so 100,000
pledges load in well under a minute. The same seed on an empty database gives the same data.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from p2c.core.bulk import defer_foreign_key_checks, insert_rows, next_id, reset_sequences
from p2c.core.enums import CommentVisibility, FigureLevel, ImplementationStatus, ReviewStatus, SubmissionKind
from p2c.demo import names
from p2c.demo.calls import ensure_calls
from p2c.demo.content import pledge_content
from p2c.demo.ledger import ledger_entries
from p2c.demo.moments import Moments
from p2c.demo.shares import (
    BENEFICIARIES,
    CURRENCIES,
    FOCUS_AREAS,
    GLOBAL_SHARE,
    GOVERNMENT_SHARE,
    IMPLEMENTATION,
    JOINT_SHARE,
    OTHER_LDC_SHARE,
    PLEDGE_TYPES,
    REVIEW_STATES,
    SDGS,
    STAKEHOLDERS,
    WSIS,
    pick_shares,
    weighted,
)
from p2c.demo.writes import insert_pledge_rows
from p2c.extensions import db
from p2c.implementation.models import (
    DisbursementEntry,
    ProgressBeneficiary,
    ProgressReport,
    ProgressValue,
)
from p2c.members.identity import name_key
from p2c.members.models import Contact, ExpressionOfInterest, Organization, eoi_focus_area
from p2c.pledges.models import (
    Pledge,
    PledgeMilestone,
    PledgeTarget,
)
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import Country, ExchangeRate, Pillar
from p2c.review.models import Comment

CHUNK = 20_000
FIRST_DAY = date(2021, 9, 15)  # P2C launched in September 2021.


@dataclass
class DemoResult:
    """What a run created."""

    organizations: int = 0
    pledges: int = 0
    progress_reports: int = 0
    expressions_of_interest: int = 0
    by_status: dict = field(default_factory=dict)


class DemoGenerator:
    """Creates organizations, EOIs, pledges (with all their links), reviews and progress reports."""

    def __init__(self, seed: int, today: date | None = None) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.today = today or date(2026, 11, 1)
        countries = list(db.session.scalars(select(Country).order_by(Country.iso3)))
        if not countries:
            raise RuntimeError("reference data is not loaded: run `flask p2c reference load` first")
        members = [c for c in countries if c.itu_member]
        self.ldc = [c.iso3 for c in members if c.ldc]
        self.non_ldc = [c.iso3 for c in members if not c.ldc]
        # Developing regions are targeted more often than Europe.
        region_weight = {"AFR": 3.0, "ASP": 2.2, "AMS": 1.6, "ARB": 1.5, "CIS": 1.0, "EUR": 0.6}
        self.non_ldc_weights = [region_weight.get(c.itu_region, 0.5) for c in members if not c.ldc]
        self.flags = {c.iso3: (c.ldc, c.lldc, c.sids) for c in countries}
        self.iso2 = {c.iso3: c.iso2 for c in countries}
        self.region = {c.iso3: c.itu_region for c in countries}
        self.org_country: dict[int, str] = {}
        self.government: list[int] = []
        self.others: list[int] = []
        self.now = datetime.combine(self.today, time(0))  # nothing is decided after it
        self.moments = Moments(self.rng, self.today)
        self.member_iso3 = [c.iso3 for c in members]
        self.initiatives: dict[str, list[str]] = {}
        for code, region in db.session.execute(select(RegionalInitiative.code, RegionalInitiative.region)
                                               .where(RegionalInitiative.active.is_(True))
                                               .order_by(RegionalInitiative.code)):
            self.initiatives.setdefault(region, []).append(code)
        self.pillars: dict[str, list[str]] = {}
        for p in db.session.scalars(select(Pillar).where(Pillar.active.is_(True)).order_by(Pillar.code)):
            self.pillars.setdefault(p.focus_area_code, []).append(p.code)
        self.org_names: dict[int, str] = {}
        self.rates: dict[tuple[str, int], Decimal] = {
            (r.currency_code, r.year): Decimal(r.usd_per_unit) for r in db.session.scalars(select(ExchangeRate))
        }

    # -- helpers -------------------------------------------------------------------------------
    def _initiatives(self, pid: int, countries: list[str]) -> list[str]:
        """About 40% of the pledges with target countries are aligned with one or two WTDC-25 regional
        initiatives of one of their countries' regions (own random stream: the published shares the
        other draws follow stay as they are)."""
        rng = random.Random(f"{self.seed}-initiative-{pid}")
        regions = sorted({self.region[c] for c in countries if self.initiatives.get(self.region.get(c, ""))})
        if not regions or rng.random() >= 0.4:
            return []
        codes = self.initiatives[rng.choice(regions)]
        return sorted(rng.sample(codes, k=min(len(codes), rng.choice((1, 1, 2)))))


    def _rate(self, currency: str, year: int) -> tuple[Decimal, int]:
        for y in range(year, 2000, -1):
            if (currency, y) in self.rates:
                return self.rates[(currency, y)], y
        return Decimal(1), year

    def _amount_usd(self, pledge_type: str) -> Decimal | None:
        rng = self.rng
        if pledge_type in ("advocacy", "policy") and rng.random() < 0.55:
            return None  # many non-financial pledges state no value
        if rng.random() < 0.002:  # a few multi-billion pledges, as in the published totals
            return Decimal(rng.randint(1_000, 6_000)) * Decimal(1_000_000)
        value = math.exp(rng.gauss(14.2, 2.0))  # median ~1.5M USD, long tail
        return Decimal(min(value, 9e11)).quantize(Decimal("1000"))

    def _countries(self) -> list[str]:
        rng = self.rng
        k = min(1 + int(rng.expovariate(0.7)), 12)
        chosen = set(rng.choices(self.non_ldc, weights=self.non_ldc_weights, k=k))
        if rng.random() < OTHER_LDC_SHARE:
            chosen.pop()
            chosen.add(rng.choice(self.ldc))
        return sorted(chosen)

    def _pledge_day(self) -> date:
        span = (self.today - FIRST_DAY).days
        # More pledges around the big pledging moments early on, then a steady flow.
        offset = int(span * (self.rng.random() ** 1.3))
        return FIRST_DAY + timedelta(days=offset)

    # -- main ----------------------------------------------------------------------------------

    def run(self, pledges: int, progress: Callable[[int], None] | None = None) -> DemoResult:
        """Create `pledges` pledges and everything around them, in chunks."""
        result = DemoResult()
        ensure_calls()
        defer_foreign_key_checks()
        org_ids = self._organizations(max(5, int(pledges / 2.07)), result)
        done = 0
        while done < pledges:
            n = min(CHUNK, pledges - done)
            self._pledges(n, org_ids, result)
            done += n
            if progress:
                progress(n)
        reset_sequences(Organization.__table__, Contact.__table__, Pledge.__table__, PledgeTarget.__table__,
                        ProgressReport.__table__, ProgressValue.__table__, ProgressBeneficiary.__table__,
                        ExpressionOfInterest.__table__, Comment.__table__, PledgeMilestone.__table__)
        self.moments.prepare_announcements(self.now)
        return result

    def _organizations(self, count: int, result: DemoResult) -> list[int]:
        rng = self.rng
        first_org, first_contact, first_eoi = (next_id(Organization.__table__), next_id(Contact.__table__),
                                               next_id(ExpressionOfInterest.__table__))
        now = datetime(2026, 11, 1)
        orgs, contacts, eois, eoi_areas = [], [], [], []
        # Demo organizations are all distinct: no two share an identity key (members.identity).
        used: set[str] = set(db.session.scalars(select(Organization.name_key)))
        for i in range(count):
            group = weighted(rng, STAKEHOLDERS)
            iso3 = rng.choice(self.member_iso3)
            name, acronym = names.organization(rng, group, iso3)
            while name_key(name) in used:
                name = f"{name} {rng.randint(2, 99)}"
            used.add(name_key(name))
            org_id = first_org + i
            self.org_names[org_id] = name
            self.org_country[org_id] = iso3
            (self.government if group == "government" else self.others).append(org_id)
            joined = self._pledge_day()
            orgs.append((org_id, name, name_key(name), acronym, group, iso3, names.website(name), rng.random() < 0.3,
                         True, joined, True, None, now, now, 1))
            # About a third of organizations came in through an expression of interest.
            if rng.random() < 0.33:
                cid = first_contact + len(contacts)
                contacts.append(names.contact(rng, cid, now))
                eid = first_eoi + len(eois)
                status = ReviewStatus.APPROVED if rng.random() < 0.85 else weighted(rng, REVIEW_STATES)
                submitted = datetime.combine(joined, datetime.min.time()) - timedelta(days=rng.randint(5, 60))
                eois.append((eid, f"EOI-{submitted.year}-{eid:05d}", org_id, None, cid,
                             names.contribution(rng), "en", True, status.value, submitted,
                             submitted + timedelta(days=rng.randint(1, 20)) if status != ReviewStatus.SUBMITTED
                             else None, None, now, now, 1, name, acronym, group, iso3, names.website(name), True))
                for area in rng.sample([a for a, _ in FOCUS_AREAS], k=rng.randint(1, 3)):
                    eoi_areas.append((eid, area))
        insert_rows(Organization.__table__, [
            "id", "name", "name_key", "acronym", "stakeholder_group_code", "country_iso3", "website", "itu_member",
            "is_member", "member_since", "public_listing", "merged_into_id", "created_at", "updated_at", "version",
        ], orgs)
        insert_rows(Contact.__table__, ["id", "name", "title", "email", "phone", "language", "created_at",
                                        "updated_at"], contacts)
        insert_rows(ExpressionOfInterest.__table__, [
            "id", "reference", "organization_id", "call_id", "contact_id", "contribution", "language",
            "consent_public", "status", "submitted_at", "decided_at", "assignee_id", "created_at", "updated_at",
            "version", "proposed_name", "proposed_acronym", "proposed_stakeholder_group_code",
            "proposed_country_iso3", "proposed_website", "creates_organization",
        ], eois)
        insert_rows(eoi_focus_area, ["eoi_id", "focus_area_code"], eoi_areas)
        result.organizations += count
        result.expressions_of_interest += len(eois)
        return list(range(first_org, first_org + count))

    def _pledges(self, count: int, org_ids: list[int], result: DemoResult) -> None:  # noqa: C901, PLR0915
        rng = self.rng
        pid0, cid0 = next_id(Pledge.__table__), next_id(Contact.__table__)
        tid0, rid0 = next_id(PledgeTarget.__table__), next_id(ProgressReport.__table__)
        vid0, bid0 = next_id(ProgressValue.__table__), next_id(ProgressBeneficiary.__table__)
        mid0, msid0 = next_id(Comment.__table__), next_id(PledgeMilestone.__table__)
        now = datetime(2026, 11, 1)
        rows: dict[str, list[tuple]] = {k: [] for k in (
            "pledge", "contact", "country", "pillar", "benef", "sdg", "wsis", "partner", "target", "report",
            "value", "rbenef", "comment", "entry", "milestone", "rmilestone", "sdg_target", "gdc", "initiative")}
        eid0 = next_id(DisbursementEntry.__table__)
        for i in range(count):
            pid = pid0 + i
            ptype = weighted(rng, PLEDGE_TYPES)
            area = weighted(rng, FOCUS_AREAS)
            status = weighted(rng, REVIEW_STATES)
            event_code, day = self.moments.draw(self._pledge_day())
            government = rng.random() < GOVERNMENT_SHARE and self.government
            lead = rng.choice(self.government if government else (self.others or org_ids))
            usd = self._amount_usd(ptype)
            currency = amount = rate = rate_year = usd_value = None
            if usd is not None:
                currency = weighted(rng, CURRENCIES)
                rate, rate_year = self._rate(currency, day.year)
                amount = (usd / rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
                usd_value = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            home = self.org_country.get(lead)
            is_global = not government and rng.random() < GLOBAL_SHARE
            if government and home:  # a ministry or regulator pledges for its own country
                countries = [home]
            else:
                countries = [] if is_global else self._countries()
            # A global pledge reaches every group (as the pledge services record it).
            ldc = is_global or any(self.flags[c][0] for c in countries)
            lldc = is_global or any(self.flags[c][1] for c in countries)
            sids = is_global or any(self.flags[c][2] for c in countries)
            start = day + timedelta(days=rng.randint(0, 180))
            end = date(rng.choice([2025, 2026, 2027, 2028, 2030, 2030, 2030]), 12, 31)
            end = max(end, start + timedelta(days=180))
            submitted = datetime.combine(day, datetime.min.time()) + timedelta(hours=rng.randint(7, 20))
            approved_at = decided_at = None
            if status in (ReviewStatus.APPROVED, ReviewStatus.REJECTED):
                decided_at = submitted + timedelta(days=rng.randint(2, 40), hours=rng.randint(0, 8))
                approved_at = decided_at if status == ReviewStatus.APPROVED else None
            elif status == ReviewStatus.CHANGES_REQUESTED:
                decided_at = submitted + timedelta(days=rng.randint(2, 20))
            if decided_at is not None and decided_at > self.now:  # nothing is decided in the future
                status, decided_at, approved_at = ReviewStatus.IN_REVIEW, None, None
            result.by_status[status.value] = result.by_status.get(status.value, 0) + 1
            cid = cid0 + i
            rows["contact"].append(names.contact(rng, cid, now))
            lead_name = self.org_names.get(lead, "")
            content = pledge_content(rng, area=area, ptype=ptype, lead=lead_name, lead_country=home,
                                     lead_region=self.region.get(home or ""),
                                     iso2_codes=[self.iso2[c] for c in countries], end=end)
            title, description = content.title, content.description
            impl, last_reported = ImplementationStatus.NOT_STARTED, None

            targets = []
            if content.indicator:  # the number in the title and the description
                tid = tid0 + len(rows["target"])
                value = Decimal(content.value)
                rows["target"].append((tid, pid, content.indicator, value, end.year,
                                       Decimal(0) if rng.random() < 0.5 else None, ""))
                targets.append((tid, value))
            if area == "investment" and usd_value:
                tid = tid0 + len(rows["target"])
                rows["target"].append((tid, pid, "usd_invested", usd_value, end.year, None, ""))
                targets.append((tid, usd_value))
            milestone_id = None
            if content.milestone:
                milestone_id = msid0 + len(rows["milestone"])
                rows["milestone"].append((milestone_id, pid, *content.milestone))
            rows["sdg_target"].extend((pid, code) for code in content.sdg_targets)
            rows["gdc"].extend((pid, code) for code in content.gdc)
            rows["initiative"].extend((pid, code) for code in self._initiatives(pid, countries))

            # Progress reports: approved pledges older than a year mostly reported at least once.
            if status == ReviewStatus.APPROVED and (self.today - day).days > 300 and rng.random() < 0.62:
                first_period = max(day.year, 2022)
                reached = Decimal("0.00")  # USD of the entries of this pledge's approved reports so far
                last_period = rng.randint(first_period, min(self.today.year, end.year + 1) - 0)
                for period in range(first_period, last_period + 1):
                    rid = rid0 + len(rows["report"])
                    filed = datetime(period, 12, 1) + timedelta(days=rng.randint(0, 80))
                    if filed.date() > self.today:
                        filed = datetime.combine(self.today, datetime.min.time()) - timedelta(days=rng.randint(1, 30))
                    impl = weighted(rng, IMPLEMENTATION)
                    share = min(1.0, (period - first_period + 1) * rng.uniform(0.15, 0.45))
                    if impl == ImplementationStatus.COMPLETED:
                        share = 1.0
                    rstatus = ReviewStatus.APPROVED if rng.random() < 0.92 else ReviewStatus.SUBMITTED
                    if filed + timedelta(days=10) > self.now:  # not reviewed yet
                        rstatus = ReviewStatus.SUBMITTED
                    if milestone_id is not None:
                        done = impl == ImplementationStatus.COMPLETED or (
                            period >= content.milestone[2].year - 1 and rng.random() < 0.5)
                        rows["rmilestone"].append((rid, milestone_id, done))
                    disbursed = None
                    if usd_value:
                        target = (usd_value * Decimal(str(round(share, 2)))).quantize(Decimal("0.01"))
                        # Its own random stream (per pledge and period): the ledger's draws leave the
                        # pledges' shares, which tests/demo checks against the published ones, untouched.
                        ledger_rng = random.Random(f"{self.seed}-{pid}-{period}")
                        own = ledger_entries(ledger_rng, self._rate, rows["entry"], (eid0, rid, pid, period),
                                             max(target - reached, 0), currency or "USD", countries, day.year)
                        disbursed = reached + own  # the derived running total (implementation.services)
                        if rstatus == ReviewStatus.APPROVED:
                            reached += own
                    rows["report"].append((
                        rid, f"{names.reference(day.year, pid)}-R{period}", pid, period, impl.value, disbursed,
                        "", names.progress_narrative(rng, impl), [], "en", rstatus.value, filed,
                        filed + timedelta(days=10) if rstatus == ReviewStatus.APPROVED else None,
                        filed + timedelta(days=10) if rstatus == ReviewStatus.APPROVED else None, None, filed,
                        filed, 1,
                        # approved through the review queue: reviewed by the team (none verified in demo data)
                        (FigureLevel.REVIEWED if rstatus == ReviewStatus.APPROVED else FigureLevel.SELF_REPORTED).value,
                    ))
                    for tid, value in targets:
                        vid = vid0 + len(rows["value"])
                        # Whole schools, people and sites: a count achieved is a whole number.
                        rows["value"].append((vid, rid, tid, (value * Decimal(str(round(share, 2)))).quantize(
                            Decimal("1"), rounding=ROUND_HALF_UP)))
                    if rng.random() < 0.5:
                        bid = bid0 + len(rows["rbenef"])
                        rows["rbenef"].append((bid, rid, "women_girls", rng.randint(50, 50_000)))
                    if rstatus == ReviewStatus.APPROVED:
                        last_reported = filed + timedelta(days=10)
                    if impl in (ImplementationStatus.COMPLETED, ImplementationStatus.DISCONTINUED):
                        break
                if last_reported is None:
                    impl = ImplementationStatus.NOT_STARTED

            rows["pledge"].append((
                pid, names.reference(day.year, pid), lead, title, description, content.language, area, ptype,
                event_code,
                amount, currency, usd_value, rate, rate_year, is_global, ldc, lldc, sids, start, end,
                start.year, day, cid, True, status.value, submitted, approved_at, decided_at, None,
                impl.value, last_reported, None, submitted, decided_at or submitted, 1,
            ))
            for iso3 in countries:
                rows["country"].append((pid, iso3))
            area_pillars = self.pillars.get(area, [])
            for code in rng.sample(area_pillars, k=min(len(area_pillars), rng.choice([1, 1, 2]))):
                rows["pillar"].append((pid, code))
            for code in pick_shares(rng, BENEFICIARIES, "youth"):
                rows["benef"].append((pid, code))
            for number in pick_shares(rng, SDGS, 9):
                rows["sdg"].append((pid, number))
            for code in pick_shares(rng, WSIS, "C2"):
                rows["wsis"].append((pid, code))
            if rng.random() < JOINT_SHARE:
                for partner in set(rng.sample(org_ids, k=min(len(org_ids), rng.randint(1, 3)))) - {lead}:
                    rows["partner"].append((pid, partner))
            if status in (ReviewStatus.CHANGES_REQUESTED, ReviewStatus.REJECTED):
                visibility = CommentVisibility.TO_SUBMITTER.value
                rows["comment"].append((mid0 + len(rows["comment"]), SubmissionKind.PLEDGE.value, pid, visibility,
                                        names.review_message(rng, status), None, "", decided_at))

        insert_pledge_rows(rows)
        result.pledges += count
        result.progress_reports += len(rows["report"])
