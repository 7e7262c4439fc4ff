"""The public pledge form (/pledges/new) and its edit variant for the focal point's private link.

Field names match `PledgeInputSchema`, and both end in `rules.check_pledge`, so the form and the API
refuse the same input with the same messages.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import get_currency_name
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional, ValidationError

from p2c.core import text
from p2c.core.db import utcnow
from p2c.core.i18n import current_language, ref_name, reference_translation
from p2c.core.numbers import read_decimal
from p2c.members.forms import (
    CheckboxesField,
    FocalPointChecksMixin,
    PublicForm,
    VersionedFormMixin,
    apply_rule,
    country_choices,
    length,
    stakeholder_choices,
    strip_filter,
)
from p2c.members.queries import match_organization
from p2c.pledges import constants as C
from p2c.pledges import rules
from p2c.reference import catalog
from p2c.reference.initiatives import initiatives
from p2c.reference.regions import region_name

# Empty target rows shown without JavaScript (JS adds rows up to MAX_TARGETS).
TARGET_ROWS = 3
MILESTONE_ROWS = 2
MILESTONE_KIND_TITLES = {"law": _l("A law adopted"), "policy": _l("A policy or regulation published"),
                         "strategy": _l("A strategy or plan launched"), "other": _l("Another milestone")}
LANGUAGE_NAMES = {"en": "English", "ar": "العربية", "es": "Español", "fr": "Français", "ru": "Русский", "zh": "中文"}


def year_choices() -> list[tuple[str, str]]:
    """Blank, then MIN_YEAR..MAX_YEAR."""
    return [("", "–")] + [(str(y), str(y)) for y in range(C.MIN_YEAR, C.MAX_YEAR + 1)]


class TargetForm(Form):
    """One quantified target row. A row left entirely empty is ignored."""

    indicator = SelectField(_l("Indicator"), validate_choice=False)
    value = StringField(_l("Target value"), filters=[strip_filter])
    year = SelectField(_l("Target year"), validate_choice=False)
    baseline = StringField(_l("Baseline (optional)"), filters=[strip_filter])

    def is_empty(self) -> bool:
        """Nothing typed or chosen in this row."""
        return not any((self.indicator.data, self.value.data, self.year.data, self.baseline.data))


class MilestoneForm(Form):
    """One qualitative target: what will be done, and by when. A row left entirely empty is ignored."""

    kind = SelectField(_l("Milestone"), validate_choice=False)
    description = StringField(_l("What will be done"), filters=[strip_filter])
    due_on = DateField(_l("By (date)"), validators=[Optional()])

    def is_empty(self) -> bool:
        """Nothing typed in this row (the kind alone does not count: it has a default)."""
        return not (self.description.data or self.due_on.data or self.due_on.raw_data and any(self.due_on.raw_data))


def currency_choices(currencies: dict, rated: set | frozenset | dict) -> list[tuple[str, str]]:
    """(code, "EUR – euro") for each currency with a rate, named in the reader's language by Babel (CLDR).

    The code comes first so that a reader finds a currency by its code in any language; the reference
    table's English name is the fallback for a code CLDR does not know.
    """
    lang = current_language()
    choices = []
    for code, currency in currencies.items():
        if code not in rated:
            continue
        try:
            name = get_currency_name(code, locale=lang)
        except (ValueError, LookupError):
            name = ""
        if not name or name == code:
            name = ref_name(currency.name)
        choices.append((code, f"{code} – {name}"))
    return choices


def initiative_groups(countries: list[str], shortcuts: list[str], chosen: list[str]) -> list[dict]:
    """The active regional initiatives by ITU region, the regions of the target countries first.

    Each group: region code, its name (region_name), its initiatives, and `first` (a region the pledge targets, or
    one with a chosen initiative: the form shows it open).
    """
    cat = catalog.catalog()
    targeted = {cat.countries[c].itu_region for c in countries if c in cat.countries}
    targeted |= {s[7:] for s in shortcuts if s.startswith("region:")}
    groups: dict[str, dict] = {}
    for item in initiatives(current_language(), active_only=True):
        group = groups.setdefault(item.region, {"region": item.region, "region_name": region_name(item.region),
                                                "initiatives": [], "first": item.region in targeted})
        group["initiatives"].append(item)
        if item.code in chosen:
            group["first"] = True
    return sorted(groups.values(), key=lambda g: (not g["first"], g["region"]))


def _text(label, max_len: int, required: str | None = None, min_len: int = 0):
    validators = [DataRequired(required), length(min=min_len, max=max_len)] if required else \
        [Optional(), length(max=max_len)]
    return StringField(label, filters=[strip_filter], validators=validators)


class PledgeForm(FocalPointChecksMixin, PublicForm):
    """Every field of a pledge, in the order a person fills them in."""

    lead_name = _text(_l("Organization name"), C.ORG_NAME_MAX, _l("Enter the name of the lead organization."))
    lead_acronym = _text(_l("Acronym (optional)"), C.ACRONYM_MAX)
    lead_stakeholder_group = SelectField(_l("Stakeholder group"), validate_choice=False)
    lead_country = SelectField(_l("Country of the headquarters (optional)"), validate_choice=False)
    lead_website = _text(_l("Website (optional)"), C.WEBSITE_MAX)
    partners = TextAreaField(_l("Partner organizations (optional)"), filters=[strip_filter])

    title = _text(_l("Title of the pledge"), C.TITLE_MAX, _l("Enter a title for the pledge."), min_len=5)
    description = TextAreaField(_l("Description"), filters=[strip_filter], validators=[
        DataRequired(_l("Describe the pledge.")), length(min=C.DESCRIPTION_MIN, max=C.DESCRIPTION_MAX)])
    language = SelectField(_l("Language the pledge is written in"),
                           choices=[(code, LANGUAGE_NAMES[code]) for code in C.PLEDGE_LANGUAGES])
    focus_area = RadioField(_l("Focus area"), validate_choice=False)
    pillars = CheckboxesField(_l("Pillars"))
    pledge_type = RadioField(_l("Type of pledge"), validate_choice=False)

    amount = StringField(_l("Estimated value (optional for non-financial pledges)"), filters=[strip_filter])
    currency = SelectField(_l("Currency"), validate_choice=False, default="USD")

    shortcuts = CheckboxesField(_l("Shortcuts"))
    countries = CheckboxesField(_l("Countries"))
    beneficiary_groups = CheckboxesField(_l("Beneficiary groups (optional)"))
    sdgs = CheckboxesField(_l("Sustainable Development Goals (optional)"))
    wsis_lines = CheckboxesField(_l("WSIS Action Lines (optional)"))
    initiatives = CheckboxesField(_l("WTDC-25 regional initiatives (optional)"))

    start_date = DateField(_l("Start date"), validators=[DataRequired(_l("Enter the start date."))])
    end_date = DateField(_l("End date"), validators=[DataRequired(_l("Enter the end date."))])
    targets = FieldList(FormField(TargetForm), min_entries=TARGET_ROWS, max_entries=C.MAX_TARGETS)
    milestones = FieldList(FormField(MilestoneForm), min_entries=MILESTONE_ROWS, max_entries=C.MAX_MILESTONES)
    sdg_targets = CheckboxesField(_l("SDG targets (optional)"))
    gdc_objectives = CheckboxesField(_l("Global Digital Compact objectives (optional)"))
    event = SelectField(_l("Announced at (optional)"), validate_choice=False)

    focal_name = _text(_l("Full name"), C.PERSON_NAME_MAX, _l("Enter the focal point's name."))
    focal_title = _text(_l("Job title (optional)"), C.PERSON_NAME_MAX)
    focal_email = _text(_l("E-mail address"), C.EMAIL_MAX, _l("Enter an e-mail address."))
    focal_phone = _text(_l("Phone (optional)"), C.PHONE_MAX)
    consent = BooleanField(
        _l("I confirm that my organization makes this pledge, and agree that once approved it is published "
           "(without the focal point's contact details)."),
        validators=[DataRequired(_l("Please confirm to submit the pledge."))])

    def __init__(self, *args, kept_codes: frozenset[str] = frozenset(), **kwargs) -> None:
        """`kept_codes`: the retired SDG target and GDC objective codes the edited pledge already names,
        which it may keep (an admin retired them after the pledge chose them)."""
        super().__init__(*args, **kwargs)
        self.kept_codes = frozenset(kept_codes)
        cat = catalog.catalog()
        self.lead_stakeholder_group.choices = stakeholder_choices(str(_l("Choose...")))
        self.lead_country.choices = country_choices(str(_l("Not specified / international")))
        self.focus_area.choices = [(code, ref_name(fa.name)) for code, fa in cat.focus_areas.items()]
        self.pillars.choices = [(code, ref_name(p.name)) for code, p in cat.pillars.items()]
        self.pledge_type.choices = [(code, ref_name(t.name)) for code, t in cat.pledge_types.items()]
        self.currency.choices = currency_choices(cat.currencies, cat.rated_currencies)
        self.shortcuts.choices = rules.country_shortcut_choices()
        self.countries.choices = country_choices()
        self.beneficiary_groups.choices = [(c, ref_name(b.name)) for c, b in cat.beneficiary_groups.items()]
        self.sdgs.choices = [(str(n), f"{n}. {ref_name(s.name)}") for n, s in cat.sdgs.items()]
        self.wsis_lines.choices = [(c, f"{c} {ref_name(w.name)}") for c, w in cat.wsis_lines.items()]
        self.initiative_groups = initiative_groups(self.countries.data or [], self.shortcuts.data or [],
                                                   self.initiatives.data or [])
        self.initiatives.choices = [(i.code, i.title) for g in self.initiative_groups for i in g["initiatives"]]
        lang = current_language()

        def named(english: str, translations: dict | None) -> tuple[str, bool]:
            """(name in the reader's language, whether it fell back to English on a non-English page)."""
            text, text_lang = reference_translation(english, translations)
            return text, text_lang == "en" and lang != "en"

        # A name shown in its English fallback is marked lang="en" (an <option>'s render_kw, WTForms 3.1+;
        # the checkbox labels through `english_labels`), so screen readers read it in English.
        self.event.choices = [("", str(_l("None")))] + [
            (c, text, {"lang": "en"}) if fallback else (c, text)
            for c, (text, fallback) in ((c, named(e.name, e.name_translations)) for c, e in cat.events.items())]
        indicators = [("", str(_l("Choose...")))] + [(c, ref_name(i.name)) for c, i in cat.indicators.items()]
        for entry in self.targets.entries:
            entry.form.indicator.choices = indicators
            entry.form.year.choices = year_choices()
        kinds = [(k, str(MILESTONE_KIND_TITLES[k])) for k in C.MILESTONE_KINDS]
        for entry in self.milestones.entries:
            entry.form.kind.choices = kinds
        # Retired targets and objectives are offered only to a pledge that already names them (what it has
        # stored, not what a request sends: a hand-made POST cannot bring a retired code back).
        kept = self.kept_codes
        targets = {c: named(t.name, t.name_translations) for c, t in cat.sdg_targets.items() if t.active or c in kept}
        objectives = {c: named(o.name, o.name_translations) for c, o in cat.gdc_objectives.items()
                      if o.active or c in kept}
        self.sdg_targets.choices = [(c, f"{c} {text}") for c, (text, _fallback) in targets.items()]
        self.gdc_objectives.choices = [(c, text) for c, (text, _fallback) in objectives.items()]
        # {field name: codes whose label is the English fallback}: the template marks those labels lang="en".
        self.english_labels = {"sdg_targets": {c for c, (_t, fallback) in targets.items() if fallback},
                               "gdc_objectives": {c for c, (_t, fallback) in objectives.items() if fallback}}
        self.parsed_amount: Decimal | None = None
        self.known_lead = None
        self.cleaned: dict = {}
        self.usd_estimate: tuple[Decimal, Decimal, int] | None = None  # (usd, rate, year)

    # Field-level checks whose messages come from the shared rules.
    def validate_lead_website(self, field) -> None:
        """'example.org' or a full address."""
        apply_rule(text.normalize_website, field)

    def validate_amount(self, field) -> None:
        """0 <= amount < 10^13, typed in the reader's number format (p2c.core.numbers)."""
        try:
            self.parsed_amount = read_decimal(field.data, upper=C.AMOUNT_MAX)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_partners(self, field) -> None:
        """At most MAX_PARTNERS names, each of a sensible length."""
        names = self.partner_names()
        if len(names) > C.MAX_PARTNERS:
            raise ValidationError(_l("List at most %(n)s partner organizations.", n=C.MAX_PARTNERS))
        if any(len(n) > C.ORG_NAME_MAX for n in names):
            raise ValidationError(_l("Each partner name can have at most %(n)s characters.", n=C.ORG_NAME_MAX))

    def validate_countries(self, field) -> None:
        """At most MAX_COUNTRIES checked by hand."""
        if len(field.data or []) > C.MAX_COUNTRIES:
            raise ValidationError(_l("Choose at most %(n)s countries.", n=C.MAX_COUNTRIES))

    def partner_names(self) -> list[str]:
        """One partner per line, blank lines and repeats dropped."""
        lines = (text.clean_text(line) for line in (self.partners.data or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def _targets(self) -> list[dict]:
        """Parse the filled-in target rows, putting messages on the wrong cells."""
        result = []
        for entry in self.targets.entries:
            row: TargetForm = entry.form
            if row.is_empty():
                continue
            target: dict = {"indicator": row.indicator.data or ""}
            if not row.indicator.data:
                row.indicator.errors = [*row.indicator.errors, str(_l("Choose an indicator."))]
            try:
                target["value"] = read_decimal(row.value.data, upper=C.TARGET_VALUE_MAX, allow_empty=False)
            except ValueError as exc:
                row.value.errors = [*row.value.errors, str(exc)]
            try:
                target["baseline"] = read_decimal(row.baseline.data, upper=C.TARGET_VALUE_MAX)
            except ValueError as exc:
                row.baseline.errors = [*row.baseline.errors, str(exc)]
            year = row.year.data or ""
            if year.isdigit() and C.MIN_YEAR <= int(year) <= C.MAX_YEAR:
                target["year"] = int(year)
            else:
                row.year.errors = [*row.year.errors, str(_l("Choose the target year."))]
            result.append(target)
        return result

    def _milestones(self) -> list[dict]:
        """Parse the filled-in milestone rows: a description and a date each."""
        result = []
        for entry in self.milestones.entries:
            row: MilestoneForm = entry.form
            if row.is_empty():
                continue
            milestone = {"kind": row.kind.data or "other", "description": text.clean_text(row.description.data or "",
                                                                                             multiline=False)}
            if not milestone["description"]:
                row.description.errors = [*row.description.errors, str(_l("Say what will be done."))]
            elif len(milestone["description"]) > C.MILESTONE_MAX:
                row.description.errors = [*row.description.errors, str(
                    _l("Use at most %(n)s characters.", n=C.MILESTONE_MAX))]
            if row.due_on.data is None:
                if not row.due_on.errors:
                    row.due_on.errors = [*row.due_on.errors, str(_l("Enter the date of the milestone."))]
            else:
                milestone["due_on"] = row.due_on.data
            result.append(milestone)
        return result

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the shared rules (reference data, pillars, dates, countries)."""
        valid = super().validate(extra_validators)
        targets = self._targets()
        milestones = self._milestones()
        if any(e.form.errors for e in [*self.targets.entries, *self.milestones.entries] if hasattr(e, "form")):
            valid = False
        self.known_lead = match_organization(self.lead_name.data or "", self.lead_country.data or None)
        data = self.to_data(targets=targets, milestones=milestones)
        self.cleaned = data
        _, _, unknown = rules.resolve_countries(self.countries.data or [], self.shortcuts.data or [])
        errors = rules.check_pledge(data, known_lead=self.known_lead is not None, unknown_countries=unknown,
                                    kept_codes=self.kept_codes)
        for name, messages in errors.items():
            target = self._field_for(name)
            for message in messages:
                if message not in target.errors:
                    target.errors = [*target.errors, message]
            valid = False
        self._estimate()
        return valid

    def _field_for(self, name: str):
        if name.startswith(("targets-", "milestones-")) and name.count("-") == 2:
            rows, index, sub = name.split("-")
            filled = [e for e in getattr(self, rows).entries if not e.form.is_empty()]
            return getattr(filled[int(index)].form, sub)
        if name == "targets":
            # No row filled in: show the message on the first row's indicator.
            return self.targets.entries[0].form.indicator
        return self._fields[name]

    def _estimate(self) -> None:
        """USD equivalent at the rate of today's year (the pledge date), shown next to the amount."""
        from p2c.reference.queries import to_usd, usd_rate

        currency = self.currency.data
        if self.parsed_amount is None or not currency or currency not in catalog.catalog().rated_currencies:
            return
        found = usd_rate(currency, utcnow().date())
        if found:
            self.usd_estimate = (to_usd(self.parsed_amount, found[0]), found[0], found[1])

    def to_data(self, targets: list[dict] | None = None, milestones: list[dict] | None = None) -> dict:
        """The plain data `p2c.pledges.services.create_pledge` takes."""
        countries, is_global, _ = rules.resolve_countries(self.countries.data or [], self.shortcuts.data or [])
        return {
            "lead": {
                "name": self.lead_name.data or "",
                "acronym": self.lead_acronym.data or "",
                "stakeholder_group": self.lead_stakeholder_group.data or None,
                "country": self.lead_country.data or None,
                "website": self.lead_website.data or "",
            },
            "partners": self.partner_names(),
            "title": self.title.data or "",
            "description": self.description.data or "",
            "language": self.language.data,
            "focus_area": self.focus_area.data,
            "pillars": list(dict.fromkeys(self.pillars.data or [])),
            "pledge_type": self.pledge_type.data,
            "amount": self.parsed_amount,
            "currency": (self.currency.data or None) if self.parsed_amount is not None else None,
            "countries": countries,
            "is_global": is_global,
            "beneficiary_groups": list(dict.fromkeys(self.beneficiary_groups.data or [])),
            "sdgs": sorted({int(n) for n in self.sdgs.data or [] if str(n).isdigit() and len(str(n)) < 4}),
            "wsis_lines": list(dict.fromkeys(self.wsis_lines.data or [])),
            "initiatives": list(dict.fromkeys(self.initiatives.data or [])),
            "start_date": self.start_date.data,
            "end_date": self.end_date.data,
            "targets": targets if targets is not None else self._targets(),
            "milestones": milestones if milestones is not None else self._milestones(),
            "sdg_targets": list(dict.fromkeys(self.sdg_targets.data or [])),
            "gdc_objectives": list(dict.fromkeys(self.gdc_objectives.data or [])),
            "event": self.event.data or None,
            "focal_point": {
                "name": self.focal_name.data or "",
                "title": self.focal_title.data or "",
                "email": self.focal_email.data or "",
                "phone": self.focal_phone.data or "",
            },
            "consent": bool(self.consent.data),
        }


class PledgeEditForm(VersionedFormMixin, PledgeForm):
    """The same form for the focal point's changes; carries the version it was loaded at."""
