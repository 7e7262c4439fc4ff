"""The one definition of the open-data columns: exports (CSV, JSON, XLSX), the import and the /data
data dictionary all read this list, so the export and import formats cannot drift apart.

Encoding rules (the same in every format unless said otherwise):
- lists are `;`-separated in CSV and XLSX (a `;` or `\\` inside a name is escaped with `\\`) and
  JSON arrays in JSON;
- booleans are `true` / `false` in CSV, JSON booleans in JSON;
- decimals are plain decimal strings with a fixed number of places (CSV, JSON) and numbers in XLSX;
- dates and times are ISO 8601 (`2026-06-01`, `2026-06-01T09:30:00`, UTC);
- `targets` holds the quantified targets and the latest approved progress on each, and `milestones`
  the qualitative targets with whether the latest approved report says they are done, both
  JSON-encoded (a JSON array in the JSON export), so they survive CSV and XLSX without loss;
- an empty cell (or JSON null) means "no value".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from p2c.core.enums import FigureLevel, ImplementationStatus


class Kind(StrEnum):
    """How a column's value is typed and encoded."""

    TEXT = "text"
    CODE = "code"
    CODES = "codes"  # a list of codes
    TEXTS = "texts"  # a list of names
    INTEGERS = "integers"
    DECIMAL = "decimal"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"
    JSON = "json"


KIND_TITLES = {
    Kind.TEXT: _l("text"),
    Kind.CODE: _l("code"),
    Kind.CODES: _l("list of codes (separated by ;)"),
    Kind.TEXTS: _l("list of names (separated by ;)"),
    Kind.INTEGERS: _l("list of whole numbers (separated by ;)"),
    Kind.DECIMAL: _l("decimal number"),
    Kind.INTEGER: _l("whole number"),
    Kind.BOOLEAN: _l("true or false"),
    Kind.DATE: _l("date (YYYY-MM-DD)"),
    Kind.DATETIME: _l("date and time, UTC (YYYY-MM-DDTHH:MM:SS)"),
    Kind.JSON: _l("JSON array"),
}


@dataclass(frozen=True)
class Column:
    """One column of the export and the import."""

    name: str
    meaning: object  # lazy translated text
    kind: Kind
    # Where the allowed values come from: a reference dataset name (see `reference_values`), or None.
    values_from: str | None = None
    # Text describing allowed values when they are not a reference list.
    allowed: object = ""
    required: bool = False  # on import
    # Derived columns are recomputed on import and only checked against the file when present.
    derived: bool = False
    places: int = 2  # decimals


IMPLEMENTATION_VALUES = ", ".join(ImplementationStatus.values())

