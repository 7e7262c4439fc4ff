"""Writes on pledges from the public form, the private link and the write API.

`data` is the plain shape produced by `PledgeForm.to_data()` and `PledgeInputSchema().load()`:
lead {name, acronym, stakeholder_group, country, website}, partners [names], title, description,
language, focus_area, pillars, pledge_type, amount (Decimal|None), currency, countries [ISO3],
is_global, beneficiary_groups, sdgs [int], wsis_lines, initiatives [codes], start_date, end_date,
targets [{indicator, value, year, baseline}], milestones [{kind, description, due_on}], sdg_targets [codes],
gdc_objectives [codes], event, focal_point {name, title, email, phone}, consent.
Services never commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import current_app
from sqlalchemy import func, select

from p2c.api import services as api_services
from p2c.api.models import ApiToken
from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus, SubmissionKind
from p2c.core.errors import Conflict, ServiceError
from p2c.core.signals import submission_decided
from p2c.core.workflow import Action, next_status
from p2c.extensions import db
from p2c.members import queries as member_queries
from p2c.members.models import Organization
from p2c.members.services import (
    claim_nonce,
    flush_versioned,
    get_or_create_organization,
    new_contact,
)
from p2c.pledges import notifications
from p2c.pledges.constants import pledge_reference
from p2c.pledges.models import Pledge, PledgeMilestone, PledgeTarget
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import BeneficiaryGroup, Country, GdcObjective, Pillar, Sdg, SdgTarget, WsisLine
from p2c.reference.queries import to_usd, usd_rate

NONCE_SCOPE = "pledge_form"
AUDIT_FIELDS = [
    "reference", "status", "lead_organization_id", "title", "description", "language", "focus_area_code",
    "pledge_type_code", "event_code", "amount", "currency_code", "usd_value", "usd_rate", "usd_rate_year",
    "is_global", "targets_ldc", "targets_lldc", "targets_sids", "start_date", "end_date", "consent_public",
]


def _snapshot(pledge: Pledge) -> dict:
    values = audit.snapshot(pledge, AUDIT_FIELDS)
    values["countries"] = sorted(c.iso3 for c in pledge.countries)
    values["pillars"] = sorted(p.code for p in pledge.pillars)
    values["initiatives"] = sorted(i.code for i in pledge.initiatives)
    values["partners"] = sorted(o.name for o in pledge.partners)
    values["targets"] = [[t.indicator_code, str(t.target_value), t.target_year,
                          None if t.baseline is None else str(t.baseline)] for t in pledge.targets]
    values["milestones"] = [[m.kind, m.description, m.due_on.isoformat()] for m in pledge.milestones]
    values["sdg_targets"] = sorted(t.code for t in pledge.sdg_targets)
    values["gdc_objectives"] = sorted(o.code for o in pledge.gdc_objectives)
    return values


def _rows(model, column, codes) -> list:
    codes = list(codes or [])
    return list(db.session.scalars(select(model).where(column.in_(codes)))) if codes else []


def partner_organizations(names: list[str], lead: Organization, *, is_member: bool = False,
                          actor_label: str = "public form") -> list[Organization]:
    """The partner organizations these names identify (created when new), once each, never the lead.

    Names are matched by the one organization rule (`members.queries.match_organization`), so
    'Orange Sénégal' and 'ORANGE SÉNÉGAL' in one list are one partner.
    """
    partners: dict[int, Organization] = {}
    for name in names:
        org, _ = get_or_create_organization({"name": name}, is_member=is_member, actor_label=actor_label)
        if org.id != lead.id:
            partners.setdefault(org.id, org)
    return list(partners.values())


def _apply(pledge: Pledge, data: dict, actor_label: str = "public form") -> None:
    """Copy everything but the organization and focal point onto the pledge (create and edit alike)."""
    pledge.title = data["title"]
    pledge.description = data["description"]
    pledge.language = data["language"]
    pledge.focus_area_code = data["focus_area"]
    pledge.pledge_type_code = data["pledge_type"]
    pledge.event_code = data.get("event") or None
    pledge.partners = partner_organizations(data.get("partners") or [], pledge.lead_organization,
                                            actor_label=actor_label)
    amount = data.get("amount")
    if amount is None:
        pledge.amount = pledge.currency_code = pledge.usd_value = pledge.usd_rate = pledge.usd_rate_year = None
    else:
        found = usd_rate(data["currency"], pledge.pledged_on)
        if found is None:
            raise ServiceError("no exchange rate", field="currency")
        pledge.amount, pledge.currency_code = amount, data["currency"]
        pledge.usd_rate, pledge.usd_rate_year = found
        pledge.usd_value = to_usd(amount, found[0])
    countries = _rows(Country, Country.iso3, data.get("countries"))
    pledge.countries = countries
    pledge.is_global = bool(data.get("is_global"))
    # The flags follow the countries; a global pledge reaches every group.
    for flag in ("ldc", "lldc", "sids"):
        setattr(pledge, f"targets_{flag}", pledge.is_global or any(getattr(c, flag) for c in countries))
    pledge.pillars = _rows(Pillar, Pillar.code, data.get("pillars"))
    pledge.beneficiary_groups = _rows(BeneficiaryGroup, BeneficiaryGroup.code, data.get("beneficiary_groups"))
    pledge.sdgs = _rows(Sdg, Sdg.number, data.get("sdgs"))
    pledge.wsis_lines = _rows(WsisLine, WsisLine.code, data.get("wsis_lines"))
    pledge.initiatives = _rows(RegionalInitiative, RegionalInitiative.code, data.get("initiatives"))
    pledge.sdg_targets = _rows(SdgTarget, SdgTarget.code, data.get("sdg_targets"))
    pledge.gdc_objectives = _rows(GdcObjective, GdcObjective.code, data.get("gdc_objectives"))
    pledge.start_date, pledge.end_date = data["start_date"], data["end_date"]
    pledge.start_year = data["start_date"].year if data.get("start_date") else None
    pledge.targets = [
        PledgeTarget(indicator_code=t["indicator"], target_value=t["value"], target_year=t["year"],
                     baseline=t.get("baseline"))
        for t in data.get("targets") or []
    ]
    pledge.milestones = [PledgeMilestone(kind=m["kind"], description=m["description"], due_on=m["due_on"])
                         for m in data.get("milestones") or []]


def create_pledge(data: dict, *, ui_language: str, nonce: str | None = None,
                  actor_label: str = "focal point") -> tuple[Pledge, bool]:
    """Record a submitted pledge; returns (pledge, created).

    A nonce (form nonce or API Idempotency-Key) that already created a pledge returns that pledge
    unchanged. `ui_language` is the language the person used: the confirmation e-mail and later
    messages are in it (stored on the contact); `data["language"]` is the language of the text.
    """
    seen = member_queries.idempotent_result(NONCE_SCOPE, nonce or "")
    if seen is not None and seen.result_id is not None:
        found = db.session.get(Pledge, seen.result_id)
        if found is not None:
            return found, False
    lead, _ = get_or_create_organization(data["lead"], actor_label=actor_label)
    contact = new_contact(data["focal_point"], ui_language)
    now = utcnow()
    pledge = Pledge(reference="tmp-" + secrets.token_hex(8), lead_organization=lead, focal_point=contact,
                    pledged_on=utcnow().date(), submitted_at=now, status=ReviewStatus.SUBMITTED,
                    consent_public=bool(data.get("consent")))
    _apply(pledge, data, actor_label)
    db.session.add(pledge)
    db.session.flush()
    pledge.reference = pledge_reference(pledge.pledged_on.year, pledge.id)
    db.session.flush()
    claim_nonce(NONCE_SCOPE, nonce, "pledge", pledge.id)
    audit.record("create", "pledge", pledge.id, label=pledge.reference, after=_snapshot(pledge),
                 actor_label=actor_label)
    notifications.pledge_received(pledge, resubmitted=False)
    return pledge, True


def update_pledge(pledge: Pledge, data: dict, *, expected_version: int,
                  actor_label: str = "focal point") -> Pledge:
    """Save the focal point's changes and resubmit (only after the team requested changes).

    `expected_version` is the version the person loaded; if someone saved in between, Conflict.
    The pledge keeps its lead organization, reference, pledge date (so its exchange rate) and
    focal point e-mail; name, title and phone of the focal point can change.
    """
    if expected_version != pledge.version:
        raise Conflict()
    new_status = next_status(pledge.status, Action.RESUBMIT)
    before = _snapshot(pledge)
    _apply(pledge, data, actor_label)
    fp = data["focal_point"]
    pledge.focal_point.name = fp["name"]
    pledge.focal_point.title = fp.get("title") or ""
    pledge.focal_point.phone = fp.get("phone") or ""
    pledge.consent_public = bool(data.get("consent"))
    pledge.status = new_status
    flush_versioned()
    audit.record("resubmit", "pledge", pledge.id, label=pledge.reference, before=before, after=_snapshot(pledge),
                 actor_label=actor_label)
    notifications.pledge_received(pledge, resubmitted=True)
    return pledge


def withdraw(pledge: Pledge, *, actor_label: str = "focal point") -> Pledge:
    """The pledger withdraws the pledge; an approved one then leaves the totals."""
    before = audit.snapshot(pledge, ["status"])
    old = pledge.status
    pledge.status = next_status(pledge.status, Action.WITHDRAW)
    pledge.decided_at = utcnow()
    flush_versioned()
    audit.record("withdraw", "pledge", pledge.id, label=pledge.reference, before=before,
                 after=audit.snapshot(pledge, ["status"]), actor_label=actor_label)
    # Receivers (rollups of approved pledges) update in this transaction, as for a review decision.
    submission_decided.send(current_app._get_current_object(), kind=SubmissionKind.PLEDGE, record=pledge,
                            old=old, new=pledge.status)
    return pledge


def submit_through_api(token: ApiToken, data: dict, *, key: str | None, fingerprint: str, ui_language: str,
                       render: Callable[[Pledge], tuple[dict, str]]) -> tuple[Pledge, dict]:
    """Submit a pledge for the API token's organization through `create_pledge` (the form's service),
    and store the answer `render(pledge)` gives, (body, location), under the Idempotency-Key."""
    pledge, _created = create_pledge(data, ui_language=ui_language, actor_label=api_services.actor_label(token))
    body, location = render(pledge)
    api_services.remember(token, key, fingerprint, "pledge", pledge.id, 201, body, location)
    return pledge, body


# -- amendments of approved pledges -------------------------------------------------------------

AMENDMENT_EXTRA = ("beneficiary_groups", "sdgs", "wsis_lines")


def amendment_snapshot(pledge: Pledge) -> dict:
    """What an amendment can change, as the reviewer's diff and the public history compare it."""
    values = _snapshot(pledge)
    values["beneficiary_groups"] = sorted(b.code for b in pledge.beneficiary_groups)
    values["sdgs"] = sorted(s.number for s in pledge.sdgs)
    values["wsis_lines"] = sorted(w.code for w in pledge.wsis_lines)
    return values


