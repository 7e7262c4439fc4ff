"""The review back-office (/review): queue, record page, decisions, assignment, messages, bulk, CSV.

Thin views: parse the form, call one service, commit, render. Every route of the blueprint is staff
only (checked once, before any view runs, so a new route cannot forget it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from p2c.core import audit
from p2c.core import submissions as registry
from p2c.core.auth import staff_required
from p2c.core.cells import protect_formula
from p2c.core.db import utcnow
from p2c.core.enums import ReviewStatus, SubmissionKind
from p2c.core.errors import Conflict, NotAllowed
from p2c.core.redirects import safe_target
from p2c.core.unit import attempt, unit_of_work
from p2c.core.workflow import STAFF_ACTIONS, allowed_actions
from p2c.reference.regions import region_name
from p2c.review import changes, queries, services
from p2c.review.forms import OUT_OF_DATE, AssignForm, BulkApproveForm, CommentForm, DecisionForm

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")


@bp.before_request
@staff_required
def _staff_only() -> None:
    """Every /review page needs a signed-in reviewer or admin."""
    return None


@bp.app_context_processor
def _staff_globals() -> dict:
    # The staff bar (review/_staff_bar.html, included by base.html) links only to registered pages.
    return {"registered_endpoints": lambda: current_app.view_functions}


@bp.app_template_filter("review_status")
def _review_status(value: object) -> ReviewStatus:
    """A status from the queue (enum or stored string) as the enum."""
    return ReviewStatus(getattr(value, "value", value))


@bp.app_template_filter("kind_title")
def _kind_title(value: object) -> str:
    """The readable title of a submission kind."""
    return SubmissionKind(value).title


@bp.app_template_filter("changes")
def _changes(event) -> list:
    """The changes an audit event records, in words (p2c/review/changes.py)."""
    return changes.changes(event.before, event.after)


@bp.app_template_filter("action_title")
def _action_title(code: str) -> str:
    """The readable title of an audit action code (history panel, audit log)."""
    return audit.action_title(code)


@bp.app_template_filter("queue_count")
def _queue_count(value: int) -> str:
    """A queue count in the locale's digits; one that reached the cap (counts.COUNT_CAP) as "1,000+"."""
    number = format_decimal(value)
    # TRANSLATORS: a count that stopped at a cap: there are more than %(num)s (e.g. "1,000+").
    return _("%(num)s+", num=number) if getattr(value, "capped", False) else number


@bp.app_template_filter("days_ago")
def _days_ago(value: datetime | None) -> int:
    """Whole days since a (naive UTC) timestamp."""
    return (utcnow() - value).days if value else 0


def _status_tabs() -> list[tuple[str, str]]:
    return [("open", _("Waiting")), ("all", _("All"))] + [(s.value, s.title) for s in ReviewStatus]


def _filters() -> queries.QueueFilters:
    return queries.QueueFilters.from_args(request.args, current_user.id)


@bp.get("/")
def queue():
    """All submissions waiting for review, with counts, filters, sorting and search."""
    filters = _filters()
    # Counted within the page's budget, or on demand (the "count them" link: ?count=all) however long it takes.
    budget = None if filters.count else current_app.config["QUEUE_COUNT_BUDGET_MS"]
    counts = queries.status_counts(filters, budget)  # the page's total is one of them: counted once
    page = queries.queue(filters, counts, uncounted=counts is None)
    return render_template("review/queue.html", filters=filters, page=page, details=queries.queue_details(page.rows),
                           queue_qs=queries.queue_query_string(filters),
                           counts=counts, choices=queries.filter_choices(),
                           region_name=region_name,
                           status_tabs=_status_tabs(), age_buckets=queries.AGE_BUCKETS,
                           sorts=list(queries.SORTS), bulk_form=BulkApproveForm())


CSV_COLUMNS = ["kind", "reference", "title", "organization", "status", "submitted_at", "assignee",
               "language", "contact_name", "contact_title", "contact_email", "contact_phone", "contact_language"]


def _cell(value: object) -> str:
    # Spreadsheets run cells that start with = + - @: the open-data export's rule keeps them text.
    return protect_formula("" if value is None else str(value))


def _csv_lines(filters: queries.QueueFilters) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row, record in queries.iter_queue(filters):
        contact = registry.get(row.kind).contact(record) if record is not None else None
        writer.writerow([_cell(v) for v in (
            row.kind, row.reference, row.title, row.organization, getattr(row.status, "value", row.status),
            row.submitted_at.isoformat(timespec="seconds") if row.submitted_at else "", row.assignee_email,
            getattr(record, "language", ""), getattr(contact, "name", ""), getattr(contact, "title", ""),
            getattr(contact, "email", ""), getattr(contact, "phone", ""), getattr(contact, "language", ""),
        )])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()


@bp.get("/queue.csv")
def queue_csv():
    """The filtered queue as CSV, private contact fields included (staff only), streamed."""
    filters = _filters()
    response = Response(stream_with_context(_csv_lines(filters)), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=p2c-review-queue.csv"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/bulk-approve")
@unit_of_work
def bulk_approve():
    """Approve the selected rows after a confirmation page."""
    form = BulkApproveForm()
    if not form.validate_on_submit():
        abort(400)
    items = [i for i in (services.BulkItem.parse(v) for v in request.form.getlist("items")) if i]
    if not items:
        flash(_("Select at least one submission to approve."), "error")
        return redirect(url_for("review.queue"))
    if form.confirm.data != "yes":
        rows = [(item, services.load(item.kind, item.id)) for item in items]
        form.confirm.data = "yes"
        return render_template("review/bulk_confirm.html", form=form, rows=rows)
    with attempt() as done:
        decisions = services.bulk_approve(items, actor=current_user)
    if done.error:
        flash(done.error.message, "error")
        return redirect(url_for("review.queue"))
    flash(ngettext("%(num)d submission approved.", "%(num)d submissions approved.", len(decisions)), "success")
    return redirect(url_for("review.queue"))


