"""The progress report form (WTForms), built per pledge: one field per target and beneficiary group."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from p2c.core.counts import is_count
from p2c.core.enums import ImplementationStatus
from p2c.core.forms import CleanForm
from p2c.core.i18n import ref_name
from p2c.implementation import evidence, ledger, rules
from p2c.members.forms import CheckboxesField, NumberField, country_choices
from p2c.pledges.forms import currency_choices
from p2c.pledges.models import Pledge
from p2c.reference.catalog import catalog
from p2c.reference.models import BeneficiaryGroup
from p2c.reference.regions import ITU_REGIONS, region_name

# People counts are read like every number (1,200 in English, 1 200 in French), as whole numbers.
PEOPLE_READ_MAX = Decimal(10) ** 15
# Empty disbursement rows shown on a new report (an edited one shows its entries and two more).
ENTRY_ROWS = 5


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
    evidence_files = MultipleFileField(_l("Evidence files (optional)"))
    # On a resubmitted report: ids of attached files to remove (choices set by `keep_files`).
    remove_files = CheckboxesField(_l("Remove"), choices=[])
    version = HiddenField()

    target_fields: list[tuple[str, object]]
    group_fields: list[tuple[str, str]]
    entry_rows: list[str]
    milestone_fields: list[tuple[str, object]] = []

    def __init__(self, pledge: Pledge, *args, today: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pledge = pledge
        self.today = today
        self.period.choices = [(y, str(y)) for y in rules.allowed_periods(pledge, today)]
        self.implementation_status.choices = ImplementationStatus.choices()
        self.attached: list[tuple[int, int]] = []  # (id, size) of the files a resubmitted report has
        self.checked_files: list[evidence.CheckedFile] = []

    def keep_files(self, files) -> None:
        """A resubmitted report's files: kept unless ticked for removal, and counted in the limits."""
        self.attached = [(f.id, f.size) for f in files]
        self.remove_files.choices = [(str(f.id), f.filename) for f in files]

    def removed_ids(self) -> set[int]:
        return {int(v) for v in (self.remove_files.data or []) if str(v).isdigit()}

    def validate_evidence_links(self, field) -> None:
        """Every line must be an http(s) address; at most MAX_EVIDENCE_LINKS."""
        errors = rules.evidence_links_errors(rules.split_links(field.data))
        if errors:
            raise ValidationError(" ".join(errors))

    def validate_evidence_files(self, field) -> None:
        """Each file's type from its content and its size; then the report's limits (kept files included)."""
        checked, errors = [], []
        for storage in field.data or []:
            if storage is None or not getattr(storage, "filename", ""):
                continue  # the empty file input of a browser that attached nothing
            try:
                checked.append(evidence.check_file(storage.filename, storage.read()))
            except ValueError as exc:
                errors.append(str(exc))
        if not errors:
            try:
                removed = self.removed_ids()
                evidence.check_total(checked, [size for file_id, size in self.attached if file_id not in removed])
            except ValueError as exc:
                errors.append(str(exc))
        if errors:
            raise ValidationError(" ".join(errors))
        self.checked_files = checked

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the checks that need the pledge (period, disbursement above pledged value)."""
        ok = super().validate(extra_validators)
        if not ok:
            return False
        data = self.to_data()
        for index, messages in ledger.entries_errors(data["entries"], self.pledge, data["period"]).items():
            self[f"{self._row_of_entry[index]}_amount"].errors.extend(messages)
            ok = False
        if not ok:
            return False
        for name, message in rules.cross_field_errors(self.pledge, data, self.today).items():
            getattr(self, name).errors.append(message)
            ok = False
        return ok

    def entries(self) -> list[dict]:
        """The disbursement rows that have an amount, as plain entries (a row's empty year: the period)."""
        found, self._row_of_entry = [], []
        for row in self.entry_rows:
            amount = self[f"{row}_amount"].data
            if amount is None:
                continue
            year = self[f"{row}_year"].data
            found.append({
                "amount": amount, "currency": self[f"{row}_currency"].data or self.pledge.currency_code or "USD",
                "year": int(year) if year else self.period.data, "recipient": self[f"{row}_recipient"].data,
                "instrument": self[f"{row}_instrument"].data, "cofinancing": bool(self[f"{row}_cofinancing"].data),
            })
            self._row_of_entry.append(row)
        return found

    def to_data(self) -> dict:
        """The plain data the services take."""
        values: dict[int, Decimal] = {}
        for name, target in self.target_fields:
            value = self[name].data
            if value is not None:
                values[target.id] = value
        beneficiaries = {code: int(self[name].data) for name, code in self.group_fields
                         if self[name].data is not None}
        entries = self.entries()
        return {
            "period": self.period.data,
            "implementation_status": ImplementationStatus(self.implementation_status.data),
            "entries": entries,
            "usd_disbursed": ledger.running_total(self.pledge, entries, getattr(self, "report_id", None)),
            "disbursement_explanation": (self.disbursement_explanation.data or "").strip(),
            "narrative": (self.narrative.data or "").strip(),
            "evidence_links": rules.split_links(self.evidence_links.data),
            "evidence_files": list(self.checked_files),
            "remove_evidence_ids": sorted(self.removed_ids()),
            "values": values,
            "beneficiaries": beneficiaries,
            "milestones": {m.id: self[name].data == "done" for name, m in self.milestone_fields
                           if self[name].data in ("done", "not_done")},
        }

    def fill_from(self, report) -> None:
        """Pre-fill from an existing report (resubmission after changes were requested)."""
        self.period.data = report.period
        self.implementation_status.data = report.implementation_status.value
        self.report_id = report.id
        for row, entry in zip(self.entry_rows, report.entries, strict=False):
            self[f"{row}_amount"].data = entry.amount
            self[f"{row}_currency"].data = entry.currency_code
            self[f"{row}_year"].data = str(entry.year)
            self[f"{row}_recipient"].data = entry.recipient
            self[f"{row}_instrument"].data = entry.instrument
            self[f"{row}_cofinancing"].data = entry.cofinancing
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


def recipient_choices() -> list[tuple[str, str]]:
    """Blank, "Global", the six ITU regions, then every country by name in the reader's language."""
    return [("", _l("Choose…")), (ledger.GLOBAL, _l("Global")),
            *((code, region_name(code)) for code in ITU_REGIONS), *country_choices()]


def _add_entry_rows(form_class, pledge: Pledge, rows: int) -> list[str]:
    """`rows` disbursement rows: amount, currency (the pledge's by default), year, recipient, instrument."""
    cat = catalog()
    currencies = currency_choices(cat.currencies, cat.rated_currencies)
    years = [("", _l("The year reported on")),
             *((str(y), str(y)) for y in rules.allowed_periods(pledge))]
    recipients = recipient_choices()
    instruments = [("", _l("Choose…")), *((code, label) for code, (label, _code) in ledger.INSTRUMENTS.items())]
    names = []
    for i in range(1, rows + 1):
        row = f"entry_{i}"
        fields = {
            "amount": NumberField(_l("Amount"), upper=ledger.AMOUNT_LIMIT, validators=[Optional()]),
            "currency": SelectField(_l("Currency"), choices=currencies, validate_choice=False,
                                    default=pledge.currency_code or "USD"),
            "year": SelectField(_l("Year disbursed"), choices=years, validate_choice=False, default=""),
            "recipient": SelectField(_l("Recipient"), choices=recipients, validate_choice=False, default=""),
            "instrument": SelectField(_l("Instrument"), choices=instruments, validate_choice=False, default=""),
            "cofinancing": BooleanField(_l("Co-financing mobilized from others")),
        }
        for name, field in fields.items():
            setattr(form_class, f"{row}_{name}", field)
        names.append(row)
    return names


def report_form(pledge: Pledge, groups: list[BeneficiaryGroup], *args, rows: int = ENTRY_ROWS,
                **kwargs) -> ProgressReportForm:
    """A form for `pledge`: an achieved-value field per quantified target, a people-reached field per group,
    and `rows` disbursement rows."""

    class _Form(ProgressReportForm):
        pass

    _Form.entry_rows = _add_entry_rows(_Form, pledge, rows)

    target_fields = []
    for target in pledge.targets:
        name = f"target_{target.id}"
        label = ref_name(target.indicator.name)
        # A count (people, schools...) is whole; USD may have cents (p2c.core.counts).
        places = 0 if is_count(target.indicator.unit) else 2
        setattr(_Form, name, NumberField(label, upper=rules.ACHIEVED_MAX, places=places, validators=[Optional()]))
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
