"""Progress reporting through the focal point's private link, and the team's compliance view.

Routes: /my/<token>/report (file a report), /my/<token>/reports (the pledge's reports and its
reporting status), /my/<token>/reports/<ref> (see one; resubmit when changes were requested),
/review/compliance (staff: reporting status shares).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from p2c.access.links import open_link
from p2c.core.auth import staff_required
from p2c.core.enums import ReportingStatus, ReviewStatus, SubmissionKind
from p2c.core.i18n import current_language
from p2c.core.unit import attempt, unit_of_work
from p2c.drafts import queries as draft_queries
from p2c.drafts import services as drafts
from p2c.extensions import db
from p2c.implementation import evidence, ledger, queries, services
from p2c.implementation.forms import report_form
from p2c.implementation.models import EvidenceFile
from p2c.pledges.models import Pledge
from p2c.pledges.reporting_status import pledge_reporting_status

bp = Blueprint("implementation", __name__, template_folder="templates")


@bp.app_template_global("progress_history_of")
def progress_history_of(pledge: Pledge) -> list:
    """Template global: a pledge's approved progress reports, oldest first (the pledge page's timeline)."""
    return queries.progress_history(pledge)


@bp.app_template_global("progress_reports_of")
def progress_reports_of(pledge: Pledge) -> list:
    """Template global: every report on a pledge in any status, newest year first (its private page)."""
    return queries.reports_of_pledge(pledge.id)


@bp.app_template_global("fulfilment_of")
def fulfilment_of(pledge: Pledge) -> dict | None:
    """Template global: pledged, disbursed to date and the share (None without a money value)."""
    return ledger.fulfilment(pledge)


@bp.app_template_global("ledger_recipient")
def ledger_recipient(code: str) -> str:
    """Template global: a ledger entry's recipient (country, region, "Global") in the reader's language."""
    return ledger.recipient_name(code)


@bp.app_template_global("ledger_instrument")
def ledger_instrument(code: str) -> str:
    """Template global: a ledger entry's instrument in the reader's language."""
    return ledger.instrument_name(code)


@bp.app_template_global("milestones_done_of")
def milestones_done_of(pledge: Pledge) -> dict[int, bool]:
    """Template global: {milestone id: done} as the pledge's latest approved report says (the pledge page)."""
    return queries.milestones_done(pledge)


@bp.app_template_global("reporting_status_of")
def reporting_status_of(pledge: Pledge) -> ReportingStatus | None:
    """Template global: a pledge's reporting status (None unless approved), for any feature's templates."""
    return pledge_reporting_status(pledge)


def _pledge_for(token: str) -> Pledge:
    """The pledge this private link opens; any other link is access.links' answer (403/410)."""
    return open_link(token, {SubmissionKind.PLEDGE})[1]


def _not_approved(pledge: Pledge):
    return render_template("implementation/not_open.html", pledge=pledge,
                           message=_("Progress can only be reported on an approved pledge.")), 409


def _allow_files() -> None:
    """The report forms take evidence files: a request may carry up to the per-report limit (plus the
    form's text), more than the site-wide MAX_CONTENT_LENGTH."""
    request.max_content_length = (current_app.config["EVIDENCE_MAX_REPORT_BYTES"]
                                  + current_app.config["MAX_CONTENT_LENGTH"])


def _form_page(form, pledge, token, report=None, draft=None, status_code=200):
    return render_template("implementation/report_form.html", form=form, pledge=pledge, token=token,
                           report=report, draft=draft, reporting_status=pledge_reporting_status(pledge),
                           accept=evidence.ACCEPT_ATTRIBUTE, accepted_label=evidence.ACCEPTED_LABEL,
                           limits=evidence.limits(), megabytes=evidence.megabytes), status_code


@bp.route("/my/<token>/report", methods=["GET", "POST"])
@unit_of_work
def new_report(token: str):
    """The focal point files this year's progress report on their pledge (or saves it as a draft)."""
    _allow_files()
    pledge = _pledge_for(token)
    if pledge.status != ReviewStatus.APPROVED:
        return _not_approved(pledge)
    draft = draft_queries.report_draft(pledge.id)
    if request.method == "POST" and request.form.get("action") == "save_draft":
        # Stored as typed, checked only when really sent; not a submission (never reviewed nor counted).
        _draft, created = drafts.save_report_draft(pledge, drafts.snapshot(request.form), pledge.focal_point.email,
                                                   current_language())
        flash(_("Your draft is saved. We e-mailed you the private link to continue it on any device.")
              if created else _("Your draft is saved."), "success")
        return redirect(url_for("implementation.new_report", token=token))
    if request.method == "GET" and draft is not None:
        form = report_form(pledge, queries.beneficiary_groups(), formdata=drafts.as_formdata(draft))
        return _form_page(form, pledge, token, draft=draft)
    form = report_form(pledge, queries.beneficiary_groups())
    status_code = 200
    if request.method == "GET":
        form.period.data = queries.suggested_period(pledge, [y for y, _label in form.period.choices])
    if request.method == "POST":
        status_code = 422
        if form.validate():
            with attempt(form) as done:
                report = services.file_report(pledge, form.to_data(), current_language())
                drafts.delete_draft(draft)
            if done.error:
                status_code = done.status
            else:
                flash(_("Thank you. Your progress report %(ref)s was sent to the coalition team for review.",
                        ref=report.reference), "success")
                return redirect(url_for("implementation.reports", token=token))
    return _form_page(form, pledge, token, draft=draft, status_code=status_code)