def _queue_of_record() -> tuple[str, queries.QueueFilters]:
    """The queue the reviewer came from (`?queue=<its query string>` on record pages), so that the
    record page links back to the same filtered queue and offers its next submission."""
    queue_qs = request.args.get("queue", "")[:500]
    filters = queries.QueueFilters.from_args(MultiDict(parse_qsl(queue_qs)), current_user.id)
    return queries.queue_query_string(filters), filters


def _record_url(kind: str, id: int, anchor: str = "") -> str:
    """The record page, keeping the queue it was opened from."""
    queue_qs = _queue_of_record()[0]
    return url_for("review.record", kind=kind, id=id, queue=queue_qs or None) + anchor


def _render_record(kind: str, record_id: int, *, decision_form: DecisionForm | None = None,
                   comment_form: CommentForm | None = None, error: str | None = None, status: int = 200):
    found = queries.get_record(kind, record_id)
    if found is None:
        abort(404)
    stype, record = found
    actions = allowed_actions(ReviewStatus(record.status), staff=True)
    decision_form = decision_form or DecisionForm(formdata=None)
    decision_form.set_actions(actions)
    decision_form.version.data = str(record.version)  # after a conflict: act on the newer state
    assign_form = AssignForm(formdata=None, version=str(record.version))
    queue_qs, queue_filters = _queue_of_record()
    html = render_template(
        "review/record.html", stype=stype, record=record, title=stype.title(record),
        queue_qs=queue_qs, next_row=queries.next_in_queue(queue_filters, stype.kind.value, record.id),
        organization=stype.organization(record), contact=stype.contact(record), actions=actions,
        decision_form=decision_form, comment_form=comment_form or CommentForm(formdata=None),
        assign_form=assign_form, history=queries.history(stype.kind.value, record.id),
        comments=queries.comments(stype.kind.value, record.id),
        duplicates=queries.possible_duplicates(stype, record), public_url=stype.public_url(record),
        assignee=queries.get_user(record.assignee_id), error=error,
    )
    return html, status


@bp.get("/<kind>/<int:id>")
def record(kind: str, id: int):
    """Everything submitted, private contact included, with its history, duplicates and actions."""
    return _render_record(kind, id)


@bp.post("/<kind>/<int:id>/decide")
@unit_of_work
def decide(kind: str, id: int):
    """Approve, reject, request changes or start the review."""
    form = DecisionForm()
    form.set_actions(list(STAFF_ACTIONS))  # the service says clearly when an action is not possible now
    if not form.validate_on_submit():
        return _render_record(kind, id, decision_form=form, status=400)
    version = queries.parse_id(form.version.data)
    if version is None:  # a tampered hidden field: nothing to compare the record with
        return _render_record(kind, id, decision_form=form, error=str(OUT_OF_DATE), status=400)
    with attempt() as done:
        result = services.decide(kind, id, form.action.data, form.message.data or "", version,
                                 actor=current_user)
    if isinstance(done.error, Conflict | NotAllowed):
        return _render_record(kind, id, decision_form=form, error=done.error.message, status=409)
    if done.error:
        if done.error.status_code == 404:
            abort(404)
        form.message.errors = [*form.message.errors, done.error.message]
        return _render_record(kind, id, decision_form=form, status=400)
    flash(_("%(reference)s is now “%(status)s”.", reference=result.record.reference, status=result.new.title),
          "success")
    return redirect(_record_url(kind, id))


@bp.post("/<kind>/<int:id>/assign")
@unit_of_work
def assign(kind: str, id: int):
    """Assign the record to me (or release it)."""
    form = AssignForm()
    version = queries.parse_id(form.version.data)
    if not form.validate_on_submit() or version is None:
        return _render_record(kind, id, error=str(OUT_OF_DATE), status=400)
    with attempt() as done:
        services.assign(kind, id, None if form.release.data else current_user, version, actor=current_user)
    if isinstance(done.error, Conflict):
        return _render_record(kind, id, error=done.error.message, status=409)
    if done.error:
        if done.error.status_code == 404:
            abort(404)
        return _render_record(kind, id, error=done.error.message, status=400)
    flash(_("Released.") if form.release.data else _("Assigned to you."), "success")
    # From the queue, back to the same filtered queue; only a path inside the back-office is followed.
    return redirect(safe_target(request.form.get("next"), _record_url(kind, id), prefix="/review"))


@bp.post("/<kind>/<int:id>/comment")
@unit_of_work
def comment(kind: str, id: int):
    """A message to the submitter (e-mailed) or an internal note (never sent)."""
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_record(kind, id, comment_form=form, status=400)
    with attempt() as done:
        added = services.add_comment(kind, id, form.body.data, form.visibility.data, actor=current_user)
    if done.error:
        if done.error.status_code == 404:
            abort(404)
        form.body.errors = [*form.body.errors, done.error.message]
        return _render_record(kind, id, comment_form=form, status=400)
    flash(_("Message sent to the submitter.") if added.visibility.value == "to_submitter"
          else _("Internal note saved."), "success")
    return redirect(_record_url(kind, id, "#messages"))
