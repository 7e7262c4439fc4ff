"""Import pledges from a CSV, XLSX or JSON file in the export format.

Rules (documented in the README):
- The whole file is checked first; every bad row is reported with its location and field, and
  nothing is written unless every row is valid.
- Idempotent by reference: a row whose reference exists updates that pledge; a row without a
  reference gets a new one. Importing the same file twice changes nothing the second time.
- Imported pledges are approved records (they were collected and reviewed elsewhere); a reference
  that belongs to a pledge still in review is refused rather than silently approved.
- Organizations are matched by the one identity rule (`members.queries.match_organization`: name key
  and country; partners by name key) and created when missing, as members; a partner named twice
  under two spellings, or naming the lead, is one organization.
- The file has no contact data, so each run creates one placeholder focal point,
  "imported (no focal point)" <noreply@invalid>, for the new pledges (never exported).
- Latest progress per target, the disbursed total and the milestones done are stored as approved
  progress reports referenced `<pledge>-R<period>-IMP`, created only when the file differs from the
  database (`p2c.opendata.import_figures`).
- Columns added after the first published files (initiatives, SDG targets, GDC objectives, milestones)
  may be missing from a file: the stored values then stay (`columns.KEPT_WHEN_ABSENT`).
- `bulk_loaded` is sent before the caller commits, so derived rollups are rebuilt.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from p2c.core import audit
from p2c.core.db import utcnow
from p2c.core.enums import ImplementationStatus, ReviewStatus
from p2c.core.numbers import EXPORT_FORMAT
from p2c.core.signals import bulk_loaded
from p2c.extensions import db
from p2c.members.identity import name_key
from p2c.members.models import Contact, Organization
from p2c.members.services import get_or_create_organization
from p2c.opendata.duplicates import duplicates
from p2c.opendata.import_figures import FigureWriter
from p2c.opendata.readers import FileError, open_rows
from p2c.opendata.validation import Validator
from p2c.pledges.constants import pledge_reference
from p2c.pledges.models import Pledge, PledgeTarget
from p2c.pledges.services import partner_organizations
from p2c.reference.initiatives import RegionalInitiative
from p2c.reference.models import BeneficiaryGroup, Country, GdcObjective, Pillar, Sdg, SdgTarget, WsisLine
from p2c.reference.queries import to_usd, usd_rate

PLACEHOLDER_NAME = "imported (no focal point)"
PLACEHOLDER_EMAIL = "noreply@invalid"

Progress = Callable[[Iterable, str], AbstractContextManager[Iterable]]


def _no_progress(items: Iterable, label: str) -> AbstractContextManager[Iterable]:
    return nullcontext(items)


@dataclass
class RowError:
    """One problem: where, which field, what."""

    location: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}, {self.field}: {self.message}"


@dataclass
class ImportResult:
    """What an import found and did."""

    fmt: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    file_error: str = ""
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was valid (and, unless dry-run, written)."""
        return not self.file_error and not self.errors


# The fields the cross-row checks need (duplicate references and pledges: p2c.opendata.duplicates);
# only these are kept per row while the file is read.
_KEY_FIELDS = ("reference", "title", "lead_organization", "lead_organization_country", "pledged_on")


def validate_file(path: Path, progress: Progress = _no_progress, *, locale: str = EXPORT_FORMAT,
                  restore: bool = False) -> ImportResult:
    """Read and check a whole file, one row at a time: what stays in memory per row is its location
    and the fields the cross-row checks compare (not its text), so a 100 MB CSV checks in bounded
    memory (benchmarks/import_memory.py). `result.updated` holds how many rows name an existing pledge.

    `locale` says how numbers in text cells are written (p2c.core.numbers): the export's own format by
    default, or a language code the person importing declares (a French Excel file: "fr"). `restore` as in
    `import_file`: rows are not held to rules newer than the data they carry."""
    result = ImportResult()
    validator = Validator(locale, restore=restore)
    keys: list[tuple[str, dict]] = []
    first_seen: dict[str, str] = {}
    try:
        result.fmt, raw_rows = open_rows(path)
        with progress(raw_rows, _("checking")) as rows:
            for raw in rows:
                result.rows += 1
                if raw.problem:
                    result.errors.append(RowError(raw.location, "-", raw.problem))
                    continue
                record, errors = validator.row(raw.values)
                result.errors.extend(RowError(raw.location, f, m) for f, m in errors)
                ref = record.get("reference")
                if ref:
                    if ref in first_seen:
                        result.errors.append(RowError(raw.location, "reference", _(
                            "%(ref)s appears twice in the file (first at %(where)s).", ref=ref,
                            where=first_seen[ref])))
                    first_seen.setdefault(ref, raw.location)
                keys.append((raw.location, {name: record.get(name) for name in _KEY_FIELDS}))
    except FileError as exc:
        result.file_error = exc.message
        result.errors.clear()
        return result
    if not result.rows:
        result.file_error = _("The file has a header but no rows.")
        return result
    existing = _existing_statuses(list(first_seen))
    result.updated = sum(1 for ref in first_seen if ref in existing)
    for location, record in keys:
        status = existing.get(record.get("reference") or "")
        if status is not None and status != ReviewStatus.APPROVED:
            result.errors.append(RowError(location, "reference", _(
                "This reference belongs to a pledge that is not approved (%(status)s); decide it in the review "
                "queue first.", status=str(status))))
    result.errors.extend(RowError(loc, "reference", message) for loc, message in duplicates(keys))
    return result


