"""The pledge form prefilled: a pledge's current values (the private link's edit form) or an amendment's
proposed ones (an amendment sent back for changes). Shapes are those of `PledgeForm` fields."""

from __future__ import annotations

from datetime import date


def initial_data(pledge) -> dict:
    """A pledge as form data, to prefill the edit form of the private link."""
    def number(value) -> str:
        return "" if value is None else format(value.normalize(), "f") if value == value.to_integral() else str(value)

    return {
        "lead_name": pledge.lead_organization.name, "lead_acronym": pledge.lead_organization.acronym,
        "lead_stakeholder_group": pledge.lead_organization.stakeholder_group_code,
        "lead_country": pledge.lead_organization.country_iso3 or "",
        "lead_website": pledge.lead_organization.website,
        "partners": "\n".join(o.name for o in pledge.partners),
        "title": pledge.title, "description": pledge.description, "language": pledge.language,
        "focus_area": pledge.focus_area_code, "pillars": [p.code for p in pledge.pillars],
        "pledge_type": pledge.pledge_type_code, "amount": number(pledge.amount),
        "currency": pledge.currency_code or "USD",
        "shortcuts": ["global"] if pledge.is_global else [], "countries": [c.iso3 for c in pledge.countries],
        "beneficiary_groups": [b.code for b in pledge.beneficiary_groups],
        "sdgs": [str(s.number) for s in pledge.sdgs], "wsis_lines": [w.code for w in pledge.wsis_lines],
        "initiatives": [i.code for i in pledge.initiatives],
        "start_date": pledge.start_date, "end_date": pledge.end_date,
        "targets": [{"indicator": t.indicator_code, "value": number(t.target_value), "year": str(t.target_year),
                     "baseline": number(t.baseline)} for t in pledge.targets],
        "milestones": [{"kind": m.kind, "description": m.description, "due_on": m.due_on} for m in pledge.milestones],
        "sdg_targets": [t.code for t in pledge.sdg_targets], "gdc_objectives": [o.code for o in pledge.gdc_objectives],
        "event": pledge.event_code or "",
        "focal_name": pledge.focal_point.name, "focal_title": pledge.focal_point.title,
        "focal_email": pledge.focal_point.email, "focal_phone": pledge.focal_point.phone,
        "consent": pledge.consent_public, "version": str(pledge.version),
    }


def amendment_initial_data(pledge, amendment) -> dict:
    """The edit form prefilled with an amendment's proposed values (sent back for changes)."""
    data = initial_data(pledge)
    stored = amendment.data

    def number(value) -> str:
        return "" if value in (None, "") else str(value)

    data.update({
        "partners": "\n".join(stored.get("partners") or []),
        "title": stored["title"], "description": stored["description"], "language": stored["language"],
        "focus_area": stored["focus_area"], "pillars": stored.get("pillars") or [],
        "pledge_type": stored["pledge_type"], "amount": number(stored.get("amount")),
        "currency": stored.get("currency") or "USD",
        "shortcuts": ["global"] if stored.get("is_global") else [], "countries": stored.get("countries") or [],
        "beneficiary_groups": stored.get("beneficiary_groups") or [],
        "sdgs": [str(n) for n in stored.get("sdgs") or []], "wsis_lines": stored.get("wsis_lines") or [],
        "start_date": _day(stored.get("start_date")), "end_date": _day(stored.get("end_date")),
        "targets": [{"indicator": t["indicator"], "value": number(t["value"]), "year": str(t["year"]),
                     "baseline": number(t.get("baseline"))} for t in stored.get("targets") or []],
        "initiatives": stored.get("initiatives") or [],
        "milestones": [{"kind": m["kind"], "description": m["description"], "due_on": _day(m.get("due_on"))}
                       for m in stored.get("milestones") or []],
        "sdg_targets": stored.get("sdg_targets") or [], "gdc_objectives": stored.get("gdc_objectives") or [],
        "event": stored.get("event") or "", "consent": bool(stored.get("consent")),
    })
    return data


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
