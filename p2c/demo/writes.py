"""The demo pledges' rows written in bulk (COPY on PostgreSQL): `rows` maps a kind to its tuples, in the
column order each insert names (p2c.demo.generator builds them)."""

from __future__ import annotations

from p2c.core.bulk import insert_rows
from p2c.implementation.models import (
    DisbursementEntry,
    ProgressBeneficiary,
    ProgressMilestone,
    ProgressReport,
    ProgressValue,
)
from p2c.members.models import Contact
from p2c.pledges.models import (
    Pledge,
    PledgeMilestone,
    PledgeTarget,
    pledge_beneficiary,
    pledge_country,
    pledge_gdc,
    pledge_initiative,
    pledge_partner,
    pledge_pillar,
    pledge_sdg,
    pledge_sdg_target,
    pledge_wsis,
)
from p2c.review.models import Comment


def insert_pledge_rows(rows: dict[str, list[tuple]]) -> None:
    """Write one chunk of generated pledges with everything attached to them."""
    insert_rows(Contact.__table__, ["id", "name", "title", "email", "phone", "language", "created_at",
                                    "updated_at"], rows["contact"])
    insert_rows(Pledge.__table__, [
        "id", "reference", "lead_organization_id", "title", "description", "language", "focus_area_code",
        "pledge_type_code", "event_code", "amount", "currency_code", "usd_value", "usd_rate", "usd_rate_year",
        "is_global", "targets_ldc", "targets_lldc", "targets_sids", "start_date", "end_date", "start_year",
        "pledged_on", "focal_point_id", "consent_public", "status", "submitted_at", "approved_at",
        "decided_at", "assignee_id", "implementation_status", "last_reported_at", "last_reminded_at",
        "created_at", "updated_at", "version",
    ], rows["pledge"])
    insert_rows(pledge_country, ["pledge_id", "country_iso3"], rows["country"])
    insert_rows(pledge_pillar, ["pledge_id", "pillar_code"], rows["pillar"])
    insert_rows(pledge_beneficiary, ["pledge_id", "beneficiary_code"], rows["benef"])
    insert_rows(pledge_sdg, ["pledge_id", "sdg_number"], rows["sdg"])
    insert_rows(pledge_wsis, ["pledge_id", "wsis_code"], rows["wsis"])
    insert_rows(pledge_partner, ["pledge_id", "organization_id"], rows["partner"])
    insert_rows(PledgeTarget.__table__, ["id", "pledge_id", "indicator_code", "target_value", "target_year",
                                         "baseline", "note"], rows["target"])
    if rows["report"]:
        _insert_reports(rows["report"])
    insert_rows(DisbursementEntry.__table__, [
        "id", "report_id", "pledge_id", "amount", "currency_code", "year", "recipient", "instrument",
        "cofinancing", "usd_rate", "usd_rate_year", "usd_value", "migrated"], rows["entry"])
    insert_rows(ProgressValue.__table__, ["id", "report_id", "target_id", "achieved_value"], rows["value"])
    insert_rows(ProgressBeneficiary.__table__, ["id", "report_id", "beneficiary_code", "people_reached"],
                rows["rbenef"])
    insert_rows(Comment.__table__, ["id", "subject_kind", "subject_id", "visibility", "body", "author_id",
                                    "author_label", "created_at"], rows["comment"])
    insert_rows(PledgeMilestone.__table__, ["id", "pledge_id", "kind", "description", "due_on"], rows["milestone"])
    insert_rows(ProgressMilestone.__table__, ["report_id", "milestone_id", "done"], rows["rmilestone"])
    insert_rows(pledge_sdg_target, ["pledge_id", "sdg_target_code"], rows["sdg_target"])
    insert_rows(pledge_gdc, ["pledge_id", "gdc_code"], rows["gdc"])
    insert_rows(pledge_initiative, ["pledge_id", "initiative_code"], rows["initiative"])


def _insert_reports(reports: list[tuple]) -> None:
    columns = [
        "id", "reference", "pledge_id", "period", "implementation_status", "usd_disbursed",
        "disbursement_explanation", "narrative", "evidence_links", "language", "status", "submitted_at",
        "approved_at", "decided_at", "assignee_id", "created_at", "updated_at", "version", "figure_level",
    ]
    # The bulk path bypasses SQLAlchemy's JSON type: write the (empty) list as JSON text.
    reports = [r[:8] + ("[]",) + r[9:] for r in reports]
    insert_rows(ProgressReport.__table__, columns, reports)