def _proposed_snapshot(pledge: Pledge, data: dict) -> dict:
    """The snapshot the pledge would have with `data` applied (computed, the pledge is not touched)."""
    values = amendment_snapshot(pledge)
    amount = data.get("amount")
    usd = rate = year = None
    if amount is not None:
        found = usd_rate(data["currency"], pledge.pledged_on)
        if found is None:
            raise ServiceError("no exchange rate", field="currency")
        rate, year = found
        usd = to_usd(amount, rate)
    countries = _rows(Country, Country.iso3, data.get("countries"))
    is_global = bool(data.get("is_global"))
    partners = partner_names_preview(data.get("partners") or [], pledge.lead_organization)
    values.update(audit._plain({
        "title": data["title"], "description": data["description"], "language": data["language"],
        "focus_area_code": data["focus_area"], "pledge_type_code": data["pledge_type"],
        "event_code": data.get("event") or None, "amount": amount,
        "currency_code": data["currency"] if amount is not None else None, "usd_value": usd, "usd_rate": rate,
        "usd_rate_year": year, "is_global": is_global, "start_date": data["start_date"],
        "end_date": data["end_date"], "consent_public": bool(data.get("consent")),
        "countries": sorted(c.iso3 for c in countries), "pillars": sorted(data.get("pillars") or []),
        "partners": partners,
        "targets": [[t["indicator"], str(t["value"]), t["year"], None if t.get("baseline") is None
                     else str(t["baseline"])] for t in data.get("targets") or []],
        "beneficiary_groups": sorted(data.get("beneficiary_groups") or []),
        "sdgs": sorted(data.get("sdgs") or []), "wsis_lines": sorted(data.get("wsis_lines") or []),
    }))
    for flag in ("ldc", "lldc", "sids"):
        values[f"targets_{flag}"] = is_global or any(getattr(c, flag) for c in countries)
    return values


