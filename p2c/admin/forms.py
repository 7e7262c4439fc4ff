"""Admin forms: staff invitation and role, and the reference records admins manage."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from p2c.core.counts import count_precision_error
from p2c.core.enums import EventKind, UserRole
from p2c.core.forms import CleanForm, add_translation_fields
from p2c.extensions import db
from p2c.members.forms import NumberField
from p2c.pledges.constants import MAX_YEAR, MIN_YEAR
from p2c.reference.models import Indicator

GOAL_METRICS = [("usd_value", _l("USD value of approved pledges")), ("pledges", _l("Number of approved pledges")),
                ("organizations", _l("Number of pledging organizations")), ("indicator", _l("An indicator"))]
CODE = Regexp(r"^[a-z0-9_]+$", message=_l("Use lower-case letters, digits and underscores only."))


class InviteForm(CleanForm):
    """Invite a staff member by e-mail."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), choices=UserRole.choices(), default=UserRole.REVIEWER.value)
    language = SelectField(_l("Language of the invitation"), default="en")

    def validate_email(self, field) -> None:
        """The platform's one e-mail rule (an address its mail relay can deliver to)."""
        from p2c.core.text import check_email
        from p2c.members.forms import apply_rule

        apply_rule(check_email, field)


class RoleForm(CleanForm):
    """Change a staff member's role."""

    role = SelectField(_l("Role"), choices=UserRole.choices())


class ConfirmForm(CleanForm):
    """A POST-only action (deactivate, reactivate, re-invite): CSRF token only."""


class CallForm(CleanForm):
    """A call for interest: a time-boxed or rolling campaign."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    opens_on = DateField(_l("Opens on"), validators=[InputRequired(_l("Enter a date."))])
    closes_on = DateField(_l("Closes on"), validators=[Optional()])
    closes_time = TimeField(_l("Closes at (time of day, in the call's time zone)"), default=time(23, 59),
                            validators=[Optional()], filters=[lambda t: t or time(23, 59)])
    time_zone = SelectField(_l("Time zone of the deadline"), default="UTC",
                            choices=[(z, z) for z in sorted(available_timezones()) if "/" in z or z == "UTC"])
    rolling = BooleanField(_l("Rolling (no closing date)"))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])

    def validate_closes_on(self, field) -> None:
        """A time-boxed call closes after it opens; a rolling one has no closing date."""
        if self.rolling.data:
            if field.data:
                raise ValidationError(_l("A rolling call has no closing date."))
        elif not field.data:
            raise ValidationError(_l("Enter the closing date, or tick “rolling”."))
        elif self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The call must close after it opens."))


class GoalForm(CleanForm):
    """A coalition goal."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    metric = SelectField(_l("Measured by"), choices=GOAL_METRICS)
    indicator_code = SelectField(_l("Indicator (when measured by an indicator)"))
    target_value = NumberField(_l("Target value"), upper=Decimal(10) ** 17, validators=[InputRequired()])
    target_date = DateField(_l("Target date"), validators=[InputRequired(_l("Enter a date."))])
    active = BooleanField(_l("Shown on the progress page"), default=True)
    counts = SelectField(_l("Counts"), choices=[("active", _l("Active pledges (inactive ones left out)")),
                                                ("all_time", _l("All approved pledges (all-time)"))],
                         default="active")
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    version = HiddenField()

    def validate_indicator_code(self, field) -> None:
        """An indicator goal names its indicator."""
        if self.metric.data == "indicator" and not field.data:
            raise ValidationError(_l("Choose the indicator."))

    def validate_target_value(self, field) -> None:
        """A goal on a count (pledges, organizations, an indicator of people, schools...) is a whole number,
        like every count stored (p2c.core.counts); a goal in USD may have cents."""
        if self.metric.data == "usd_value":
            return
        unit = self.metric.data  # "pledges", "organizations": counts
        if self.metric.data == "indicator":
            indicator = db.session.get(Indicator, self.indicator_code.data) if self.indicator_code.data else None
            unit = indicator.unit if indicator is not None else None
        message = count_precision_error(field.data, unit)
        if message:
            raise ValidationError(message)


add_translation_fields(CallForm, "title", _l("Title"), 200)
add_translation_fields(GoalForm, "title", _l("Title"), 200)


