"""The pledge rules that need more than a length check, written once for the HTML form and the API schema.

Both `p2c.pledges.forms.PledgeForm` and `p2c.pledges.schemas.PledgeInputSchema` parse numbers with
`parse_decimal`, clean text with `clean_text`, resolve country shortcuts with `resolve_countries` and
finish with `check_pledge`, which checks everything that depends on reference data (codes exist,
pillars belong to the area, the currency has a rate, dates in order). They report errors under the
same field names, so a test can feed both the same bad input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import g
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from p2c.extensions import db
from p2c.pledges import constants as C
from p2c.reference.models import (
    BeneficiaryGroup,
    Country,
    Currency,
    Event,
    ExchangeRate,
    FocusArea,
    Indicator,
    Pillar,
    PledgeType,
    Sdg,
    StakeholderGroup,
    WsisLine,
)

# Country shortcuts: "global", "region:AFR" (an ITU region), "ldc", "lldc", "sids".
GLOBAL = "global"
GROUP_SHORTCUTS = ("ldc", "lldc", "sids")
ITU_REGIONS = ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")

# Control characters other than tab and newlines: PostgreSQL refuses NUL, and none belong in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^[0-9+()./\- x]*$", re.IGNORECASE)
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
                   r"[a-z\u00a1-\uffff]{2,63}$", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """A focus area with its active pillars (plain data for forms and checks)."""

    code: str
    official_name: str
    name: str
    pillars: list = field(default_factory=list)


@dataclass
class Catalog:
    """Reference codes the rules check against, read once per request as plain rows (no ORM objects)."""

    countries: dict
    currencies: dict
    rated_currencies: set[str]
    focus_areas: dict[str, Area]
    pillars: dict
    pledge_types: dict
    stakeholder_groups: dict
    beneficiary_groups: dict
    sdgs: dict
    wsis_lines: dict
    indicators: dict
    events: dict


def _rows(model, key: str, *order) -> dict:
    """{key: row} with every column of the table; rows read like the model (row.name, row.ldc ...)."""
    columns = [c for c in model.__table__.columns]
    rows = db.session.execute(select(*columns).order_by(*order)).all()
    return {getattr(row, key): row for row in rows}


def catalog() -> Catalog:
    """The reference data the pledge and EOI forms need (cached on `g` for the request)."""
    cached = g.get("_p2c_catalog")
    if cached is not None:
        return cached
    pillars = {code: row for code, row in _rows(Pillar, "code", Pillar.focus_area_code, Pillar.position).items()
               if row.active}
    areas = {
        code: Area(code=code, official_name=row.official_name, name=row.name,
                   pillars=[p for p in pillars.values() if p.focus_area_code == code])
        for code, row in _rows(FocusArea, "code", FocusArea.position).items()
    }
    result = Catalog(
        countries=_rows(Country, "iso3", Country.name),
        currencies=_rows(Currency, "code", Currency.code),
        rated_currencies=set(db.session.scalars(select(ExchangeRate.currency_code).distinct())) | {"USD"},
        focus_areas=areas,
        pillars=pillars,
        pledge_types=_rows(PledgeType, "code", PledgeType.position),
        stakeholder_groups=_rows(StakeholderGroup, "code", StakeholderGroup.position),
        beneficiary_groups=_rows(BeneficiaryGroup, "code", BeneficiaryGroup.position),
        sdgs=_rows(Sdg, "number", Sdg.number),
        wsis_lines=_rows(WsisLine, "code", WsisLine.position),
        indicators=_rows(Indicator, "code", Indicator.position),
        events=_rows(Event, "code", Event.position),
    )
    g._p2c_catalog = result
    return result


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
    "indicators": lambda cat: list(cat.indicators),
    "shortcuts": lambda cat: [GLOBAL, *(f"region:{r}" for r in ITU_REGIONS), *GROUP_SHORTCUTS],
}


def codes(pool: str):
    """A callable giving the codes of one CODE_POOLS pool (read when called, inside a request)."""
    return lambda: CODE_POOLS[pool](catalog())


def current_rates(on: date) -> dict[str, str]:
    """USD per unit of every currency with a rate, for the year of `on` (same choice as
    `p2c.reference.queries.usd_rate`: that year, else the nearest earlier, else the earliest), in one query."""
    by_currency: dict[str, list[tuple[int, Decimal]]] = {}
    for code, year, rate in db.session.execute(
        select(ExchangeRate.currency_code, ExchangeRate.year, ExchangeRate.usd_per_unit)
    ):
        by_currency.setdefault(code, []).append((year, rate))
    rates = {"USD": "1"}
    for code, rows in by_currency.items():
        earlier = [r for r in rows if r[0] <= on.year]
        chosen = max(earlier) if earlier else min(rows)
        rates[code] = str(Decimal(chosen[1]).normalize())
    rates["USD"] = "1"
    return rates


def clean_text(value: object) -> str:
    """Text as stored: Unicode NFC, control characters removed, outer whitespace stripped.

    Markup is kept as typed (it is harmless text: templates escape it); only characters no person
    types, and that some databases refuse (NUL), are dropped.
    """
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return _CONTROL.sub("", text).replace("\r\n", "\n").strip()


# Arabic thousands and decimal separators, as an Arabic keyboard types them.
_SEPARATORS = str.maketrans({"\u066c": ",", "\u066b": ".", "\u060c": ","})


def _ascii_digits(text: str) -> str:
    """'١٬٥٠٠' -> '1,500': digits of any script (Arabic-Indic, Devanagari ...) as ASCII."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() and unicodedata.digit(ch, None)
                   is not None else ch for ch in text.translate(_SEPARATORS))