def partner_names_preview(names: list[str], lead: Organization) -> list[str]:
    """The partner names as they will be recorded: a registry match shows its registry name."""
    found = []
    for name in names:
        org = member_queries.match_organization(name)
        if org is None or org.id != lead.id:
            found.append(org.name if org is not None else name)
    return sorted(dict.fromkeys(found))


def _stored(data: dict) -> dict:
    """The amendment's data, JSON-safe (the focal point and lead stay with the pledge)."""
    return audit._plain({k: v for k, v in data.items() if k not in ("focal_point", "lead")})


def _loaded(stored: dict) -> dict:
    """Stored amendment data back in the shape `_apply` takes (values were read and checked when proposed)."""
    from datetime import date
    from decimal import Decimal

    def number(value):
        # Our own canonical decimal strings (written by `_stored` from numbers already read), not input.
        return None if value in (None, "") else Decimal(str(value))

    data = dict(stored)
    data["amount"] = number(stored.get("amount"))
    for key in ("start_date", "end_date"):
        data[key] = date.fromisoformat(stored[key]) if stored.get(key) else None
    data["targets"] = [{**t, "value": number(t["value"]), "baseline": number(t.get("baseline"))}
                       for t in stored.get("targets") or []]
    data["milestones"] = [{**m, "due_on": date.fromisoformat(m["due_on"]) if m.get("due_on") else None}
                          for m in stored.get("milestones") or []]
    return data