def _existing_statuses(references: list[str]) -> dict[str, ReviewStatus]:
    out: dict[str, ReviewStatus] = {}
    for start in range(0, len(references), 500):
        chunk = references[start:start + 500]
        out.update({r: s for r, s in db.session.execute(
            select(Pledge.reference, Pledge.status).where(Pledge.reference.in_(chunk)))})
    return out


def import_file(path: Path, *, dry_run: bool = False, progress: Progress = _no_progress,
                locale: str = EXPORT_FORMAT, restore: bool = False) -> ImportResult:
    """Check the file, then (unless dry_run or invalid) write every row, reading the file a second
    time rather than keeping it in memory. The caller commits.

    Figures the import writes are self-reported. `restore=True` (the command line's `--restore`, for
    the platform's own export loaded back by an administrator) keeps the level each row states instead.
    """
    result = validate_file(path, progress, locale=locale, restore=restore)
    if not result.ok:
        return result
    if dry_run:
        result.created = result.rows - result.updated
        return result
    result.updated = 0
    writer = _Writer(trust_levels=restore)
    validator = Validator(locale, restore=restore)
    _fmt, raw_rows = open_rows(path)
    with progress(raw_rows, _("importing")) as items:
        for raw in items:
            record, _errors = validator.row(raw.values)  # the same values the check accepted
            outcome = writer.write(record)
            setattr(result, outcome, getattr(result, outcome) + 1)
    audit.record("import", "pledge", None, label=_(
        "%(created)s pledges created, %(updated)s updated from %(file)s",
        created=result.created, updated=result.updated, file=path.name), actor_label="import")
    bulk_loaded.send(current_app._get_current_object(), what="import")
    return result


def _differs(current: Any, wanted: Any) -> bool:
    """Whether a stored value differs from the file's. The export writes times to the second, so a stored
    time with microseconds (set by the web UI) equals the file's time when they agree to the second:
    re-importing an untouched export then reports "unchanged" and keeps the version."""
    if isinstance(current, datetime) and isinstance(wanted, datetime) and wanted.microsecond == 0:
        return current.replace(microsecond=0) != wanted
    return current != wanted


