"""Our own checker of the IATI Validator's rules beyond the XSD, for the activity file we write.

The IATI Validator applies, after the 2.03 schema, the IATI Standard rulesets (IATI/IATI-Rulesets,
`rulesets/standard.json`, version-2.03) and the code lists (IATI/IATI-Codelists for the embedded lists,
IATI/IATI-Codelists-NonEmbedded for the others). Their files are not ours to copy: this module re-states
the rules that apply to what p2c.opendata.iati writes, each under its ruleset id and message, and the
few code values our file can hold. Which rules are checked and which are not (and why) is listed in the
README ("IATI rules beyond the schema").

`check(root, today)` returns a list of (rule id, iati-identifier, message) for every rule broken.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation

import pycountry
from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Embedded code lists (IATI-Codelists, version-2.03 xml/*.xml), every active code.
ACTIVITY_STATUS = {"1", "2", "3", "4", "5", "6"}
TRANSACTION_TYPE = {str(n) for n in range(1, 14)}
ORGANISATION_ROLE = {"1", "2", "3", "4"}
ACTIVITY_DATE_TYPE = {"1", "2", "3", "4"}
# Non-embedded code lists (IATI-Codelists-NonEmbedded xml/*.xml), active codes only ("withdrawn" refused).
ORGANISATION_TYPE = {"10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90"}
SECTOR_VOCABULARY = {str(n) for n in range(1, 13)} | {"98", "99"}
REGION_VOCABULARY = {"1", "2", "99"}
TAG_VOCABULARY = {"1", "2", "3", "4", "5", "99"}
INDICATOR_MEASURE = {"1", "2", "3", "4", "5"}
DESCRIPTION_TYPE = {"1", "2", "3", "4"}
# Region (vocabulary 1, OECD DAC): the active codes (380 is withdrawn).
DAC_REGION = {"88", "89", "189", "289", "298", "389", "489", "498", "589", "619", "679", "689", "789", "798",
              "889", "998", "1027", "1028", "1029", "1030", "1031", "1032", "1033", "1034", "1035"}
# FinanceType: the active codes (the 111, 211, 41x, 45x, 511, 512, 7xx, 8xx, 9xx codes are withdrawn).
FINANCE_TYPE = {"1", "110", "1100", "2", "210", "3", "310", "311", "4", "421", "422", "423", "424", "425",
                "431", "432", "433", "510", "520", "530", "610", "611", "612", "613", "614", "615", "616",
                "617", "618", "620", "621", "622", "623", "624", "625", "626", "627", "630", "631", "632",
                "633", "634", "635", "636", "637", "638", "639"}
# Country and Currency are ISO 3166-1 alpha-2 and ISO 4217 (pycountry's copies of the ISO lists); IATI
# withdrew these codes from them: AN (Netherlands Antilles); BYR, EEK, LTL, LVL, MRO, STD, USS, VEF, ZMK.
COUNTRY = {c.alpha_2 for c in pycountry.countries} - {"AN"}
CURRENCY = {c.alpha_3 for c in pycountry.currencies} - {"BYR", "EEK", "LTL", "LVL", "MRO", "STD", "USS", "VEF",
                                                        "ZMK"}
# Language: ISO 639-1 (two letters).
LANGUAGE = {lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2")}


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text[:10]) if text else None


def _pct(text: str | None) -> Decimal:
    try:
        return Decimal(text or "")
    except InvalidOperation:
        return Decimal("NaN")


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_activity(activity: etree._Element, today: date) -> list[tuple[str, str, str]]:  # noqa: C901, PLR0912, PLR0915
    """Every rule the activity breaks, as (rule id, iati-identifier, message)."""
    ident = (activity.findtext("iati-identifier") or "").strip()
    broken: list[tuple[str, str, str]] = []

    def fail(rule: str, message: str) -> None:
        broken.append((rule, ident, message))

    # 1.1.21 The activity identifier should begin with your IATI organisation identifier ... followed by a
    # unique string for the activity separated by a hyphen. 1.1.3: and be different from it.
    reporting_ref = activity.find("reporting-org").get("ref", "") if activity.find("reporting-org") is not None else ""
    if not ident.startswith(reporting_ref + "-"):
        fail("1.1.21", f"iati-identifier {ident!r} does not begin with the reporting-org ref {reporting_ref!r} + '-'")
    if ident == reporting_ref:
        fail("1.1.3", "the activity identifier equals the reporting organisation's")
    # 1.3.1 / 1.14.1 no leading or trailing spaces; 1.3.13 / 1.14.13 none of / & | ?
    raw_ident = activity.findtext("iati-identifier") or ""
    if raw_ident != raw_ident.strip() or reporting_ref != reporting_ref.strip():
        fail("1.3.1", "an identifier starts or ends with spaces")
    if any(ch in ident + reporting_ref for ch in "/&|?"):
        fail("1.3.13", "an identifier holds one of / & | ?")

    # 4.1.1 The activity should specify a default language OR the language must be specified for each
    # narrative element; and the language must come from the Language code list.
    default_lang = activity.get(XML_LANG)
    for narrative in activity.iter("narrative"):
        lang = narrative.get(XML_LANG) or default_lang
        if not lang:
            fail("4.1.1", f"a narrative under <{narrative.getparent().tag}> has no language, nor the activity")
        elif lang not in LANGUAGE:
            fail("codelist:Language", f"language {lang!r}")
        # Not a ruleset rule but the Validator's 'no empty narrative' message (and 4.3.1 / 4.4.1 below).
        if not (narrative.text or "").strip():
            fail("narrative-empty", f"an empty narrative under <{narrative.getparent().tag}>")
    if default_lang and default_lang not in LANGUAGE:
        fail("codelist:Language", f"default language {default_lang!r}")
    # 4.3.1 / 4.4.1 The title / description must contain narrative content.
    for tag, rule in (("title", "4.3.1"), ("description", "4.4.1")):
        for el in activity.findall(tag):
            if not any((n.text or "").strip() for n in el.findall("narrative")):
                fail(rule, f"<{tag}> has no narrative content")

    # 7.8.1 The activity should specify a default currency OR the currency must be specified for each value.
    default_currency = activity.get("default-currency")
    for value in activity.iter("value"):
        currency = value.get("currency") or default_currency
        if not currency:
            fail("7.8.1", "a value without a currency and no default-currency")
        elif currency not in CURRENCY:
            fail("codelist:Currency", f"currency {currency!r}")
    if default_currency and default_currency not in CURRENCY:
        fail("codelist:Currency", f"default-currency {default_currency!r}")

    # 11.1.1 The last updated datetime of the activity must not be in the future.
    updated = _date(activity.get("last-updated-datetime"))
    if updated and updated > today:
        fail("11.1.1", f"last-updated-datetime {updated} is in the future")

    # Activity dates: 6.11.1 a planned or actual start; 11.1.2 planned start before planned end; 11.1.3
    # actual start before actual end; 11.1.4 / 11.1.5 actual dates not in the future.
    dates: dict[str, date] = {}
    for el in activity.findall("activity-date"):
        if el.get("type") not in ACTIVITY_DATE_TYPE:
            fail("codelist:ActivityDateType", f"activity-date type {el.get('type')!r}")
        dates[el.get("type")] = _date(el.get("iso-date"))
    if "1" not in dates and "2" not in dates:
        fail("6.11.1", "no planned start date and no actual start date")
    if "1" in dates and "3" in dates and dates["1"] > dates["3"]:
        fail("11.1.2", f"planned start {dates['1']} after planned end {dates['3']}")
    if "2" in dates and "4" in dates and dates["2"] > dates["4"]:
        fail("11.1.3", f"actual start {dates['2']} after actual end {dates['4']}")
    if "2" in dates and dates["2"] > today:
        fail("11.1.4", f"actual start {dates['2']} in the future")
    if "4" in dates and dates["4"] > today:
        fail("11.1.5", f"actual end {dates['4']} in the future")

    status = activity.find("activity-status")
    if status is None or status.get("code") not in ACTIVITY_STATUS:
        fail("codelist:ActivityStatus", "activity-status missing or not in the code list")
    for org in (*activity.findall("participating-org"), *activity.findall("reporting-org")):
        # 6.10.1 The participating organisation must have an identifier or a narrative.
        if org.tag == "participating-org" and not org.get("ref") and org.find("narrative") is None:
            fail("6.10.1", "a participating-org with neither ref nor narrative")
        if org.tag == "participating-org" and org.get("role") not in ORGANISATION_ROLE:
            fail("codelist:OrganisationRole", f"role {org.get('role')!r}")
        if org.get("type") is not None and org.get("type") not in ORGANISATION_TYPE:
            fail("codelist:OrganisationType", f"type {org.get('type')!r}")

    # Geography. 3.6.2 recipients at activity level OR on the transactions; 3.7.1 / 3.7.2 when not on the
    # activity, on every transaction. 3.1.1 / 3.4.1 several recipients each have a percentage; 3.1.2 /
    # 3.4.2 country + region percentages add up to 100; 3.1.4 / 3.4.4 a single one is omitted or 100;
    # 12.1.1 each percentage between 0 and 100.
    countries, regions = activity.findall("recipient-country"), activity.findall("recipient-region")
    transactions = activity.findall("transaction")
    tx_geo = [tx for tx in transactions if tx.find("recipient-country") is not None
              or tx.find("recipient-region") is not None]
    if (countries or regions) and tx_geo:
        fail("3.6.2", "recipients declared on the activity and on transactions")
    if not (countries or regions) and len(tx_geo) != len(transactions):
        fail("3.7.1", "no recipient on the activity and not on every transaction")
    for el in countries + regions:
        pct = el.get("percentage")
        if pct is not None and not Decimal(0) <= _pct(pct) <= Decimal(100):
            fail("12.1.1", f"percentage {pct} out of 0-100")
    by_vocab: dict[str, list] = defaultdict(list)
    for region in regions:
        by_vocab[region.get("vocabulary", "1")].append(region)
    for vocab, items in (by_vocab.items() or [("1", [])]):
        group = countries + items
        if len(group) > 1:
            if any(el.get("percentage") is None for el in group):
                fail("3.4.1", "several recipients and one without a percentage")
            elif sum(_pct(el.get("percentage")) for el in group) != 100:
                fail("3.4.2", f"recipient percentages (vocabulary {vocab}) add up to "
                              f"{sum(_pct(el.get('percentage')) for el in group)}, not 100")
        elif len(group) == 1 and group[0].get("percentage") not in (None,) and _pct(group[0].get("percentage")) != 100:
            fail("3.4.4", "a single recipient with a percentage other than 100")
    for el in activity.iter("recipient-country"):
        if el.get("code") not in COUNTRY:
            fail("codelist:Country", f"recipient-country {el.get('code')!r}")
    for el in activity.iter("recipient-region"):
        vocab = el.get("vocabulary", "1")
        if vocab not in REGION_VOCABULARY:
            fail("codelist:RegionVocabulary", f"vocabulary {vocab!r}")
        elif vocab == "1" and el.get("code") not in DAC_REGION:
            fail("codelist:Region", f"recipient-region {el.get('code')!r}")

    # Sectors. 6.2.2 a sector on the activity or on all transactions; 6.6.2 not both; 2.1.1 several in a
    # vocabulary each have a percentage; 2.1.2 they add up to 100; 2.1.4 a single one is omitted or 100;
    # 12.3.1 each between 0 and 100; 2.2.1 vocabulary 98/99 has a narrative.
    sectors = activity.findall("sector")
    tx_sectors = [tx for tx in transactions if tx.find("sector") is not None]
    if not sectors and (not transactions or len(tx_sectors) != len(transactions)):
        fail("6.2.2", "no sector on the activity nor on every transaction")
    if sectors and tx_sectors:
        fail("6.6.2", "sectors on the activity and on transactions")
    by_sector_vocab: dict[str, list] = defaultdict(list)
    for sector in sectors:
        vocab = sector.get("vocabulary", "1")
        by_sector_vocab[vocab].append(sector)
        if vocab not in SECTOR_VOCABULARY:
            fail("codelist:SectorVocabulary", f"vocabulary {vocab!r}")
        if vocab in ("98", "99") and sector.find("narrative") is None:
            fail("2.2.1", "a reporting-organisation sector without a narrative")
        pct = sector.get("percentage")
        if pct is not None and not Decimal(0) <= _pct(pct) <= Decimal(100):
            fail("12.3.1", f"sector percentage {pct} out of 0-100")
    for vocab, items in by_sector_vocab.items():
        if len(items) > 1:
            if any(s.get("percentage") is None for s in items):
                fail("2.1.1", f"several sectors in vocabulary {vocab}, one without a percentage")
            elif sum(_pct(s.get("percentage")) for s in items) != 100:
                fail("2.1.2", f"sector percentages in vocabulary {vocab} do not add up to 100")
        elif items[0].get("percentage") is not None and _pct(items[0].get("percentage")) != 100:
            fail("2.1.4", "a single sector with a percentage other than 100")

    for tag in activity.findall("tag"):
        if tag.get("vocabulary") not in TAG_VOCABULARY:
            fail("codelist:TagVocabulary", f"tag vocabulary {tag.get('vocabulary')!r}")

    # Transactions. 11.2.1 the transaction date and 11.2.2 the value date not in the future; the value-date
    # is required (XSD too, but we say which); codes from TransactionType and FinanceType.
    for tx in transactions:
        code = tx.find("transaction-type").get("code") if tx.find("transaction-type") is not None else None
        if code not in TRANSACTION_TYPE:
            fail("codelist:TransactionType", f"transaction-type {code!r}")
        on = _date(tx.find("transaction-date").get("iso-date")) if tx.find("transaction-date") is not None else None
        if on is None:
            fail("transaction-date", "a transaction without a date")
        elif on > today:
            fail("11.2.1", f"transaction date {on} in the future")
        value = tx.find("value")
        value_date = _date(value.get("value-date")) if value is not None else None
        if value_date is None:
            fail("value-date", "a transaction value without a value-date")
        elif value_date > today:
            fail("11.2.2", f"value date {value_date} in the future")
        finance = tx.find("finance-type")
        if finance is not None and finance.get("code") not in FINANCE_TYPE:
            fail("codelist:FinanceType", f"finance-type {finance.get('code')!r}")

    # Budgets: 8.6.3 start before end; 7.5.3 a period of at most one year.
    for budget in activity.findall("budget"):
        start = _date(budget.find("period-start").get("iso-date"))
        end = _date(budget.find("period-end").get("iso-date"))
        if start > end:
            fail("8.6.3", f"budget period {start}..{end} ends before it starts")
        if end > _add_months(start, 12):
            fail("7.5.3", f"budget period {start}..{end} is longer than one year")

    # Results. 8.6.1 indicator period start before end; 8.8.1 / 8.9.1 / 8.10.1 a quantitative measure's
    # baseline, target and actual have a value, and (8.8.2 / 8.9.2 / 8.10.2) a number.
    for indicator in activity.iter("indicator"):
        measure = indicator.get("measure")
        if measure not in INDICATOR_MEASURE:
            fail("codelist:IndicatorMeasure", f"measure {measure!r}")
        for period in indicator.findall("period"):
            start = _date(period.find("period-start").get("iso-date"))
            end = _date(period.find("period-end").get("iso-date"))
            if start > end:
                fail("8.6.1", f"indicator period {start}..{end} ends before it starts")
        if measure in ("1", "2", "3", "4"):
            for path, rule in (("baseline", "8.8"), ("period/target", "8.9"), ("period/actual", "8.10")):
                for el in indicator.findall(path):
                    if el.get("value") is None:
                        fail(rule + ".1", f"<{el.tag}> without a value")
                    elif _pct(el.get("value")).is_nan():
                        fail(rule + ".2", f"<{el.tag}> value {el.get('value')!r} is not a number")
    for description in activity.findall("description"):
        if description.get("type", "1") not in DESCRIPTION_TYPE:
            fail("codelist:DescriptionType", f"description type {description.get('type')!r}")
    return broken


def check(root: etree._Element, today: date) -> list[tuple[str, str, str]]:
    """Every rule broken by every activity of an iati-activities document (see module docstring)."""
    broken: list[tuple[str, str, str]] = []
    for activity in root.iter("iati-activity"):
        broken.extend(check_activity(activity, today))
    return broken
