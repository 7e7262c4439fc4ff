"""The pledge rules that need more than a length check, written once for the HTML form and the API schema.

Both `p2c.pledges.forms.PledgeForm` and `p2c.pledges.schemas.PledgeInputSchema` read numbers with
`p2c.core.numbers.read_decimal` (the one number reader), clean text with `p2c.core.text.clean_text`,
resolve country shortcuts with `resolve_countries` and finish with `check_pledge`, which checks everything
that depends on reference data (codes exist, pillars belong to the area, the currency has a rate and its
ISO 4217 minor unit, dates in order). They report errors under the same field names, so a test can feed
both the same bad input.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from p2c.core.counts import count_precision_error
from p2c.core.numbers import currency_precision_error
from p2c.pledges import constants as C
from p2c.reference.catalog import catalog
from p2c.reference.initiatives import initiative_codes
from p2c.reference.regions import ITU_REGIONS, region_name

# Country shortcuts: "global", "region:AFR" (an ITU region), "ldc", "lldc", "sids".
GLOBAL = "global"
GROUP_SHORTCUTS = ("ldc", "lldc", "sids")

# The reference pools check_pledge tests codes against, by name: the API schema names them in its
# fields' metadata (`codes`), so the OpenAPI document lists exactly the codes these checks accept.
CODE_POOLS = {
    "stakeholder_groups": lambda cat: list(cat.stakeholder_groups),
    "countries": lambda cat: list(cat.countries),
    "focus_areas": lambda cat: list(cat.focus_areas),
    "pillars": lambda cat: list(cat.pillars),
    "pledge_types": lambda cat: list(cat.pledge_types),
    "currencies": lambda cat: sorted(set(cat.currencies) & cat.rated_currencies),
    "beneficiary_groups": lambda cat: list(cat.beneficiary_groups),
    "sdgs": lambda cat: list(cat.sdgs),
    "wsis_lines": lambda cat: list(cat.wsis_lines),
    "events": lambda cat: list(cat.events),
    "sdg_targets": lambda cat: [c for c, t in cat.sdg_targets.items() if t.active],
    "gdc_objectives": lambda cat: [c for c, o in cat.gdc_objectives.items() if o.active],
    "milestone_kinds": lambda cat: list(C.MILESTONE_KINDS),
    "indicators": lambda cat: list(cat.indicators),
    "initiatives": lambda cat: sorted(initiative_codes(active_only=True)),
    "shortcuts": lambda cat: [GLOBAL, *(f"region:{r}" for r in ITU_REGIONS), *GROUP_SHORTCUTS],
}


def codes(pool: str):
    """A callable giving the codes of one CODE_POOLS pool (read when called, inside a request)."""
    return lambda: CODE_POOLS[pool](catalog())


def country_shortcut_choices() -> list[tuple[str, str]]:
    """(value, label) of the country shortcuts, for forms and documentation."""
    return [
        (GLOBAL, _("Global (all countries)")),
        *[(f"region:{code}", _("ITU region: %(region)s", region=region_name(code))) for code in ITU_REGIONS],
        ("ldc", _("All least developed countries (LDCs)")),
        ("lldc", _("All landlocked developing countries (LLDCs)")),
        ("sids", _("All small island developing States (SIDS)")),
    ]


def resolve_countries(selected: list[str], shortcuts: list[str]) -> tuple[list[str], bool, list[str]]:
    """Expand the shortcuts into ISO3 codes and add the chosen countries.

    Returns (sorted unique ISO3 codes, is_global, unknown codes or shortcuts). A global pledge keeps
    no country list: it targets everyone.
    """
    cat = catalog()
    unknown = [code for code in selected if code not in cat.countries]
    codes = {code for code in selected if code in cat.countries}
    is_global = False
    for shortcut in shortcuts:
        if shortcut == GLOBAL:
            is_global = True
        elif shortcut in GROUP_SHORTCUTS:
            codes |= {c.iso3 for c in cat.countries.values() if getattr(c, shortcut)}
        elif shortcut.startswith("region:") and shortcut[7:] in ITU_REGIONS:
            codes |= {c.iso3 for c in cat.countries.values() if c.itu_region == shortcut[7:]}
        else:
            unknown.append(shortcut)
    if is_global:
        codes = set()
    return sorted(codes), is_global, unknown


def check_pledge(data: dict, *, known_lead: bool, unknown_countries: list[str] = (),
                 kept_codes: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    """Rules on already-typed pledge data that need reference data. Returns {field: [messages]}.

    `data` is the shape `create_pledge` takes (see p2c.pledges.services). `known_lead` says whether
    the lead organization matched an existing one (then its group and country are not needed);
    `unknown_countries` are codes and shortcuts `resolve_countries` did not know. SDG targets and GDC
    objectives an admin retired are refused unless in `kept_codes` (those the edited pledge already names).
    """
    cat = catalog()
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    lead = data.get("lead") or {}
    if not known_lead and not lead.get("stakeholder_group"):
        add("lead_stakeholder_group", _("Choose the stakeholder group of your organization."))
    if lead.get("stakeholder_group") and lead["stakeholder_group"] not in cat.stakeholder_groups:
        add("lead_stakeholder_group", _("Choose a stakeholder group from the list."))
    if lead.get("country") and lead["country"] not in cat.countries:
        add("lead_country", _("Choose a country from the list."))
    if data.get("focus_area") not in cat.focus_areas:
        add("focus_area", _("Choose one focus area."))
    pillars = data.get("pillars") or []
    if not pillars:
        add("pillars", _("Choose at least one pillar of the focus area."))
    elif any(code not in cat.pillars for code in pillars):
        add("pillars", _("Choose pillars from the list."))
    elif data.get("focus_area") in cat.focus_areas and any(
        cat.pillars[code].focus_area_code != data["focus_area"] for code in pillars
    ):
        add("pillars", _("Choose pillars of the focus area you chose; the others do not apply."))
    if data.get("pledge_type") not in cat.pledge_types:
        add("pledge_type", _("Choose the type of pledge."))
    currency = data.get("currency")
    if data.get("amount") is not None:
        if not currency:
            add("currency", _("Choose the currency of the amount."))
        elif currency not in cat.currencies:
            add("currency", _("Choose a currency from the list."))
        elif currency not in cat.rated_currencies:
            add("currency", _("We have no exchange rate for %(code)s yet. Please enter the amount in US dollars "
                              "or in another currency from the list.", code=currency))
        else:
            # ISO 4217 minor unit: 1500000.75 XOF would show as 1 500 001 F CFA and 1500000.75 in the files.
            problem = currency_precision_error(data["amount"], currency)
            if problem:
                add("amount", problem)
    elif data.get("pledge_type") == "financial":
        add("amount", _("A financial pledge needs an amount."))
    if unknown_countries:
        add("countries", _("Choose from the list."))
    elif not data.get("countries") and not data.get("is_global"):
        add("countries", _("Choose at least one target country, a shortcut, or Global."))
    for name, pool in (("beneficiary_groups", cat.beneficiary_groups), ("sdgs", cat.sdgs),
                       ("wsis_lines", cat.wsis_lines)):
        if any(code not in pool for code in data.get(name) or []):
            add(name, _("Choose from the list."))
    for name, pool in (("sdg_targets", cat.sdg_targets), ("gdc_objectives", cat.gdc_objectives)):
        if any(code not in pool or not (pool[code].active or code in kept_codes) for code in data.get(name) or []):
            add(name, _("Choose from the list."))
    chosen = data.get("initiatives") or []
    if chosen and any(code not in initiative_codes(active_only=True) for code in chosen):
        add("initiatives", _("Choose regional initiatives from the list."))
    if data.get("event") and data["event"] not in cat.events:
        add("event", _("Choose an event from the list."))
    start, end = data.get("start_date"), data.get("end_date")
    for name, value in (("start_date", start), ("end_date", end)):
        if isinstance(value, date) and not C.MIN_YEAR <= value.year <= C.MAX_YEAR:
            add(name, _("Enter a date between %(first)s and %(last)s.", first=C.MIN_YEAR, last=C.MAX_YEAR))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        add("end_date", _("The end date must be on or after the start date."))
    targets = data.get("targets") or []
    milestones = data.get("milestones") or []
    if not targets and not milestones:
        # A policy or advocacy pledge may have milestones with a date instead of a number.
        add("targets", _("Add at least one quantified target, or a milestone with its date."))
    for index, target in enumerate(targets):
        if target.get("indicator") and target["indicator"] not in cat.indicators:
            add(f"targets-{index}-indicator", _("Choose an indicator from the list."))
        elif target.get("indicator"):
            # People, schools, sites... are counted in whole units (p2c.core.counts); USD may have cents.
            for key in ("value", "baseline"):
                message = count_precision_error(target.get(key), cat.indicators[target["indicator"]].unit)
                if message:
                    add(f"targets-{index}-{key}", message)
    if len(milestones) > C.MAX_MILESTONES:
        add("milestones", _("Add at most %(n)s milestones.", n=C.MAX_MILESTONES))
    for index, milestone in enumerate(milestones):
        if milestone.get("kind") not in C.MILESTONE_KINDS:
            add(f"milestones-{index}-kind", _("Choose what the milestone is."))
        due = milestone.get("due_on")
        if isinstance(due, date) and not C.MIN_YEAR <= due.year <= C.MAX_YEAR:
            add(f"milestones-{index}-due_on",
                _("Enter a date between %(first)s and %(last)s.", first=C.MIN_YEAR, last=C.MAX_YEAR))
    return errors
