"""What an import writes besides the pledge's own fields: its milestones, and the figures of its latest
approved progress report (achieved values, disbursed to date, milestones done).

Latest progress per target, the disbursed total and the milestones' done state are stored as approved
progress reports referenced `<pledge>-R<period>-IMP`, created only when the file differs from the
database (the one latest-report rule: `p2c.implementation.latest`). Split from `imports` (module size).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from p2c.core.enums import FigureLevel, ReviewStatus
from p2c.extensions import db
from p2c.implementation.models import ProgressMilestone, ProgressReport, ProgressValue
from p2c.opendata.records import disbursed_to_date, latest_progress, milestones_done
from p2c.pledges.models import Pledge, PledgeMilestone

IMPORTED_SUFFIX = "IMP"


def ordered_milestones(pledge: Pledge) -> list[PledgeMilestone]:
    """The pledge's milestones in the export's order (due date, then id)."""
    return sorted(pledge.milestones, key=lambda m: (m.due_on, m.id or 0))


class FigureWriter:
    """Writes milestones and progress figures of validated records (mixed into the import's writer)."""

    trust_levels: bool = False

    def _milestones(self, pledge: Pledge, rec: dict[str, Any]) -> tuple[bool, list[tuple[PledgeMilestone, dict]]]:
        """Update, add or remove the pledge's milestones to match the file's rows. Returns (anything changed,
        the (milestone, row) pairs in the file's order, for `_milestones_done`).

        A row is the stored milestone with the same kind, description and due date, wherever either stands
        (a file's rows need not be in date order, and a deleted row must not shift the others' text and done
        state onto their neighbours); only rows without such a twin take the remaining stored milestones in
        order (an edited description or date keeps its milestone and its done state); the rest are new or
        removed. A file without the column (`None`) leaves them as they are."""
        if rec.get("milestones") is None:
            return False, []
        current = ordered_milestones(pledge)
        by_key: dict[tuple, list[PledgeMilestone]] = {}
        for m in current:
            by_key.setdefault((m.kind, m.description, m.due_on), []).append(m)
        matched: list[PledgeMilestone | None] = [
            (by_key.get((w["kind"], w["description"], w["due_on"])) or [None]).pop(0) for w in rec["milestones"]]
        taken = {id(m) for m in matched if m is not None}
        spare = [m for m in current if id(m) not in taken]
        changed = False
        pairs = []
        for milestone, wanted in zip(matched, rec["milestones"], strict=True):
            if milestone is None and spare:
                milestone = spare.pop(0)
            if milestone is None:
                milestone = PledgeMilestone(kind=wanted["kind"], description=wanted["description"],
                                            due_on=wanted["due_on"])
                pledge.milestones.append(milestone)
                changed = True
            for attr in ("kind", "description", "due_on"):
                if getattr(milestone, attr) != wanted[attr]:
                    setattr(milestone, attr, wanted[attr])
                    changed = True
            pairs.append((milestone, wanted))
        for extra in spare:
            pledge.milestones.remove(extra)
            changed = True
        db.session.flush()
        return changed, pairs

    def _period(self, pledge: Pledge, rec: dict[str, Any]) -> int:
        """The period whose report holds figures the file gives without one (the disbursed total, milestones
        done): the latest of the file's achieved periods and the pledge's approved reports, so the report
        written is (or stays) the latest one and no achieved value drops out of "latest"."""
        periods = [t["achieved_period"] for t in rec["targets"] if t["achieved_period"]]
        last = db.session.scalar(select(func.max(ProgressReport.period)).where(
            ProgressReport.pledge_id == pledge.id, ProgressReport.status == ReviewStatus.APPROVED))
        if last is not None:
            periods.append(last)
        return max(periods) if periods else (rec["last_reported_at"] or pledge.approved_at).year

    def _report(self, pledge: Pledge, period: int, rec: dict[str, Any]) -> ProgressReport | None:
        """The approved report of that period (one per pledge and period), created when there is none.

        None when a report of that period is still in review: the import never approves it for the team.
        """
        report = db.session.scalar(select(ProgressReport).where(
            ProgressReport.pledge_id == pledge.id, ProgressReport.period == period,
            ProgressReport.status.not_in([ReviewStatus.REJECTED, ReviewStatus.WITHDRAWN])))
        if report is not None:
            return report if report.status == ReviewStatus.APPROVED else None
        when = rec["last_reported_at"] or pledge.approved_at
        report = ProgressReport(
            reference=f"{pledge.reference}-R{period}-{IMPORTED_SUFFIX}", pledge=pledge, period=period,
            language=pledge.language, narrative="", implementation_status=pledge.implementation_status,
            status=ReviewStatus.APPROVED, submitted_at=when, approved_at=when, decided_at=when, evidence_links=[])
        db.session.add(report)
        self._level(report, rec)
        return report

    def _level(self, report: ProgressReport, rec: dict[str, Any]) -> None:
        """Figures an import writes are self-reported, whatever level the file states: nobody here reviewed
        or verified them (an export's `achieved_level` is the level of the figures it held, and a file can
        say anything). Only the review queue makes figures "reviewed", only a verifier "verified"; a
        restore of the platform's own export (`trust_levels`) keeps the stated level."""
        level = FigureLevel.SELF_REPORTED
        if self.trust_levels and rec.get("achieved_level"):
            level = FigureLevel(rec["achieved_level"])
        report.figure_level = level
        report.verified_at = (report.verified_at or report.approved_at) if level == FigureLevel.VERIFIED else None

    def _progress(self, pledge: Pledge, rec: dict[str, Any]) -> bool:
        """Store the file's latest progress and disbursed total when the database differs."""
        changed = False
        latest = latest_progress([pledge.id])
        for target, wanted in zip(pledge.targets, rec["targets"], strict=True):
            if wanted["achieved_value"] is None:
                continue
            if latest.get(target.id) == (wanted["achieved_value"], wanted["achieved_period"]):
                continue
            report = self._report(pledge, wanted["achieved_period"], rec)
            if report is None:
                continue
            value = next((v for v in report.values if v.target_id == target.id), None)
            if value is None:
                report.values.append(ProgressValue(target=target, achieved_value=wanted["achieved_value"]))
            else:
                value.achieved_value = wanted["achieved_value"]
            self._level(report, rec)
            db.session.flush()
            changed = True
        if rec["usd_disbursed"] is None:
            return changed
        wanted_total = rec["usd_disbursed"]
        # A running total ("disbursed to date"): the latest approved report that states it must hold it.
        if disbursed_to_date([pledge.id]).get(pledge.id) != wanted_total:
            report = self._report(pledge, self._period(pledge, rec), rec)
            if report is None:
                return changed
            report.usd_disbursed = wanted_total
            self._level(report, rec)
            db.session.flush()
            changed = True
        return changed

    def _milestones_done(self, pledge: Pledge, pairs: list[tuple[PledgeMilestone, dict]], rec: dict[str, Any]) -> bool:
        """Store the file's done / not done per milestone (`pairs` from `_milestones`) in the latest approved
        report when the database differs. An empty `done` (the latest report does not say) changes nothing.

        The report keeps its figure level: a level qualifies the figures (achieved values, disbursed
        amount), which a milestone's done state is not, so a reviewed or verified report whose milestone
        states change stays reviewed or verified and its figures stay where they are in the rollups. Only
        a report the import creates for them (`<reference>-R<period>-IMP`) is self-reported."""
        wanted = {m.id: w["done"] for m, w in pairs if w["done"] is not None}
        current = milestones_done([pledge.id])
        if not wanted or all(current.get(mid) == done for mid, done in wanted.items()):
            return False
        report = self._report(pledge, self._period(pledge, rec), rec)
        if report is None:
            return False
        by_id = {m.milestone_id: m for m in report.milestones}
        for mid, done in sorted(wanted.items()):
            if mid in by_id:
                by_id[mid].done = done
            else:
                report.milestones.append(ProgressMilestone(milestone_id=mid, done=done))
        db.session.flush()
        return True
