"""The follow form (an e-mail address for one subject) and the confirmation buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from p2c.core.forms import CleanForm
from p2c.core.text import check_email
from p2c.follows.models import KINDS


class FollowForm(CleanForm):
    """Follow one subject by e-mail; `website` is a honeypot people never see."""

    email = StringField(_l("Your e-mail address"), validators=[
        DataRequired(_l("Enter an e-mail address.")), Length(max=254)])
    kind = HiddenField()
    key = HiddenField()
    website = StringField(_l("Leave this field empty"))

    def validate_email(self, field) -> None:
        try:
            field.data = check_email((field.data or "").strip())
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def validate_kind(self, field) -> None:
        if field.data not in KINDS:
            raise ValidationError(_l("This cannot be followed."))


class ButtonForm(CleanForm):
    """A confirmation button (CSRF only)."""
