"""The admin form that publishes a progress report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from p2c.core.forms import TRANSLATED_LANGUAGES, CleanForm, add_translation_fields
from p2c.publications.content import SECTIONS
from p2c.publications.services import SLUG_MAX, SLUG_RE, TITLE_MAX

SECTION_MAX = 20000


class PublishForm(CleanForm):
    """Title, cut-off date, optional slug and the narrative sections the team writes."""

    title = StringField(_l("Title"), validators=[DataRequired(message=_l("Give the report a title.")),
                                                 Length(max=TITLE_MAX)])
    cutoff = DateField(_l("Cut-off date"), validators=[DataRequired(message=_l("Give a valid date (YYYY-MM-DD)."))])
    slug = StringField(_l("Web address (slug)"), validators=[
        Optional(), Length(max=SLUG_MAX),
        Regexp(SLUG_RE.pattern, message=_l("Use lowercase letters, digits and hyphens only.")),
    ])
    foreword = TextAreaField(_l("Foreword"), validators=[Length(max=SECTION_MAX)])
    key_findings = TextAreaField(_l("Key findings"), validators=[Length(max=SECTION_MAX)])
    case_studies = TextAreaField(_l("Case studies"), validators=[Length(max=SECTION_MAX)])
    outlook = TextAreaField(_l("Outlook"), validators=[Length(max=SECTION_MAX)])

    def sections(self) -> dict[str, str]:
        """The narrative sections as plain text."""
        return {name: (self[name].data or "").strip()
                for name in ("foreword", "key_findings", "case_studies", "outlook")}

    def translations(self) -> dict[str, dict[str, str]]:
        """{language code: {"title" or section: text}} of the translation fields that were filled in."""
        out: dict[str, dict[str, str]] = {}
        for lang in TRANSLATED_LANGUAGES:
            for part in ("title", *SECTIONS):
                text = (self[f"{part}_{lang}"].data or "").strip()
                if text:
                    out.setdefault(lang, {})[part] = text
        return out


add_translation_fields(PublishForm, "title", _l("Title"), TITLE_MAX)
for _name, _label in (("foreword", _l("Foreword")), ("key_findings", _l("Key findings")),
                      ("case_studies", _l("Case studies")), ("outlook", _l("Outlook"))):
    add_translation_fields(PublishForm, _name, _label, SECTION_MAX, textarea=True)
