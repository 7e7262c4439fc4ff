"""The base of every form: typed text is cleaned by the one text rule (`p2c.core.text.clean_text`).

Every text field (StringField and its subclasses: text, e-mail, URL, search, hidden; TextAreaField)
gets the cleaning filter when it is bound, so a form added later cannot forget it. Single-line
fields turn tabs and line breaks into spaces; text areas keep them. Passwords are left exactly as
typed (they are compared, never shown or exported).
"""

from __future__ import annotations

from babel import Locale
from flask_babel import LazyString, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length, Optional

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


# The languages the team may translate its own texts into (English is the text itself).
TRANSLATED_LANGUAGES = ("ar", "es", "fr", "ru", "zh")


def _language_name(code: str) -> LazyString:
    """The language's name in the admin's own language, when the label is shown ("French", "francés")."""
    return LazyString(lambda: Locale.parse(code).get_display_name(get_locale() or "en"))


def add_translation_fields(form_cls: type, field: str, label, max_length: int, textarea: bool = False) -> None:
    """Give `form_cls` one optional field per language for the team's translations of `field`
    (`<field>_ar` ... `<field>_zh`), typed right to left for Arabic. Read them back with
    `translation_values`; the pages show them through `p2c.core.i18n.team_translation`."""
    kind = TextAreaField if textarea else StringField
    for code in TRANSLATED_LANGUAGES:
        setattr(form_cls, f"{field}_{code}", kind(
            _l("%(field)s in %(language)s (optional)", field=label, language=_language_name(code)),
            validators=[Optional(), Length(max=max_length)],
            render_kw={"lang": code, "dir": "rtl" if code == "ar" else "ltr"}))


def translation_values(form, field: str) -> dict[str, str]:
    """{language code: translation} of the non-empty translation fields of `field`."""
    values = {code: (getattr(form, f"{field}_{code}").data or "").strip() for code in TRANSLATED_LANGUAGES}
    return {code: text for code, text in values.items() if text}


def load_translations(form, field: str, translations: dict[str, str] | None) -> None:
    """Fill the translation fields of `field` from a record's stored translations."""
    for code in TRANSLATED_LANGUAGES:
        getattr(form, f"{field}_{code}").data = (translations or {}).get(code, "")
