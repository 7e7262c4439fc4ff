"""The base of every form: typed text is cleaned by the one text rule (`p2c.core.text.clean_text`).

Every text field (StringField and its subclasses: text, e-mail, URL, search, hidden; TextAreaField)
gets the cleaning filter when it is bound, so a form added later cannot forget it. Single-line
fields turn tabs and line breaks into spaces; text areas keep them. Passwords are left exactly as
typed (they are compared, never shown or exported).
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from p2c.core.text import clean_text


def _single_line(value: object) -> object:
    return clean_text(value, multiline=False) if isinstance(value, str) else value


def _multi_line(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


class CleanForm(FlaskForm):
    """FlaskForm whose text fields all clean their input with the platform's text rule."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            """Add the cleaning filter in front of the field's own filters."""
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                rule = _multi_line if issubclass(field_class, TextAreaField) else _single_line
                own = options.get("filters", unbound_field.kwargs.get("filters", ()))
                options = dict(options, filters=[rule, *own])
            return unbound_field.bind(form=form, **options)
