"""The verification forms: the team's assignment, the verifier's checklist and decision."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from p2c.core.enums import VerificationOutcome
from p2c.core.forms import CleanForm
from p2c.verification.constants import ANSWERS, CHECKLIST, NOTES_MAX


class AssignVerifierForm(CleanForm):
    """Assign an approved progress report to one verifier (or hand it to another)."""

    verifier = SelectField(_l("Verifier"), coerce=int, validate_choice=True,
                           validators=[InputRequired(_l("Choose a verifier."))])

    def set_verifiers(self, users) -> None:
        """Offer the active verifiers."""
        self.verifier.choices = [(u.id, f"{u.name} <{u.email}>" if u.name else u.email) for u in users]


def _decision_form_class() -> type[CleanForm]:
    fields = {
        f"item_{code}": RadioField(question, choices=list(ANSWERS),
                                   validators=[InputRequired(_l("Answer this item."))])
        for code, question in CHECKLIST
    }
    fields["outcome"] = RadioField(_l("Your decision"), choices=VerificationOutcome.choices(),
                                   validators=[InputRequired(_l("Choose a decision."))])
    fields["notes"] = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=NOTES_MAX)],
        description=_l("What you checked and what you found. Required unless the report is fully verified. "
                       "The pledger reads them."))
    fields["version"] = HiddenField(validators=[DataRequired()])
    return type("VerificationDecisionForm", (CleanForm,), fields)


VerificationDecisionForm = _decision_form_class()


def checklist_answers(form) -> dict[str, str]:
    """{checklist code: answer} from a validated decision form."""
    return {code: form[f"item_{code}"].data for code, _question in CHECKLIST}
