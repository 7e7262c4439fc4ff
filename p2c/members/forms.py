"""The expression-of-interest form (/join) and what every public form shares (honeypot, nonce)."""

from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from p2c.core import text
from p2c.core.i18n import country_name
from p2c.members import constants as MC
from p2c.reference import catalog

CONTRIBUTION_MIN = 20
CONTRIBUTION_MAX = 3000
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def length(min: int = -1, max: int = -1) -> Length:  # noqa: A002 - WTForms argument names
    """A length rule with a message a person understands."""
    if min > 0:
        message = _l("Use between %(min)d and %(max)d characters (you typed %(length)d).")
    else:
        message = _l("Use at most %(max)d characters (you typed %(length)d).")
    return Length(min=min, max=max, message=message)


def strip_filter(value: object) -> object:
    """WTForms filter: clean typed text (see text.clean_text); leaves None alone."""
    return text.clean_text(value) if isinstance(value, str) else value


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as checkboxes (templates render the boxes themselves).

    Unknown values give a message next to the field, never an exception.
    """

    def pre_validate(self, form) -> None:
        known = {str(value) for value, *_ in self.iter_choices()}
        if self.data and any(str(v) not in known for v in self.data):
            raise ValidationError(_l("Choose from the list."))


def apply_rule(rule, field, *, replace: bool = True) -> None:
    """Run one of the shared rules (p2c.core.text) on a field: its ValueError becomes the field's
    message, and its normalized value replaces what was typed (unless replace=False)."""
    try:
        value = rule(field.data)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    if replace:
        field.data = value


class FocalPointChecksMixin:
    """The focal point's e-mail and phone, checked the same way on every form that asks for them."""

    def validate_focal_email(self, field) -> None:
        """Syntax only: a DNS check would fail on a slow or offline line."""
        apply_rule(text.check_email, field)

    def validate_focal_phone(self, field) -> None:
        """Digits and the usual separators."""
        apply_rule(text.check_phone, field, replace=False)


class PublicForm(FlaskForm):
    """Base of the public forms: a honeypot that people never see, and a nonce against double submits."""

    # Named like something bots love to fill; hidden from people and screen readers by the template.
    homepage = StringField(_l("Leave this field empty"), filters=[strip_filter])
    form_nonce = HiddenField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not _NONCE.match(self.form_nonce.data or ""):
            # A fresh form (or a tampered nonce): a new random one. Back-and-resubmit keeps the old one.
            self.form_nonce.data = secrets.token_urlsafe(24)

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled in."""
        return bool(self.homepage.data)

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary at the top of the page, in page order."""
        items: list[tuple[str, str]] = []

        def walk(form) -> None:
            for f in form:
                if hasattr(f, "entries"):
                    for entry in f.entries:
                        if hasattr(entry, "form"):
                            walk(entry.form)
                    if isinstance(f.errors, list) or isinstance(f.errors, tuple):
                        items.extend((f.id, str(e)) for e in f.errors if isinstance(e, str))
                    continue
                if hasattr(f, "form") and hasattr(f.form, "_fields"):
                    walk(f.form)
                    continue
                for message in f.errors if isinstance(f.errors, list | tuple) else []:
                    items.append((f.id, str(message)))

        walk(self)
        return items


def country_choices(blank: str | None = None) -> list[tuple[str, str]]:
    """All countries, by name in the reader's language."""
    cat = catalog.catalog()
    choices = sorted(((iso3, country_name(iso3, c.name)) for iso3, c in cat.countries.items()),
                     key=lambda pair: pair[1].casefold())
    return ([("", blank)] if blank is not None else []) + choices


def stakeholder_choices(blank: str) -> list[tuple[str, str]]:
    """Stakeholder groups, in their catalogue order."""
    from p2c.core.i18n import ref_name

    return [("", blank)] + [(code, ref_name(g.name)) for code, g in catalog.catalog().stakeholder_groups.items()]