@bp.route("/my/<token>/report/draft/delete", methods=["GET", "POST"])
@unit_of_work
def delete_report_draft(token: str):
    """Delete the pledge's progress-report draft, after a confirmation step."""
    from p2c.pledges.draft_views import DeleteDraftForm

    pledge = _pledge_for(token)
    draft = draft_queries.report_draft(pledge.id)
    if draft is None:
        return redirect(url_for("implementation.new_report", token=token))
    form = DeleteDraftForm()
    if request.method == "POST" and form.validate():
        drafts.delete_draft(draft)
        flash(_("The draft was deleted."), "success")
        return redirect(url_for("implementation.reports", token=token))
    return render_template("drafts/delete.html", form=form, draft=draft,
                           back=url_for("implementation.new_report", token=token))


@bp.get("/my/<token>/reports")
def reports(token: str):
    """The pledge's reporting status and every report its focal point filed."""
    pledge = _pledge_for(token)
    dashboard_url = (url_for("access.dashboard", token=token)
                     if "access.dashboard" in current_app.view_functions else None)
    return render_template("implementation/reports.html", pledge=pledge, token=token,
                           reports=queries.reports_of_pledge(pledge.id), dashboard_url=dashboard_url,
                           reporting_status=pledge_reporting_status(pledge))


@bp.route("/my/<token>/reports/<reference>", methods=["GET", "POST"])
@unit_of_work
def edit_report(token: str, reference: str):
    """One report; editable and resubmittable when the team asked for changes."""
    pledge = _pledge_for(token)
    report = queries.report_by_reference(pledge.id, reference)
    if report is None:
        abort(404)
    if report.status != ReviewStatus.CHANGES_REQUESTED:
        return render_template("implementation/report_view.html", pledge=pledge, report=report, token=token)
    _allow_files()
    form = report_form(pledge, queries.beneficiary_groups(), rows=max(len(report.entries) + 2, 5))
    form.keep_files(report.evidence_files)
    status_code = 200
    if request.method == "GET":
        form.fill_from(report)
    else:
        status_code = 422
        form.report_id = report.id
        if form.validate():
            version = int(form.version.data) if (form.version.data or "").isdigit() else 0
            with attempt(form) as done:
                services.update_report(report, form.to_data(), version, current_language())
            if done.error:
                status_code = done.status
            else:
                flash(_("Thank you. Your updated report was sent to the coalition team."), "success")
                return redirect(url_for("implementation.reports", token=token))
    return _form_page(form, pledge, token, report=report, status_code=status_code)


def _evidence_or_404(file_id: int) -> EvidenceFile:
    found = db.session.get(EvidenceFile, file_id)
    if found is None:
        abort(404)
    return found


@bp.get("/evidence/<int:file_id>/<name>")
def evidence_file(file_id: int, name: str):
    """An evidence file of an approved report (public, like the timeline that lists it); 404 before."""
    found = _evidence_or_404(file_id)
    if found.report.status != ReviewStatus.APPROVED or found.report.pledge.status != ReviewStatus.APPROVED:
        abort(404)
    response = evidence.download(found)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/my/<token>/files/<int:file_id>")
def own_evidence_file(token: str, file_id: int):
    """An evidence file of one of the pledge's reports, for its focal point, whatever the review status."""
    pledge = _pledge_for(token)
    found = _evidence_or_404(file_id)
    if found.report.pledge_id != pledge.id:
        abort(404)
    return evidence.download(found)


@bp.get("/review/evidence/<int:file_id>")
@staff_required
def staff_evidence_file(file_id: int):
    """An evidence file, for the coalition team reviewing the report."""
    return evidence.download(_evidence_or_404(file_id))


@bp.app_template_global("evidence_url")
def evidence_url(file: EvidenceFile, external: bool = False) -> str:
    """The public address of an evidence file (only answered once its report is approved)."""
    return url_for("implementation.evidence_file", file_id=file.id, name=file.filename, _external=external)


@bp.get("/review/compliance")
@staff_required
def compliance():
    """Share of approved pledges current / due / inactive by focus area, region and stakeholder group."""
    return render_template("implementation/compliance.html", tables=queries.compliance(),
                           statuses=list(ReportingStatus))