def parse_decimal(text: object, *, upper: Decimal, allow_empty: bool = True) -> Decimal | None:
    """Read a number typed by a person: '1,500,000', '1 500 000', '2500.50', '2 500,50'.

    Raises ValueError with a message to show. Refuses negative values, exponents, NaN and
    values >= `upper`; keeps two decimals.
    """
    raw = _ascii_digits(clean_text(text)).replace("\u00a0", " ").replace("\u202f", " ").replace("'", "")
    raw = raw.replace(" ", "")
    if raw == "":
        if allow_empty:
            return None
        raise ValueError(_("Enter a number."))
    if raw.startswith("-"):
        raise ValueError(_("Enter a number of zero or more."))
    if not re.fullmatch(r"[0-9.,]+", raw) or not re.search(r"[0-9]", raw):
        raise ValueError(_("Enter a number using digits only, for example 1500000 or 1,500,000."))
    if "," in raw and "." in raw:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in raw:
        # '1,500,000' groups thousands; '2500,50' (a single comma, not three digits after) is decimal.
        raw = raw.replace(",", "") if re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+", raw) else raw.replace(",", ".")
    elif raw.count(".") > 1:
        if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3})+", raw):
            raise ValueError(_("Enter a number using digits only, for example 1500000 or 1,500,000."))
        raw = raw.replace(".", "")
    if raw.count(".") > 1 or len(raw) > 40:
        raise ValueError(_("Enter a number using digits only, for example 1500000 or 1,500,000."))
    try:
        value = Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise ValueError(_("Enter a number using digits only, for example 1500000 or 1,500,000.")) from None
    if value >= upper:
        raise ValueError(_("Enter a number below %(limit)s.", limit=format_decimal(upper, format="#,##0")))
    return value


def normalize_website(value: object) -> str:
    """A website as stored: 'example.org' becomes 'https://example.org'. Raises ValueError if it is not one."""
    text = clean_text(value)
    if not text:
        return ""
    if not re.match(r"^https?://", text, re.IGNORECASE):
        if "://" in text:
            raise ValueError(_("Enter a web address starting with http:// or https://."))
        text = "https://" + text
    host = re.sub(r"^https?://", "", text, flags=re.IGNORECASE).split("/", 1)[0].split(":", 1)[0]
    if not _HOST.match(host) or any(ch.isspace() for ch in text) or len(text) > C.WEBSITE_MAX:
        raise ValueError(_("Enter a web address such as https://example.org."))
    return text


def check_phone(value: str) -> None:
    """Digits, spaces and + ( ) . - / x only."""
    if value and (not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 4):
        raise ValueError(_("Enter a phone number with digits, for example +41 22 730 5111."))


def check_email(value: str) -> str:
    """A syntactically valid address (no DNS lookup), normalized; raises ValueError."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(_("Enter a valid e-mail address, such as name@example.org.")) from None


def country_shortcut_choices() -> list[tuple[str, str]]:
    """(value, label) of the country shortcuts, for forms and documentation."""
    return [
        (GLOBAL, _("Global (all countries)")),
        *[(f"region:{code}", _("ITU region: %(region)s", region=region_name(code))) for code in ITU_REGIONS],
        ("ldc", _("All least developed countries (LDCs)")),
        ("lldc", _("All landlocked developing countries (LLDCs)")),
        ("sids", _("All small island developing States (SIDS)")),
    ]


def region_name(code: str) -> str:
    """An ITU development region's name."""
    names = {
        "AFR": _("Africa"), "AMS": _("Americas"), "ARB": _("Arab States"), "ASP": _("Asia and the Pacific"),
        "CIS": _("CIS region"), "EUR": _("Europe"), "OE": _("Other territories"),
    }
    return names.get(code, code)


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


def check_pledge(data: dict, *, known_lead: bool, unknown_countries: list[str] = ()) -> dict[str, list[str]]:
    """Rules on already-typed pledge data that need reference data. Returns {field: [messages]}.

    `data` is the shape `create_pledge` takes (see p2c.pledges.services). `known_lead` says whether
    the lead organization matched an existing one (then its group and country are not needed);
    `unknown_countries` are codes and shortcuts `resolve_countries` did not know.
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
    if data.get("event") and data["event"] not in cat.events:
        add("event", _("Choose an event from the list."))
    start, end = data.get("start_date"), data.get("end_date")
    for name, value in (("start_date", start), ("end_date", end)):
        if isinstance(value, date) and not C.MIN_YEAR <= value.year <= C.MAX_YEAR:
            add(name, _("Enter a date between %(first)s and %(last)s.", first=C.MIN_YEAR, last=C.MAX_YEAR))
    if isinstance(start, date) and isinstance(end, date) and end < start:
        add("end_date", _("The end date must be on or after the start date."))
    targets = data.get("targets") or []
    if not targets:
        add("targets", _("Add at least one quantified target."))
    for index, target in enumerate(targets):
        if target.get("indicator") and target["indicator"] not in cat.indicators:
            add(f"targets-{index}-indicator", _("Choose an indicator from the list."))
    return errors
