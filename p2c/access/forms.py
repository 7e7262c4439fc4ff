"""Forms of the private pages: ask for links, write a message, confirm a withdrawal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from p2c.core import text
from p2c.members.forms import PublicForm, apply_rule, length, strip_filter

MESSAGE_MAX = 5000


class RequestLinkForm(PublicForm):
    """The focal point's e-mail address."""

    email = StringField(_l("E-mail address"), filters=[strip_filter],
                        validators=[DataRequired(_l("Enter your e-mail address.")), length(max=text.EMAIL_MAX)])

    def validate_email(self, field) -> None:
        """Syntax only; whether the address is known is never revealed."""
        apply_rule(text.check_email, field)


class MessageForm(FlaskForm):
    """A reply to the coalition team."""

    body = TextAreaField(_l("Your message to the coalition team"), filters=[strip_filter],
                         validators=[DataRequired(_l("Write a message.")), length(max=MESSAGE_MAX)])


class ConfirmForm(FlaskForm):
    """A confirmation step (withdraw): only the CSRF token."""
