"""Admin form to issue an API token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange


class TokenForm(FlaskForm):
    """Issue a token to one organization."""

    organization_id = IntegerField(_l("Organization ID"), validators=[DataRequired(), NumberRange(min=1)],
                                   description=_l("The number shown on the organization's record."))
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=120)],
                       description=_l("What the token is for, e.g. \"CRM integration 2026\"."))


class RevokeForm(FlaskForm):
    """Confirms a revocation (CSRF only)."""
