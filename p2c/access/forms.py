"""Forms of the private pages: ask for links, write a message, confirm a withdrawal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from p2c.core import text
from p2c.core.forms import CleanForm
from p2c.members.forms import PublicForm, apply_rule, length, strip_filter

MESSAGE_MAX = 5000
NAME_MAX = 200  # Contact.name


class RequestLinkForm(PublicForm):
    """The focal point's e-mail address."""

    email = StringField(_l("E-mail address"), filters=[strip_filter],
                        validators=[DataRequired(_l("Enter your e-mail address.")), length(max=text.EMAIL_MAX)])

    def validate_email(self, field) -> None:
        """Syntax only; whether the address is known is never revealed."""
        apply_rule(text.check_email, field)


class MessageForm(CleanForm):
    """A reply to the coalition team."""

    body = TextAreaField(_l("Your message to the coalition team"), filters=[strip_filter],
                         validators=[DataRequired(_l("Write a message.")), length(max=MESSAGE_MAX)])


class ConfirmForm(CleanForm):
    """A confirmation step (withdraw): only the CSRF token."""


LANGUAGE_CHOICES = [("en", "English"), ("ar", "العربية"), ("es", "Español"), ("fr", "Français"),
                    ("ru", "Русский"), ("zh", "中文")]


class PersonForm(CleanForm):
    """A person's name, address and language (successor, partner contact, reassigned focal point)."""

    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter the person's name.")), length(max=NAME_MAX)])
    email = StringField(_l("E-mail address"), filters=[strip_filter],
                        validators=[DataRequired(_l("Enter the e-mail address.")), length(max=text.EMAIL_MAX)])
    language = SelectField(_l("Language of the e-mails"), choices=LANGUAGE_CHOICES)

    def validate_email(self, field) -> None:
        """One e-mail rule everywhere."""
        apply_rule(text.check_email, field)

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the page's error summary."""
        items = [(f.id, str(e)) for f in self for e in f.errors]
        return items + [("name", str(e)) for e in self.form_errors]


class PartnerContactForm(CleanForm):
    """The contact of one partner organization (empty address: none)."""

    organization = HiddenField()
    name = StringField(_l("Name"), filters=[strip_filter], validators=[length(max=NAME_MAX)])
    email = StringField(_l("E-mail address"), filters=[strip_filter], validators=[length(max=text.EMAIL_MAX)])
    language = SelectField(_l("Language of the e-mails"), choices=LANGUAGE_CHOICES)

    def validate_email(self, field) -> None:
        """Empty removes the contact; otherwise the one e-mail rule, and a name is needed."""
        if field.data:
            apply_rule(text.check_email, field)
            if not self.name.data:
                raise ValidationError(_l("Give a name with the address."))
