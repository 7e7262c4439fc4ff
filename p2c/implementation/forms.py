"""The progress report form (WTForms), built per pledge: one field per target and beneficiary group."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from p2c.core.enums import ImplementationStatus
from p2c.core.forms import CleanForm
from p2c.core.i18n import ref_name
from p2c.implementation import rules
from p2c.members.forms import NumberField
from p2c.pledges.models import Pledge
from p2c.reference.models import BeneficiaryGroup

# People counts are read like every number (1,200 in English, 1 200 in French), as whole numbers.
PEOPLE_READ_MAX = Decimal(10) ** 15


def at_most_people(form, field) -> None:
    """The people-reached limit, with the API's message (the reader already refused non-numbers)."""
    if field.data is not None and field.data > rules.PEOPLE_MAX:
        raise ValidationError(str(rules.PEOPLE_TOO_MANY))


class ProgressReportForm(CleanForm):
    """Fields common to every report; per-target and per-group fields are added by `report_form`."""

    period = SelectField(_l("Year reported on"), coerce=int, validators=[InputRequired()])
    implementation_status = RadioField(
        _l("Implementation status"),
        validators=[InputRequired(message=_l("Choose the implementation status."))],
    )
    usd_disbursed = NumberField(_l("USD disbursed to date"), upper=rules.DISBURSED_MAX, validators=[Optional()])
    disbursement_explanation = TextAreaField(
        _l("Explanation of the disbursement"), validators=[Optional(), Length(max=rules.EXPLANATION_MAX)]
    )
    narrative = TextAreaField(
        _l("What happened this year"),
        validators=[
            DataRequired(message=_l("Describe what was done this year.")),
            Length(min=rules.NARRATIVE_MIN, max=rules.NARRATIVE_MAX,
                   message=_l("Write between %(min)d and %(max)d characters.")),
        ],
    )
    evidence_links = TextAreaField(_l("Evidence links (one per line)"))
    version = HiddenField()

    target_fields: list[tuple[str, object]]
    group_fields: list[tuple[str, str]]
    milestone_fields: list[tuple[str, object]] = []

    def __init__(self, pledge: Pledge, *args, today: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.today = today
        self.period.choices = [(y, str(y)) for y in rules.allowed_periods(pledge, today)]
        self.implementation_status.choices = ImplementationStatus.choices()

    def validate_evidence_links(self, field) -> None:
        """Every line must be an http(s) address; at most MAX_EVIDENCE_LINKS."""
        errors = rules.evidence_links_errors(rules.split_links(field.data))
        if errors:
            raise ValidationError(" ".join(errors))

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the checks that need the pledge (period, disbursement above pledged value)."""
        ok = super().validate(extra_validators)
        if not ok:
            return False
        for name, message in rules.cross_field_errors(self.pledge, self.to_data(), self.today).items():
            getattr(self, name).errors.append(message)
            ok = False
        return ok

    def to_data(self) -> dict:
        """The plain data the services take."""
        values: dict[int, Decimal] = {}
        for name, target in self.target_fields:
            value = self[name].data
            if value is not None:
                values[target.id] = value
        beneficiaries = {code: int(self[name].data) for name, code in self.group_fields
                         if self[name].data is not None}
        return {
            "period": self.period.data,
            "implementation_status": ImplementationStatus(self.implementation_status.data),
            "usd_disbursed": self.usd_disbursed.data,
            "disbursement_explanation": (self.disbursement_explanation.data or "").strip(),
            "narrative": (self.narrative.data or "").strip(),
            "evidence_links": rules.split_links(self.evidence_links.data),
            "values": values,
            "beneficiaries": beneficiaries,
            "milestones": {m.id: self[name].data == "done" for name, m in self.milestone_fields
                           if self[name].data in ("done", "not_done")},
        }

    def fill_from(self, report) -> None:
        """Pre-fill from an existing report (resubmission after changes were requested)."""
        self.period.data = report.period
        self.implementation_status.data = report.implementation_status.value
        self.usd_disbursed.data = report.usd_disbursed
        self.disbursement_explanation.data = report.disbursement_explanation
        self.narrative.data = report.narrative
        self.evidence_links.data = "\n".join(report.evidence_links or [])
        self.version.data = str(report.version)
        by_target = {v.target_id: v.achieved_value for v in report.values}
        for name, target in self.target_fields:
            self[name].data = by_target.get(target.id)
        by_group = {b.beneficiary_code: b.people_reached for b in report.beneficiaries}
        for name, code in self.group_fields:
            self[name].data = by_group.get(code)
        by_milestone = {m.milestone_id: m.done for m in report.milestones}
        for name, milestone in self.milestone_fields:
            if milestone.id in by_milestone:
                self[name].data = "done" if by_milestone[milestone.id] else "not_done"


def report_form(pledge: Pledge, groups: list[BeneficiaryGroup], *args, **kwargs) -> ProgressReportForm:
    """A form for `pledge`: an achieved-value field per quantified target, a people-reached field per group."""

    class _Form(ProgressReportForm):
        pass

    target_fields = []
    for target in pledge.targets:
        name = f"target_{target.id}"
        label = ref_name(target.indicator.name)
        setattr(_Form, name, NumberField(label, upper=rules.ACHIEVED_MAX, validators=[Optional()]))
        target_fields.append((name, target))
    group_fields = []
    for group in groups:
        name = f"reached_{group.code}"
        setattr(_Form, name, NumberField(ref_name(group.name), upper=PEOPLE_READ_MAX, places=0,
                                         validators=[Optional(), at_most_people]))
        group_fields.append((name, group.code))
    milestone_fields = []
    for milestone in pledge.milestones:
        name = f"milestone_{milestone.id}"
        setattr(_Form, name, RadioField(milestone.description, choices=[("done", _l("Done")),
                                                                        ("not_done", _l("Not done yet"))],
                                        validators=[Optional()]))
        milestone_fields.append((name, milestone))
    _Form.target_fields = target_fields
    _Form.group_fields = group_fields
    _Form.milestone_fields = milestone_fields
    return _Form(pledge, *args, **kwargs)
