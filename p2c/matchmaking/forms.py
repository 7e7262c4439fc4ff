"""The need form (public, /needs/new), the introduction request and the team's introduce and outcome forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from p2c.core import text
from p2c.core.forms import CleanForm
from p2c.core.i18n import ref_name
from p2c.matchmaking import constants as C
from p2c.members import constants as MC
from p2c.members.forms import (
    CheckboxesField,
    FocalPointChecksMixin,
    NumberField,
    PublicForm,
    VersionedFormMixin,
    country_choices,
    length,
)
from p2c.reference import catalog


def _years() -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in range(C.YEAR_MIN, C.YEAR_MAX + 1)]


class NeedForm(FocalPointChecksMixin, PublicForm):
    """A country's need: who asks, where, what, how much, when, and a private contact."""

    submitter_kind = RadioField(_l("You submit this need as"),
                                validators=[DataRequired(_l("Choose who submits the need."))])
    authority = StringField(_l("Name of the ministry, regulator or office"), validators=[
        DataRequired(_l("Enter the name of the ministry, regulator or office.")), length(max=C.AUTHORITY_MAX)])
    country = SelectField(_l("Country"), validators=[DataRequired(_l("Choose the country."))])
    title = StringField(_l("Title of the need"), validators=[
        DataRequired(_l("Enter a title for the need.")), length(min=5, max=C.TITLE_MAX)])
    description = TextAreaField(_l("What is needed"), validators=[
        DataRequired(_l("Describe the need.")), length(min=C.DESCRIPTION_MIN, max=C.DESCRIPTION_MAX)])
    focus_area = RadioField(_l("Focus area"), validators=[DataRequired(_l("Choose a focus area."))])
    pillars = CheckboxesField(_l("Pillars (optional)"))
    pledge_type = SelectField(_l("Kind of support sought (optional)"), validators=[Optional()])
    beneficiary_groups = CheckboxesField(_l("Beneficiaries (optional)"))
    quantity = NumberField(_l("How many (optional)"), upper=C.QUANTITY_UPPER, places=0, validators=[Optional()])
    quantity_unit = StringField(_l("Of what, e.g. schools to connect (optional)"),
                                validators=[Optional(), length(max=C.UNIT_MAX)])
    start_year = SelectField(_l("From"), validators=[DataRequired(_l("Choose the first year."))])
    end_year = SelectField(_l("To"), validators=[DataRequired(_l("Choose the last year."))])
    focal_name = StringField(_l("Full name"), validators=[
        DataRequired(_l("Enter the contact person's name.")), length(max=MC.PERSON_NAME_MAX)])
    focal_title = StringField(_l("Job title (optional)"), validators=[Optional(), length(max=MC.PERSON_NAME_MAX)])
    focal_email = StringField(_l("E-mail address"), validators=[
        DataRequired(_l("Enter an e-mail address.")), length(max=text.EMAIL_MAX)])
    focal_phone = StringField(_l("Phone (optional)"), validators=[Optional(), length(max=text.PHONE_MAX)])
    consent = BooleanField(
        _l("I confirm that my institution submits this need. Once approved it is published without my contact "
           "details; the coalition team gives them only to a pledger it introduces me to, by e-mail."),
        validators=[DataRequired(_l("Please confirm to submit the need."))])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cat = catalog.catalog()
        self.submitter_kind.choices = C.SubmitterKind.choices()  # in the reader's language
        self.country.choices = country_choices(str(_l("Choose...")))
        self.focus_area.choices = [(code, ref_name(fa.name)) for code, fa in cat.focus_areas.items()]
        self.pillars.choices = [(code, ref_name(p.name)) for code, p in cat.pillars.items()]
        self.pledge_type.choices = [("", str(_l("Any")))] + [(c, ref_name(t.name)) for c, t in cat.pledge_types.items()]
        self.beneficiary_groups.choices = [(c, ref_name(b.name)) for c, b in cat.beneficiary_groups.items()]
        self.start_year.choices = [("", str(_l("Choose...")))] + _years()
        self.end_year.choices = [("", str(_l("Choose...")))] + _years()

    def validate_pillars(self, field) -> None:
        """The pillars belong to the chosen focus area."""
        pillars = catalog.catalog().pillars
        if any(code in pillars and pillars[code].focus_area_code != self.focus_area.data for code in field.data or []):
            raise ValidationError(_l("Choose pillars of the focus area you chose."))

    def validate_end_year(self, field) -> None:
        """The time frame ends in or after its first year."""
        start, end = self.start_year.data or "", field.data or ""
        if start.isdigit() and end.isdigit() and int(end) < int(start):
            raise ValidationError(_l("The last year cannot be before the first year."))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then: a quantity says what it counts."""
        valid = super().validate(extra_validators)
        if self.quantity.data is not None and not (self.quantity_unit.data or "").strip():
            self.quantity_unit.errors = [*self.quantity_unit.errors,
                                         _l("Say what the number counts, e.g. schools to connect.")]
            valid = False
        return valid

    def to_data(self) -> dict:
        """The plain data `services.create_need` takes."""
        return {
            "submitter_kind": self.submitter_kind.data, "authority": self.authority.data,
            "country": self.country.data, "title": self.title.data, "description": self.description.data,
            "focus_area": self.focus_area.data, "pillars": list(dict.fromkeys(self.pillars.data or [])),
            "pledge_type": self.pledge_type.data or None,
            "beneficiary_groups": list(dict.fromkeys(self.beneficiary_groups.data or [])),
            "quantity": self.quantity.data, "quantity_unit": self.quantity_unit.data or "",
            "start_year": int(self.start_year.data), "end_year": int(self.end_year.data),
            "contact": {"name": self.focal_name.data, "title": self.focal_title.data or "",
                        "email": self.focal_email.data, "phone": self.focal_phone.data or ""},
        }


class NeedEditForm(VersionedFormMixin, NeedForm):
    """The need again, for changes the team asked for; carries the version."""


def need_initial_data(need) -> dict:
    """A need as form data (to prefill the edit form); the e-mail stays as it is (the link is bound to it)."""
    contact = need.contact
    return {
        "submitter_kind": need.submitter_kind.value, "authority": need.authority, "country": need.country_iso3,
        "title": need.title, "description": need.description, "focus_area": need.focus_area_code,
        "pillars": [p.code for p in need.pillars], "pledge_type": need.pledge_type_code or "",
        "beneficiary_groups": [b.code for b in need.beneficiary_groups],
        "quantity": need.quantity, "quantity_unit": need.quantity_unit, "start_year": str(need.start_year),
        "end_year": str(need.end_year), "focal_name": contact.name, "focal_title": contact.title,
        "focal_email": contact.email, "focal_phone": contact.phone, "consent": True, "version": str(need.version),
    }


class IntroductionForm(CleanForm):
    """Ask the team for an introduction (either side), with consent to share one's contact."""

    pledge_id = HiddenField()
    message = TextAreaField(_l("A word for the coalition team (optional)"),
                            validators=[Optional(), length(max=C.MESSAGE_MAX)])
    consent = BooleanField(_l("I agree that the coalition team gives my contact details to the other side "
                              "when it introduces us."),
                           validators=[DataRequired(_l("Please agree to share your contact details."))])


class IntroduceForm(CleanForm):
    """The team introduces both sides; a request from the need's side needs the pledger's agreement first."""

    version = HiddenField()
    confirmed = BooleanField(_l("The pledger agreed to be introduced"))


class OutcomeForm(CleanForm):
    """The team records what came of an introduction."""

    version = HiddenField()
    outcome = RadioField(_l("Outcome"), validators=[DataRequired(_l("Choose the outcome."))])
    pledge_reference = StringField(_l("Reference of the pledge made (optional)"),
                                   validators=[Optional(), length(max=24)])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), length(max=C.MESSAGE_MAX)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(s.value, s.title) for s in C.OUTCOMES]


def version_of(field) -> int:
    """A hidden version field's value (0 when missing or tampered: then the save is a conflict)."""
    value = field.data or ""
    return int(value) if value.isdigit() and len(value) < 10 else 0
