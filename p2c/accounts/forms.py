"""Login form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordChangeForm(FlaskForm):
    """Current password, new password twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new", _l("The two passwords are not the same."))])


class SetPasswordForm(FlaskForm):
    """An invited user chooses a password."""

    new = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("The same password again"),
                            validators=[DataRequired(), EqualTo("new", _l("The two passwords are not the same."))])
