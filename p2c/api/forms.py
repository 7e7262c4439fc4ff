"""Admin form to issue an API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from p2c.core.forms import CleanForm


class TokenForm(CleanForm):
    """Issue a token to one organization."""

    organization_id = IntegerField(_l("Organization ID"), validators=[DataRequired(), NumberRange(min=1)],
                                   description=_l("The number shown on the organization's record."))
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=120)],
                       description=_l("What the token is for, e.g. \"CRM integration 2026\"."))


class RevokeForm(CleanForm):
    """Confirms a revocation (CSRF only)."""
