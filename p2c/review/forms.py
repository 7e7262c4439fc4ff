"""Back-office forms: decision, assignment, message, bulk approval, organization edit and merge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from p2c.core.enums import CommentVisibility
from p2c.core.forms import CleanForm
from p2c.core.text import WEBSITE_MAX
from p2c.core.workflow import MESSAGE_REQUIRED, Action
from p2c.members.constants import ACRONYM_MAX, ORG_NAME_MAX
from p2c.review.queries import parse_id
from p2c.review.services import MESSAGE_MAX

OUT_OF_DATE = _l("This form is out of date. Please reload the page and try again.")


class DecisionForm(CleanForm):
    """Approve, reject, request changes or start the review. Carries the version the reviewer saw."""

    action = RadioField(_l("What do you decide?"), validators=[InputRequired(_l("Choose a decision."))])
    message = TextAreaField(
        _l("Message to the submitter"), validators=[Optional(), Length(max=MESSAGE_MAX)],
        description=_l("Required to reject (the reason) or to request changes (what to change). "
                       "It is e-mailed to the submitter in the submission's language."),
    )
    version = HiddenField(validators=[DataRequired()])

    def set_actions(self, actions: list[Action]) -> None:
        """Offer only the actions allowed from the record's current status."""
        self.action.choices = [(a.value, a.title) for a in actions]

    def validate_message(self, field) -> None:
        """Reject needs a reason and request-changes needs a message."""
        if self.action.data in {a.value for a in MESSAGE_REQUIRED} and not (field.data or "").strip():
            if self.action.data == Action.REJECT.value:
                raise ValidationError(_l("Please give the reason for rejecting."))
            raise ValidationError(_l("Please say what the submitter should change."))


class AssignForm(CleanForm):
    """Assign to me (or release)."""

    version = HiddenField(validators=[DataRequired()])
    release = HiddenField(default="")


class CommentForm(CleanForm):
    """A message to the submitter (e-mailed) or an internal note (never sent)."""

    visibility = RadioField(_l("Kind of message"), choices=CommentVisibility.choices(),
                            default=CommentVisibility.INTERNAL.value, validators=[InputRequired()])
    body = TextAreaField(_l("Message"), validators=[DataRequired(_l("Please write a message.")),
                                                    Length(max=MESSAGE_MAX)])


class BulkApproveForm(CleanForm):
    """The confirmation step of a bulk approval (the selected 'kind:id:version' values come as `items`)."""

    confirm = HiddenField(default="")


class OrganizationForm(CleanForm):
    """The editable fields of an organization, with its version."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=ORG_NAME_MAX)])
    acronym = StringField(_l("Acronym"), validators=[Optional(), Length(max=ACRONYM_MAX)])
    stakeholder_group_code = SelectField(_l("Stakeholder group"), validators=[DataRequired()])
    country_iso3 = SelectField(_l("Country"), validators=[Optional()])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=WEBSITE_MAX)])
    itu_member = BooleanField(_l("ITU Member"))
    public_listing = BooleanField(_l("Agrees to be listed publicly as a coalition member"))
    version = HiddenField(validators=[DataRequired()])

    def validate_website(self, field) -> None:
        """The same website rule as the public forms ('example.org' is stored as https://example.org)."""
        from p2c.core.text import normalize_website
        from p2c.members.forms import apply_rule

        apply_rule(normalize_website, field)


class MergeForm(CleanForm):
    """Merge this organization into another one (the one kept)."""

    keep_id = StringField(_l("Number of the organization to keep"),
                          validators=[InputRequired(_l("Choose the organization to keep."))],
                          render_kw={"inputmode": "numeric", "pattern": "[0-9]+", "autocomplete": "off"})
    confirm = BooleanField(_l("I understand: pledges, expressions of interest and API tokens move to the kept "
                              "organization, and this one is hidden."),
                           validators=[DataRequired(_l("Please confirm the merge."))])

    def validate_keep_id(self, field) -> None:
        """A number as shown in the lists (tampered or mistyped values get a clear message)."""
        if parse_id(field.data) is None:
            raise ValidationError(_l("Choose the organization to keep by its number."))

    @property
    def keep_number(self) -> int | None:
        """The organization to keep, as a number (None when missing or malformed)."""
        return parse_id(self.keep_id.data)



class ContactForm(CleanForm):
    """Staff give a pledge another focal point (or one, for an imported pledge)."""

    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)])
    email = StringField(_l("E-mail address"), validators=[DataRequired(_l("Enter the e-mail address.")),
                                                          Length(max=254)])
    language = SelectField(_l("Language of the e-mails"), choices=[
        ("en", "English"), ("ar", "العربية"), ("es", "Español"), ("fr", "Français"), ("ru", "Русский"), ("zh", "中文")])

    def validate_email(self, field) -> None:
        """The one e-mail rule (p2c.core.text.check_email)."""
        from p2c.core.text import check_email

        try:
            field.data = check_email(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