COLUMNS: tuple[Column, ...] = (
    Column("reference", _l("Public reference of the pledge; the key used to update on re-import."), Kind.TEXT,
           allowed=_l("e.g. P2C-2026-00042; empty on import to assign a new one"), required=False),
    Column("title", _l("Title of the pledge."), Kind.TEXT, allowed=_l("up to 300 characters"), required=True),
    Column("description", _l("What the organization commits to do."), Kind.TEXT, required=True),
    Column("language", _l("Language the pledge was written in."), Kind.CODE, allowed="ar, en, es, fr, ru, zh",
           required=True),
    Column("lead_organization", _l("Name of the lead organization (a joint pledge counts once, under it)."),
           Kind.TEXT, required=True),
    Column("lead_organization_acronym", _l("Acronym of the lead organization."), Kind.TEXT),
    Column("lead_organization_stakeholder_group", _l("Stakeholder group of the lead organization."), Kind.CODE,
           values_from="stakeholder_groups", required=True),
    Column("lead_organization_country", _l("Country of the lead organization (ISO 3166-1 alpha-3)."), Kind.CODE,
           values_from="countries"),
    Column("lead_organization_region", _l("ITU region of the lead organization's country."), Kind.CODE,
           allowed="AFR, AMS, ARB, ASP, CIS, EUR, OE", derived=True),
    Column("partners", _l("Names of the partner organizations of a joint pledge."), Kind.TEXTS),
    Column("focus_area", _l("Primary P2C focus area."), Kind.CODE, values_from="focus_areas", required=True),
    Column("pillars", _l("Pillars of the focus area."), Kind.CODES, values_from="pillars"),
    Column("pledge_type", _l("Type of pledge."), Kind.CODE, values_from="pledge_types", required=True),
    Column("amount", _l("Estimated value, in the currency it was pledged in."), Kind.DECIMAL,
           allowed=_l("0 or more")),
    Column("currency", _l("ISO 4217 currency of the amount."), Kind.CODE, values_from="currencies"),
    Column("usd_value", _l("Value in US dollars at the yearly average rate of the pledge date; the progress "
                           "page sums this column."), Kind.DECIMAL),
    Column("usd_rate", _l("US dollars per unit of the currency used for usd_value."), Kind.DECIMAL, places=10),
    Column("usd_rate_year", _l("Year of the average exchange rate used."), Kind.INTEGER),
    Column("is_global", _l("The pledge targets the whole world rather than listed countries."), Kind.BOOLEAN),
    Column("countries", _l("Target countries (ISO 3166-1 alpha-3); a pledge counts in each of them."),
           Kind.CODES, values_from="countries"),
    Column("targets_ldc", _l("At least one target country is a least developed country (LDC)."), Kind.BOOLEAN,
           derived=True),
    Column("targets_lldc", _l("At least one target country is a landlocked developing country (LLDC)."),
           Kind.BOOLEAN, derived=True),
    Column("targets_sids", _l("At least one target country is a small island developing State (SIDS)."),
           Kind.BOOLEAN, derived=True),
    Column("beneficiary_groups", _l("Groups the pledge is meant for."), Kind.CODES,
           values_from="beneficiary_groups"),
    Column("sdgs", _l("Sustainable Development Goals the pledge contributes to."), Kind.INTEGERS,
           allowed="1-17"),
    Column("wsis_lines", _l("WSIS Action Lines."), Kind.CODES, values_from="wsis_lines"),
    Column("initiatives", _l("WTDC-25 regional initiatives (2026-2029) the pledge is aligned with."), Kind.CODES,
           values_from="initiatives"),
    Column("start_date", _l("Planned start of implementation."), Kind.DATE),
    Column("end_date", _l("Planned end of implementation."), Kind.DATE),
    Column("start_year", _l("Start year used by the progress page's breakdown by start year."), Kind.INTEGER),
    Column("pledged_on", _l("Date of the pledge; its year picks the exchange rate."), Kind.DATE, required=True),
    Column("approved_at", _l("When the coalition team approved the pledge."), Kind.DATETIME),
    Column("announced_at", _l("Event at which the pledge was announced."), Kind.CODE, values_from="events"),
    Column("implementation_status", _l("Implementation status from the latest approved progress report."),
           Kind.CODE, allowed=IMPLEMENTATION_VALUES),
    Column("last_reported_at", _l("When the latest approved progress report was filed; reporting status "
                                  "(current, due, inactive) follows from it."), Kind.DATETIME),
    Column("usd_disbursed", _l("US dollars disbursed to date: the running total stated by the latest "
                               "approved progress report."), Kind.DECIMAL),
    Column("achieved_level", _l("How far the achieved figures (targets' achieved_value, usd_disbursed) were "
                                "checked: self_reported (approved without a review, e.g. imported), reviewed "
                                "(progress report approved by the coalition team), verified (confirmed by an "
                                "independent verifier). On import, the figures loaded keep the level given "
                                "(self_reported when empty)."),
           Kind.CODE, allowed=", ".join(FigureLevel.values())),
    Column("targets", _l("Quantified targets: indicator, target_value, target_year, baseline, note, and the "
                         "latest approved progress (achieved_value, achieved_period)."), Kind.JSON,
           values_from="indicators"),
    Column("evidence_files", _l("Addresses of the evidence files of the pledge's approved progress reports "
                                "(downloads)."), Kind.TEXTS, derived=True),
    # Appended, never inserted: scripts that read the files by position keep working.
    Column("sdg_targets", _l("SDG targets (goal.target, e.g. 9.c) the pledge contributes to."), Kind.CODES,
           values_from="sdg_targets"),
    Column("gdc_objectives", _l("Objectives of the Global Digital Compact the pledge contributes to."), Kind.CODES,
           values_from="gdc_objectives"),
    Column("milestones", _l("Qualitative targets: kind (law, policy, strategy, other), description, due_on "
                            "(YYYY-MM-DD) and done (true or false as the latest approved progress report says; "
                            "null when it does not say). On import, an empty done keeps what is stored."),
           Kind.JSON),
)

BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)

# Keys of each object in the `targets` column, in order.
TARGET_KEYS = ("indicator", "target_value", "target_year", "baseline", "note", "achieved_value", "achieved_period")
# Keys of each object in the `milestones` column, in order.
MILESTONE_KEYS = ("kind", "description", "due_on", "done")
# Columns added after files were first published: a file without the column leaves the stored values as
# they are (an older export re-imported must not wipe them), an empty cell clears them.
KEPT_WHEN_ABSENT = frozenset({"initiatives", "sdg_targets", "gdc_objectives", "milestones"})


def reference_values() -> dict[str, list[str]]:
    """Allowed codes per reference dataset, read from the reference tables (for the dictionary and import)."""
    from sqlalchemy import select

    from p2c.extensions import db
    from p2c.reference.initiatives import RegionalInitiative
    from p2c.reference.models import (
        BeneficiaryGroup,
        Country,
        Currency,
        Event,
        FocusArea,
        GdcObjective,
        Indicator,
        Pillar,
        PledgeType,
        SdgTarget,
        StakeholderGroup,
        WsisLine,
    )

    def codes(column) -> list[str]:
        return [str(v) for v in db.session.scalars(select(column).order_by(column))]

    return {
        "stakeholder_groups": codes(StakeholderGroup.code),
        "countries": codes(Country.iso3),
        "focus_areas": codes(FocusArea.code),
        "pillars": codes(Pillar.code),
        "pledge_types": codes(PledgeType.code),
        "currencies": codes(Currency.code),
        "beneficiary_groups": codes(BeneficiaryGroup.code),
        "wsis_lines": codes(WsisLine.code),
        "initiatives": codes(RegionalInitiative.code),
        "events": codes(Event.code),
        "indicators": codes(Indicator.code),
        "sdg_targets": codes(SdgTarget.code),
        "gdc_objectives": codes(GdcObjective.code),
    }