class _Writer(FigureWriter):
    """Creates or updates pledges from validated records, caching organizations and reference rows."""

    def __init__(self, trust_levels: bool = False) -> None:
        self.trust_levels = trust_levels
        self.contact: Contact | None = None
        self.orgs: dict[tuple[str, str | None], Organization] = {}
        self.countries = {c.iso3: c for c in db.session.scalars(select(Country))}
        self.pillars = {p.code: p for p in db.session.scalars(select(Pillar))}
        self.groups = {g.code: g for g in db.session.scalars(select(BeneficiaryGroup))}
        self.sdgs = {s.number: s for s in db.session.scalars(select(Sdg))}
        self.wsis = {w.code: w for w in db.session.scalars(select(WsisLine))}
        self.initiatives = {i.code: i for i in db.session.scalars(select(RegionalInitiative))}
        self.sdg_targets = {t.code: t for t in db.session.scalars(select(SdgTarget))}
        self.gdc_objectives = {o.code: o for o in db.session.scalars(select(GdcObjective))}

    def _placeholder(self) -> Contact:
        if self.contact is None:
            self.contact = Contact(name=PLACEHOLDER_NAME, email=PLACEHOLDER_EMAIL, title="", phone="")
            db.session.add(self.contact)
        return self.contact

    def _lead(self, rec: dict[str, Any]) -> Organization:
        # The one organization rule (members.queries.match_organization): 'ORANGE SÉNÉGAL' in a file
        # leads to the existing 'Orange Sénégal' of the same country. Imported records are members.
        key = (name_key(rec["lead_organization"]), rec["lead_organization_country"])
        if key not in self.orgs:
            self.orgs[key], _ = get_or_create_organization({
                "name": rec["lead_organization"], "country": rec["lead_organization_country"],
                "acronym": rec["lead_organization_acronym"] or "",
                "stakeholder_group": rec["lead_organization_stakeholder_group"], "public_listing": True,
            }, is_member=True, actor_label="import")
        return self.orgs[key]

    def write(self, rec: dict[str, Any]) -> str:
        """Create or update one pledge; returns "created", "updated" or "unchanged"."""
        pledge = None
        if rec["reference"]:
            pledge = db.session.scalar(select(Pledge).where(Pledge.reference == rec["reference"]))
        created = pledge is None
        if created:
            pledge = Pledge(reference=rec["reference"] or "tmp-" + secrets.token_hex(8),
                            focal_point=self._placeholder(), consent_public=True, status=ReviewStatus.APPROVED)
        with db.session.no_autoflush:  # the lookups below must not flush a half-filled pledge
            changed = self._fields(pledge, rec)
        db.session.add(pledge)
        db.session.flush()
        if not rec["reference"]:
            pledge.reference = pledge_reference(rec["pledged_on"].year, pledge.id)
        milestones_changed, milestones = self._milestones(pledge, rec)
        changed = self._targets(pledge, rec) | milestones_changed | self._progress(pledge, rec) | changed
        changed = self._milestones_done(pledge, milestones, rec) | changed
        if created:
            return "created"
        return "updated" if changed else "unchanged"

    def _fields(self, pledge: Pledge, rec: dict[str, Any]) -> bool:
        amount, currency = rec["amount"], rec["currency"]
        usd_value, rate, rate_year = rec["usd_value"], rec["usd_rate"], rec["usd_rate_year"]
        if amount is not None and usd_value is None:
            found = usd_rate(currency, rec["pledged_on"])
            if found is not None:
                rate, rate_year = found
                usd_value = to_usd(amount, rate)
        approved_at = rec["approved_at"] or pledge.approved_at or utcnow().replace(microsecond=0)
        values = {
            "title": rec["title"], "description": rec["description"], "language": rec["language"],
            "lead_organization": self._lead(rec), "focus_area_code": rec["focus_area"],
            "pledge_type_code": rec["pledge_type"], "event_code": rec["announced_at"], "amount": amount,
            "currency_code": currency if amount is not None else None, "usd_value": usd_value, "usd_rate": rate,
            "usd_rate_year": rate_year, "is_global": bool(rec["is_global"]), "targets_ldc": rec["targets_ldc"],
            "targets_lldc": rec["targets_lldc"], "targets_sids": rec["targets_sids"],
            "start_date": rec["start_date"], "end_date": rec["end_date"],
            "start_year": rec["start_year"] if rec["start_year"] is not None else (
                rec["start_date"].year if rec["start_date"] else None),
            "pledged_on": rec["pledged_on"], "approved_at": approved_at,
            "implementation_status": ImplementationStatus(rec["implementation_status"] or "not_started"),
            "last_reported_at": rec["last_reported_at"],
        }
        if pledge.id is None:  # not exported columns, set once for records that arrive approved
            values.update(submitted_at=approved_at, decided_at=approved_at)
        changed = False
        for name, value in values.items():
            if _differs(getattr(pledge, name), value):
                setattr(pledge, name, value)
                changed = True
        lists = {
            "partners": partner_organizations(rec["partners"], self._lead(rec), is_member=True, actor_label="import"),
            "countries": [self.countries[c] for c in rec["countries"]],
            "pillars": [self.pillars[c] for c in rec["pillars"]],
            "beneficiary_groups": [self.groups[c] for c in rec["beneficiary_groups"]],
            "sdgs": [self.sdgs[n] for n in rec["sdgs"]],
            "wsis_lines": [self.wsis[c] for c in rec["wsis_lines"]],
        }
        # Columns a file written before they existed lacks (None): the stored values stay.
        for name, rows in (("initiatives", self.initiatives), ("sdg_targets", self.sdg_targets),
                           ("gdc_objectives", self.gdc_objectives)):
            if rec.get(name) is not None:
                lists[name] = [rows[c] for c in rec[name]]
        for name, items in lists.items():
            current = getattr(pledge, name) if pledge.id else []
            if {id(o) for o in current} != {id(o) for o in items}:
                setattr(pledge, name, items)
                changed = True
        return changed

    def _targets(self, pledge: Pledge, rec: dict[str, Any]) -> bool:
        """Match targets in order; update, add or remove. True when anything changed."""
        changed = False
        current = list(pledge.targets)
        for i, wanted in enumerate(rec["targets"]):
            target = current[i] if i < len(current) else None
            if target is None:
                target = PledgeTarget(indicator_code=wanted["indicator"], target_value=wanted["target_value"],
                                      target_year=wanted["target_year"])
                pledge.targets.append(target)
                changed = True
            for attr, key in (("indicator_code", "indicator"), ("target_value", "target_value"),
                              ("target_year", "target_year"), ("baseline", "baseline"), ("note", "note")):
                if getattr(target, attr) != wanted[key]:
                    setattr(target, attr, wanted[key])
                    changed = True
        for extra in current[len(rec["targets"]):]:
            pledge.targets.remove(extra)
            changed = True
        db.session.flush()
        return changed

def iter_errors(result: ImportResult) -> Iterator[str]:
    """Lines for a person: the file problem, or one line per bad field."""
    if result.file_error:
        yield result.file_error
    for error in result.errors:
        yield str(error)