class PillarForm(CleanForm):
    """A pillar of a focus area (the code is fixed once created)."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), CODE])
    focus_area_code = SelectField(_l("Focus area"))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    active = BooleanField(_l("Active (offered on the pledge form)"), default=True)


class RateForm(CleanForm):
    """A yearly average exchange rate."""

    currency_code = SelectField(_l("Currency"))
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=MIN_YEAR - 10, max=MAX_YEAR)])
    usd_per_unit = NumberField(_l("USD per unit"), upper=Decimal(10) ** 9, places=10, validators=[InputRequired()])
    source = StringField(_l("Source"), validators=[Optional(), Length(max=500)])
    as_of = DateField(_l("As of"), validators=[Optional()])


    def validate_usd_per_unit(self, field) -> None:
        """A rate of zero would make every amount in the currency worth nothing."""
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("Enter a rate above zero."))


class InitiativeForm(CleanForm):
    """A WTDC-25 regional initiative: its region, number, period and title in the six languages."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=10), Regexp(
        r"^[A-Z]{3}[0-9]{1,2}$", message=_l("Use the region's three capital letters and a number, e.g. AFR1."))],
                       description=_l("For example AFR1: the region's code and the initiative's number."))
    region = SelectField(_l("ITU region"), choices=[])
    number = IntegerField(_l("Number"), default=1, validators=[InputRequired(), NumberRange(min=0, max=99)])
    title_en = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=300)])
    title_ar = StringField(_l("Title in Arabic (official text, optional)"), validators=[Optional(), Length(max=300)])
    title_es = StringField(_l("Title in Spanish (official text, optional)"), validators=[Optional(), Length(max=300)])
    title_fr = StringField(_l("Title in French (official text, optional)"), validators=[Optional(), Length(max=300)])
    title_ru = StringField(_l("Title in Russian (official text, optional)"), validators=[Optional(), Length(max=300)])
    title_zh = StringField(_l("Title in Chinese (official text, optional)"), validators=[Optional(), Length(max=300)])
    period_start = IntegerField(_l("First year"), default=2026,
                                validators=[InputRequired(), NumberRange(min=MIN_YEAR, max=MAX_YEAR)])
    period_end = IntegerField(_l("Last year"), default=2029,
                              validators=[InputRequired(), NumberRange(min=MIN_YEAR, max=MAX_YEAR)])
    active = BooleanField(_l("Active (offered on the pledge form)"), default=True)

    def validate_period_end(self, field) -> None:
        """The period runs forward."""
        if field.data is not None and self.period_start.data is not None and field.data < self.period_start.data:
            raise ValidationError(_l("The last year must be on or after the first year."))


class EventForm(CleanForm):
    """A pledging moment offered as 'announced at'."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), CODE])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Address of its page (/events/…; optional, made from the code)"), validators=[
        Optional(), Length(max=80), Regexp(
        r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and single hyphens."))])
    kind = SelectField(_l("Kind of event"), choices=[(k.value, k._title) for k in EventKind],
                       default=EventKind.OTHER.value)
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=120)])
    access_code = StringField(
        _l("Venue access code (optional)"), filters=[lambda v: (v or "").strip() or None],
        validators=[Optional(), Length(min=8, max=40), Regexp(r"^[A-Za-z0-9-]+$", message=_l(
            "Use 8 to 40 letters, digits or hyphens."))],
        description=_l("Give it to the delegates at the venue: with it, submissions from the venue's shared "
                       "address are limited per person. Clear it after the event."))
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])

    def validate(self, extra_validators=None) -> bool:
        """Without a page address, the code gives one (wtdc_25 -> wtdc-25)."""
        if not (self.slug.data or "").strip() and self.code.data:
            self.slug.data = "-".join(p for p in str(self.code.data).lower().replace("_", "-").split("-") if p)
        return super().validate(extra_validators)

    def validate_ends_on(self, field) -> None:
        """An event ends on or after the day it starts."""
        if field.data is not None and self.starts_on.data is None:
            raise ValidationError(_l("Enter the start date too."))
        if field.data is not None and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must be on or after the start date."))


add_translation_fields(EventForm, "name", _l("Name"), 200)


class SdgTargetForm(CleanForm):
    """An SDG target pledges can align with: its code (goal.target) fixes its SDG."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=8), Regexp(
        r"^[0-9]{1,2}\.([0-9]{1,2}|[a-z])$",
        message=_l("Write the SDG's number, a dot and the target, e.g. 9.c or 17.6."))],
                       description=_l("For example 9.c or 17.6: the SDG's number, a dot and the target."))
    name = TextAreaField(_l("Name"), validators=[DataRequired(), Length(max=1000)])
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    active = BooleanField(_l("Active (offered on the pledge form)"), default=True)


class GdcObjectiveForm(CleanForm):
    """An objective of the Global Digital Compact pledges can align with."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), CODE])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = IntegerField(_l("Position"), default=0, validators=[Optional(), NumberRange(min=0, max=1000)])
    active = BooleanField(_l("Active (offered on the pledge form)"), default=True)


add_translation_fields(SdgTargetForm, "name", _l("Name"), 1000, textarea=True)
add_translation_fields(GdcObjectiveForm, "name", _l("Name"), 200)