class JoinForm(FocalPointChecksMixin, PublicForm):
    """Expression of interest: organization, focal point, focus areas, contribution, consent."""

    org_name = StringField(_l("Organization name"), filters=[strip_filter],
                           validators=[DataRequired(_l("Enter the name of your organization.")),
                                       length(max=MC.ORG_NAME_MAX)])
    org_acronym = StringField(_l("Acronym (optional)"), filters=[strip_filter],
                              validators=[Optional(), length(max=MC.ACRONYM_MAX)])
    org_stakeholder_group = SelectField(_l("Stakeholder group"), validate_choice=True,
                                        validators=[DataRequired(_l("Choose the stakeholder group."))])
    org_country = SelectField(_l("Country of the headquarters (optional)"), validators=[Optional()])
    org_website = StringField(_l("Website (optional)"), filters=[strip_filter],
                              validators=[Optional(), length(max=text.WEBSITE_MAX)])
    focal_name = StringField(_l("Full name"), filters=[strip_filter],
                             validators=[DataRequired(_l("Enter the focal point's name.")),
                                         length(max=MC.PERSON_NAME_MAX)])
    focal_title = StringField(_l("Job title (optional)"), filters=[strip_filter],
                              validators=[Optional(), length(max=MC.PERSON_NAME_MAX)])
    focal_email = StringField(_l("E-mail address"), filters=[strip_filter],
                              validators=[DataRequired(_l("Enter an e-mail address.")), length(max=text.EMAIL_MAX)])
    focal_phone = StringField(_l("Phone (optional)"), filters=[strip_filter],
                              validators=[Optional(), length(max=text.PHONE_MAX)])
    focus_areas = CheckboxesField(_l("Focus areas you want to work in"),
                                  validators=[DataRequired(_l("Choose at least one focus area."))])
    contribution = TextAreaField(_l("What your organization wants to contribute"), filters=[strip_filter],
                                 validators=[DataRequired(_l("Tell us what your organization wants to contribute.")),
                                             length(min=CONTRIBUTION_MIN, max=CONTRIBUTION_MAX)])
    consent_public = BooleanField(_l("List my organization publicly as a coalition member once it is accepted"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from p2c.core.i18n import ref_name

        cat = catalog.catalog()
        self.org_stakeholder_group.choices = stakeholder_choices(str(_l("Choose...")))
        self.org_country.choices = country_choices(str(_l("Not specified / international")))
        self.focus_areas.choices = [(code, ref_name(fa.name)) for code, fa in cat.focus_areas.items()]

    def validate_org_website(self, field) -> None:
        """Accept 'example.org' as well as a full address."""
        apply_rule(text.normalize_website, field)

    def to_data(self) -> dict:
        """The plain data `p2c.members.services.create_eoi` takes."""
        return {
            "organization": {
                "name": self.org_name.data,
                "acronym": self.org_acronym.data or "",
                "stakeholder_group": self.org_stakeholder_group.data,
                "country": self.org_country.data or None,
                "website": self.org_website.data or "",
            },
            "focal_point": {
                "name": self.focal_name.data,
                "title": self.focal_title.data or "",
                "email": self.focal_email.data,
                "phone": self.focal_phone.data or "",
            },
            "focus_areas": list(dict.fromkeys(self.focus_areas.data or [])),
            "contribution": self.contribution.data,
            "consent_public": bool(self.consent_public.data),
        }


class VersionedFormMixin:
    """For the edit forms of the private link: the record version the person loaded, sent back."""

    version = HiddenField()

    def expected_version(self) -> int:
        """The version the person saw (0 when missing or tampered: then the save is a conflict)."""
        value = self.version.data or ""
        return int(value) if value.isdigit() and len(value) < 10 else 0


class JoinEditForm(VersionedFormMixin, JoinForm):
    """The expression of interest again, for changes requested by the team; carries the version."""


def eoi_initial_data(eoi) -> dict:
    """An expression of interest as form data (to prefill the edit form)."""
    org, contact = eoi.organization, eoi.contact
    return {
        "org_name": org.name, "org_acronym": org.acronym, "org_stakeholder_group": org.stakeholder_group_code,
        "org_country": org.country_iso3 or "", "org_website": org.website,
        "focal_name": contact.name, "focal_title": contact.title, "focal_email": contact.email,
        "focal_phone": contact.phone, "focus_areas": [fa.code for fa in eoi.focus_areas],
        "contribution": eoi.contribution, "consent_public": eoi.consent_public, "version": str(eoi.version),
    }