def pending_amendment(pledge: Pledge):
    """The pledge's amendment still open (submitted, in review or sent back for changes), if any."""
    from p2c.pledges.models import PledgeAmendment

    open_statuses = (ReviewStatus.SUBMITTED, ReviewStatus.IN_REVIEW, ReviewStatus.CHANGES_REQUESTED)
    return db.session.scalar(select(PledgeAmendment).where(
        PledgeAmendment.pledge_id == pledge.id, PledgeAmendment.status.in_(open_statuses)))


def propose_amendment(pledge: Pledge, data: dict, *, expected_version: int, ui_language: str,
                      actor_label: str = "focal point"):
    """The focal point proposes changes to an approved pledge: a new amendment for review (or, when
    the team asked for changes to the open one, that one resubmitted). The pledge is not touched."""
    from p2c.pledges.models import PledgeAmendment

    if pledge.status != ReviewStatus.APPROVED:
        raise ServiceError(_not_approved())
    if expected_version != pledge.version:
        raise Conflict()
    amendment = pending_amendment(pledge)
    after = _proposed_snapshot(pledge, data)
    before = amendment_snapshot(pledge)
    if amendment is not None:
        amendment.status = next_status(amendment.status, Action.RESUBMIT)
        amendment.data, amendment.before, amendment.after = _stored(data), before, after
        amendment.submitted_at = utcnow()
        flush_versioned()
        action = "resubmit"
    else:
        count = db.session.scalar(select(func.count(PledgeAmendment.id))
                                  .where(PledgeAmendment.pledge_id == pledge.id)) or 0
        amendment = PledgeAmendment(reference=f"{pledge.reference}-A{count + 1}", pledge=pledge,
                                    data=_stored(data), before=before, after=after, language=ui_language,
                                    status=ReviewStatus.SUBMITTED, submitted_at=utcnow())
        db.session.add(amendment)
        db.session.flush()
        action = "create"
    audit.record(action, SubmissionKind.PLEDGE_AMENDMENT.value, amendment.id, label=amendment.reference,
                 before=before, after=after, actor_label=actor_label)
    notifications.amendment_received(amendment)
    return amendment


def _not_approved() -> str:
    from flask_babel import gettext

    return gettext("Only an approved pledge can be amended.")


def apply_amendment(amendment) -> None:
    """Approval of an amendment (review hook, same transaction): the pledge takes the proposed values;
    `before`/`after` now record what really changed. The rollups re-count the pledge before commit."""
    pledge = amendment.pledge
    if pledge.status != ReviewStatus.APPROVED:  # withdrawn since the amendment was proposed
        raise ServiceError(_not_approved())
    before = amendment_snapshot(pledge)
    _apply(pledge, _loaded(amendment.data), actor_label="focal point")
    pledge.consent_public = bool(amendment.data.get("consent"))
    flush_versioned()
    after = amendment_snapshot(pledge)
    amendment.before, amendment.after = before, after
    audit.record("amend", "pledge", pledge.id, label=pledge.reference, before=before, after=after,
                 actor_label="system")
