"""Approved pledges as IATI 2.03 activities, written incrementally with lxml's `etree.xmlfile`.

Choices (documented on /data and in the README):
- identifier: `<IATI_IDENTIFIER_PREFIX>-<lead organization id>-<pledge reference>`, default prefix
  `XM-P2C`. P2C pledgers have no registered IATI organisation identifiers, so the platform mints
  identifiers under its own prefix; set `IATI_IDENTIFIER_PREFIX` (and `IATI_REPORTING_ORG_REF`) to
  ITU's registered identifier once it publishes under one. The organization id keeps identifiers
  unique per pledger, and the reference makes them stable across exports.
- reporting-org: the coalition platform, as a secondary reporter (it publishes on behalf of pledgers).
- the lead organization is participating-org role 2 (extending: it funds) for financial pledges and
  4 (implementing) otherwise; partners are role 4.
- activity status: not_started 1, on_track / delayed 2, completed 4, discontinued 5.
- countries as ISO 3166-1 alpha-2 recipient-country with equal percentages summing to 100; a global
  pledge (or one without countries) gets recipient-region 998 "developing countries, unspecified".
- sector 22040 (ICT, DAC 5-digit, vocabulary 1); the focus area as `tag` vocabulary 99 with the /data
  page as vocabulary URI; each SDG target as `tag` vocabulary 3 (IATI TagVocabulary: SDG targets; code
  as the UN writes it, e.g. 9.c), named in English.
- transaction 2 (commitment): amount and currency, value-date = pledged_on. Transaction 3
  (disbursement): one per ledger entry of an approved progress report (p2c.implementation.ledger):
  its amount and currency, dated 31 December of its year (or the report's approval, if earlier: no
  transaction in the future), its recipient-country (ISO alpha-2) or recipient-region (ITU region
  to the nearest OECD DAC region: AFR 298, AMS 498, ASP 798, EUR 89; ARB, CIS and global 998, as
  are migrated totals with no recipient) and finance-type (grant and in-kind 110, loan 421, equity
  510, guarantee 1100; none for other). A pledge with ledger entries declares its recipients on every
  transaction and not on the activity (the IATI rule: one or the other); its commitment is then split
  per target country with the activity percentages (cents to the last). A pledge whose reports have
  no ledger entries keeps the former rule: the increase of "USD disbursed to date" per report.
- one result per quantified target: baseline, target and latest approved actual (whole numbers for a
  count, two decimals for USD).
- languages: the activity's default xml:lang is the pledge's language, and each narrative of known
  language says its own (title and description: the pledge's; the platform's own texts: en).
  Organization and file names inherit the default: the IATI Validator's rule 4.1.1 wants a default or
  a language on every narrative, and the pledge's language is the one its pledger wrote in.
- dates: the actual end (the last report of a completed or discontinued pledge) is never before the
  actual start (rule 11.1.3); identifiers begin with the reporting-org ref and a hyphen (1.1.21).
  tests/opendata/iati_rules.py checks the Validator's rules beyond the schema on the demo data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from lxml import etree
from sqlalchemy import select

from p2c.core.counts import is_count
from p2c.core.db import utcnow
from p2c.core.enums import ImplementationStatus
from p2c.core.text import safe_text
from p2c.extensions import db
from p2c.implementation.ledger import finance_type
from p2c.implementation.models import DisbursementEntry, ProgressReport
from p2c.opendata.exports import format_decimal
from p2c.opendata.records import is_approved, pledge_in
from p2c.reference.models import Country, FocusArea, Indicator, SdgTarget

IATI_VERSION = "2.03"
SECTOR_ICT = "22040"
REGION_UNSPECIFIED = "998"  # OECD DAC region code: developing countries, unspecified
TAG_SDG_TARGET = "3"  # IATI TagVocabulary: Sustainable Development Goals (SDG) targets
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ACTIVITY_STATUS = {
    ImplementationStatus.NOT_STARTED: "1",
    ImplementationStatus.ON_TRACK: "2",
    ImplementationStatus.DELAYED: "2",
    ImplementationStatus.COMPLETED: "4",
    ImplementationStatus.DISCONTINUED: "5",
}

# IATI OrganisationType codes for the platform's stakeholder groups.
ORGANISATION_TYPE = {
    "government": "10",
    "private_sector": "70",
    "civil_society": "22",
    "academia": "80",
    "international_org": "40",
    "un_entity": "40",
    "financial_institution": "40",
    "foundation": "60",
    "other": "90",
}


def identifier_prefix() -> str:
    """The prefix of every iati-identifier: IATI_IDENTIFIER_PREFIX, else the reporting-org ref (rule 1.1.21:
    an activity identifier begins with the reporting organisation's identifier and a hyphen)."""
    return current_app.config.get("IATI_IDENTIFIER_PREFIX") or reporting_org_ref()


def reporting_org_ref() -> str:
    """The reporting-org ref: IATI_REPORTING_ORG_REF, default XM-P2C."""
    return current_app.config.get("IATI_REPORTING_ORG_REF") or "XM-P2C"


def activity_identifier(org_id: int, reference: str) -> str:
    """The iati-identifier of a pledge."""
    return f"{identifier_prefix()}-{org_id}-{reference}"


def vocabulary_uri() -> str:
    """The platform's own vocabulary for focus-area tags: the /data page."""
    return current_app.config.get("BASE_URL", "").rstrip("/") + "/data#focus-areas"


def country_percentages(count: int) -> list[Decimal]:
    """Equal shares with two decimals that add up to exactly 100."""
    if count <= 0:
        return []
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shares = [share] * (count - 1)
    return shares + [Decimal(100) - sum(shares, Decimal(0))]


def _narrative(parent: etree._Element, text: str, lang: str | None) -> None:
    el = etree.SubElement(parent, "narrative")
    if lang:
        el.set(XML_LANG, lang)
    # Reference names and stored text alike: lxml refuses a string XML cannot hold, mid-document.
    el.text = safe_text(text)


def _text_element(parent: etree._Element, tag: str, text: str, lang: str | None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, **attrs)
    _narrative(el, text, lang)
    return el


class _Lookups:
    """Small reference tables and the platform's settings, read once per export (not once per activity)."""

    def __init__(self) -> None:
        self.prefix, self.reporting_ref = identifier_prefix(), reporting_org_ref()
        self.vocabulary_uri = vocabulary_uri()
        self.iso2 = {a: b for a, b in db.session.execute(select(Country.iso3, Country.iso2))}
        self.focus = {a: b for a, b in db.session.execute(select(FocusArea.code, FocusArea.name))}
        self.sdg_targets = {a: b for a, b in db.session.execute(select(SdgTarget.code, SdgTarget.name))}
        self.indicators = {code: (name, unit) for code, name, unit in
                           db.session.execute(select(Indicator.code, Indicator.name, Indicator.unit))}


def _disbursements(ids: list[int]) -> dict[int, list[tuple[date, Decimal, str]]]:
    """Per pledge id: (value date, USD, report reference) of each disbursement.

    Reports state "USD disbursed to date", a running total, so each disbursement is the increase over
    the previous approved report that stated one (in the order of `implementation.latest`: period,
    then approval time, then id), dated by its report. A total that stays the same or goes down (a
    correction) adds no disbursement.
    """
    stmt = (select(ProgressReport.pledge_id, ProgressReport.approved_at, ProgressReport.usd_disbursed,
                   ProgressReport.reference)
            .where(pledge_in(ProgressReport.pledge_id, ids), is_approved(ProgressReport.status),
                   ProgressReport.usd_disbursed.is_not(None))
            .order_by(ProgressReport.pledge_id, ProgressReport.period, ProgressReport.approved_at,
                      ProgressReport.id))
    out: dict[int, list] = defaultdict(list)
    previous: dict[int, Decimal] = {}
    for pledge_id, approved_at, value, report_ref in db.session.connection().execute(stmt):
        increment = Decimal(value) - previous.get(pledge_id, Decimal(0))
        previous[pledge_id] = max(Decimal(value), previous.get(pledge_id, Decimal(0)))
        if increment > 0:
            out[pledge_id].append(((approved_at or utcnow()).date(), increment, report_ref))
    return out


# ITU region -> nearest OECD DAC region code (IATI Region vocabulary 1); the rest: 998 unspecified.
DAC_REGION = {"AFR": "298", "AMS": "498", "ASP": "798", "EUR": "89"}


def _ledger(ids: list[int]) -> dict[int, list[tuple]]:
    """Per pledge id: (date, amount, currency, recipient, instrument, entry ref) of each ledger entry of its
    approved reports, in entry order."""
    stmt = (select(DisbursementEntry.pledge_id, DisbursementEntry.id, DisbursementEntry.year,
                   DisbursementEntry.amount, DisbursementEntry.currency_code, DisbursementEntry.recipient,
                   DisbursementEntry.instrument, ProgressReport.approved_at, ProgressReport.reference)
            .join(ProgressReport, ProgressReport.id == DisbursementEntry.report_id)
            .where(pledge_in(DisbursementEntry.pledge_id, ids), is_approved(ProgressReport.status))
            .order_by(DisbursementEntry.pledge_id, DisbursementEntry.year, DisbursementEntry.id))
    out: dict[int, list] = defaultdict(list)
    for pid, eid, year, amount, currency, recipient, instrument, approved, ref in db.session.connection().execute(
            stmt):
        on = min(date(year, 12, 31), (approved or utcnow()).date())
        out[pid].append((on, Decimal(amount), currency, recipient, instrument, f"{ref}-E{eid}"))
    return out


def _recipient(parent: etree._Element, recipient: str, lookups: _Lookups) -> None:
    """A transaction's recipient-country (a country) or recipient-region (anything else)."""
    if recipient in lookups.iso2:
        etree.SubElement(parent, "recipient-country", code=lookups.iso2[recipient])
    else:
        etree.SubElement(parent, "recipient-region", code=DAC_REGION.get(recipient, REGION_UNSPECIFIED),
                         vocabulary="1")


def _dates(activity: etree._Element, rec: dict[str, Any]) -> None:
    start, end = rec["start_date"] or rec["pledged_on"], rec["end_date"]
    status = rec["implementation_status"]
    etree.SubElement(activity, "activity-date", type="1", **{"iso-date": start.isoformat()})
    started = status in ("on_track", "delayed", "completed", "discontinued") and start <= utcnow().date()
    if started:
        etree.SubElement(activity, "activity-date", type="2", **{"iso-date": start.isoformat()})
    if end:
        etree.SubElement(activity, "activity-date", type="3", **{"iso-date": end.isoformat()})
    if status in ("completed", "discontinued") and rec["last_reported_at"]:
        # A report filed before the stated start date still ends the activity no earlier than it started
        # (rule 11.1.3: actual start before actual end); both are in the past.
        ended = rec["last_reported_at"].date()
        etree.SubElement(activity, "activity-date", type="4",
                         **{"iso-date": (max(ended, start) if started else ended).isoformat()})


def _transaction(activity: etree._Element, code: str, on: date, value: Decimal, currency: str,
                 ref: str | None = None) -> etree._Element:
    tx = etree.SubElement(activity, "transaction", **({"ref": ref} if ref else {}))
    etree.SubElement(tx, "transaction-type", code=code)
    etree.SubElement(tx, "transaction-date", **{"iso-date": on.isoformat()})
    val = etree.SubElement(tx, "value", currency=currency, **{"value-date": on.isoformat()})
    val.text = format_decimal(value, 2)
    return tx


def _ledger_transactions(activity: etree._Element, rec: dict[str, Any], countries: list[str], lookups: _Lookups,
                         entries: list[tuple]) -> None:
    """The commitment split per target country, then one disbursement per ledger entry, each with its
    recipient (the activity declares none: see the module docstring)."""
    if rec["amount"] is not None and rec["currency"]:
        targets = [c for c in rec["countries"] if c in lookups.iso2] if countries and not rec["is_global"] else []
        if targets:
            total, given = Decimal(rec["amount"]), Decimal(0)
            for i, (iso3, pct) in enumerate(zip(targets, country_percentages(len(targets)), strict=True)):
                share = total - given if i == len(targets) - 1 else (total * pct / 100).quantize(Decimal("0.01"))
                given += share
                _recipient(_transaction(activity, "2", rec["pledged_on"], share, rec["currency"]), iso3, lookups)
        else:
            _recipient(_transaction(activity, "2", rec["pledged_on"], rec["amount"], rec["currency"]), "", lookups)
    for on, amount, currency, recipient, instrument, ref in entries:
        tx = _transaction(activity, "3", on, amount, currency, ref)
        _recipient(tx, recipient, lookups)
        code = finance_type(instrument)
        if code:
            etree.SubElement(tx, "finance-type", code=code)


# English, like the indicator titles: the level of the achieved value (p2c.core.enums.FigureLevel).
ACHIEVED_LEVEL_COMMENTS = {
    "self_reported": "Self-reported by the pledger (not reviewed by the coalition team).",
    "reviewed": "Self-reported by the pledger; progress report reviewed and approved by the coalition team.",
    "verified": "Independently verified: an independent verifier confirmed the progress report's evidence.",
}


def _results(activity: etree._Element, rec: dict[str, Any], lookups: _Lookups) -> None:
    start = rec["start_date"] or rec["pledged_on"]
    for target in rec["targets"]:
        name, unit = lookups.indicators.get(target["indicator"], (target["indicator"], ""))
        places = 0 if is_count(unit) else 2  # people, schools... are whole (p2c.core.counts)
        result = etree.SubElement(activity, "result", type="1")
        _text_element(result, "title", name, "en")
        indicator = etree.SubElement(result, "indicator", measure="1", ascending="1")
        _text_element(indicator, "title", f"{name} ({unit})" if unit else name, "en")
        if target["baseline"] is not None:
            etree.SubElement(indicator, "baseline", year=str(start.year),
                             value=format_decimal(target["baseline"], places))
        period = etree.SubElement(indicator, "period")
        end = date(target["target_year"], 12, 31)
        etree.SubElement(period, "period-start", **{"iso-date": min(start, end).isoformat()})
        etree.SubElement(period, "period-end", **{"iso-date": end.isoformat()})
        etree.SubElement(period, "target", value=format_decimal(target["target_value"], places))
        if target["achieved_value"] is not None:
            actual = etree.SubElement(period, "actual", value=format_decimal(target["achieved_value"], places))
            if rec.get("achieved_level") in ACHIEVED_LEVEL_COMMENTS:  # how far the figure was checked
                _narrative(etree.SubElement(actual, "comment"), ACHIEVED_LEVEL_COMMENTS[rec["achieved_level"]], "en")


def build_activity(rec: dict[str, Any], lookups: _Lookups, disbursed: list,
                   entries: list | None = None) -> etree._Element:
    """One iati-activity element for an open-data record (`entries`: its ledger, see `_ledger`)."""
    lang = rec["language"] or "en"
    currency = rec["currency"] or "USD"
    updated = max(d for d in (rec["approved_at"], rec["last_reported_at"]) if d is not None) \
        if (rec["approved_at"] or rec["last_reported_at"]) else utcnow()
    # The default language is the pledge's (rule 4.1.1: a default, or a language on every narrative):
    # organization and file names have no language of their own and take it; every narrative whose
    # language is known still says it.
    activity = etree.Element("iati-activity", **{
        XML_LANG: lang,
        "default-currency": currency,
        "last-updated-datetime": updated.replace(microsecond=0).isoformat() + "Z",
    })
    # activity_identifier(), with the prefix read once per export
    etree.SubElement(activity, "iati-identifier").text = f"{lookups.prefix}-{rec['org_id']}-{rec['reference']}"
    reporting = etree.SubElement(activity, "reporting-org", ref=lookups.reporting_ref, type="40",
                                 **{"secondary-reporter": "1"})
    _narrative(reporting, "Partner2Connect Digital Coalition (ITU)", "en")
    _text_element(activity, "title", rec["title"], lang)
    _text_element(activity, "description", rec["description"] or rec["title"], lang, type="1")
    lead_role = "2" if rec["pledge_type"] == "financial" else "4"
    lead = etree.SubElement(activity, "participating-org", role=lead_role,
                            type=ORGANISATION_TYPE.get(rec["lead_organization_stakeholder_group"], "90"))
    _narrative(lead, rec["lead_organization"], None)
    for partner in rec["partners"]:
        _narrative(etree.SubElement(activity, "participating-org", role="4"), partner, None)
    status = ImplementationStatus(rec["implementation_status"] or "not_started")
    etree.SubElement(activity, "activity-status", code=ACTIVITY_STATUS[status])
    _dates(activity, rec)
    countries = [lookups.iso2[c] for c in rec["countries"] if c in lookups.iso2]
    if countries and not rec["is_global"] and not entries:  # with a ledger, recipients go on the transactions
        for iso2, pct in zip(countries, country_percentages(len(countries)), strict=True):
            etree.SubElement(activity, "recipient-country", code=iso2, percentage=format(pct, "f"))
    elif not entries:
        etree.SubElement(activity, "recipient-region", code=REGION_UNSPECIFIED, vocabulary="1", percentage="100")
    etree.SubElement(activity, "sector", vocabulary="1", code=SECTOR_ICT, percentage="100")
    tag = etree.SubElement(activity, "tag", vocabulary="99", code=rec["focus_area"],
                           **{"vocabulary-uri": lookups.vocabulary_uri})
    _narrative(tag, lookups.focus.get(rec["focus_area"], rec["focus_area"]), "en")
    for code in rec.get("sdg_targets") or []:
        _narrative(etree.SubElement(activity, "tag", vocabulary=TAG_SDG_TARGET, code=code),
                   lookups.sdg_targets.get(code, code), "en")
    if entries:
        _ledger_transactions(activity, rec, countries, lookups, entries)
    else:
        if rec["amount"] is not None and rec["currency"]:
            _transaction(activity, "2", rec["pledged_on"], rec["amount"], rec["currency"])
        for on, value, ref in disbursed:
            _transaction(activity, "3", on, value, "USD", ref)
    _evidence_documents(activity, rec.get("evidence_files") or [])
    _results(activity, rec, lookups)
    return activity


def _evidence_documents(activity: etree._Element, urls: list[str]) -> None:
    """Evidence files of approved progress reports as document links (category A08: results, outcomes and
    outputs; format: the file's checked media type, from the IATI FileFormat code list, i.e. IANA)."""
    from urllib.parse import unquote

    from p2c.implementation.evidence import ACCEPTED

    for url in urls:
        name = unquote(url.rsplit("/", 1)[-1])
        link = etree.SubElement(activity, "document-link", url=url,
                                format=ACCEPTED.get(name.rpartition(".")[2], "application/octet-stream"))
        _narrative(etree.SubElement(link, "title"), name, None)
        etree.SubElement(link, "category", code="A08")
