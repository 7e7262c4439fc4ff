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
from p2c.implementation import queries, services
from p2c.implementation.forms import report_form
from p2c.pledges.models import Pledge
from p2c.pledges.reporting_status import pledge_reporting_status

bp = Blueprint("implementation", __name__, template_folder="templates")


@bp.app_template_global("progress_history_of")
def progress_history_of(pledge: Pledge) -> list:
    """Template global: a pledge's approved progress reports, oldest first (the pledge page's timeline)."""
    return queries.progress_history(pledge)


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


@bp.route("/my/<token>/report", methods=["GET", "POST"])
@unit_of_work
def new_report(token: str):
    """The focal point files this year's progress report on their pledge."""
    pledge = _pledge_for(token)
    if pledge.status != ReviewStatus.APPROVED:
        return _not_approved(pledge)
    form = report_form(pledge, queries.beneficiary_groups())
    status_code = 200
    if request.method == "GET":
        form.period.data = queries.suggested_period(pledge, [y for y, _label in form.period.choices])
    if request.method == "POST":
        status_code = 422
        if form.validate():
            with attempt(form) as done:
                report = services.file_report(pledge, form.to_data(), current_language())
            if done.error:
                status_code = done.status
            else:
                flash(_("Thank you. Your progress report %(ref)s was sent to the coalition team for review.",
                        ref=report.reference), "success")
                return redirect(url_for("implementation.reports", token=token))
    return render_template("implementation/report_form.html", form=form, pledge=pledge, token=token,
                           report=None, reporting_status=pledge_reporting_status(pledge)), status_code


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
    form = report_form(pledge, queries.beneficiary_groups())
    status_code = 200
    if request.method == "GET":
        form.fill_from(report)
    else:
        status_code = 422
        if form.validate():
            version = int(form.version.data) if (form.version.data or "").isdigit() else 0
            with attempt(form) as done:
                services.update_report(report, form.to_data(), version, current_language())
            if done.error:
                status_code = done.status
            else:
                flash(_("Thank you. Your updated report was sent to the coalition team."), "success")
                return redirect(url_for("implementation.reports", token=token))
    return render_template("implementation/report_form.html", form=form, pledge=pledge, token=token,
                           report=report, reporting_status=pledge_reporting_status(pledge)), status_code


@bp.get("/review/compliance")
@staff_required
def compliance():
    """Share of approved pledges current / due / inactive by focus area, region and stakeholder group."""
    return render_template("implementation/compliance.html", tables=queries.compliance(),
                           statuses=list(ReportingStatus))
