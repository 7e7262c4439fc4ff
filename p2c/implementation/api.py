"""API for progress reports: GET /api/v1/pledges/<ref> (an approved pledge with its approved progress
reports) and POST /api/v1/pledges/<ref>/progress-reports (partner organizations).

Bearer token, rate limit and Idempotency-Key as for every write endpoint (`p2c.api.write`); the
body is validated by `ProgressReportInputSchema`, the same rules as the private link's form, and
the report enters the same review queue.
"""

from __future__ import annotations

from typing import Any

from flask import abort, url_for
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import select

from p2c.api import write
from p2c.api.blueprint import bp, documented
from p2c.api.errors import error
from p2c.api.responses import conditional
from p2c.core.unit import attempt, unit_of_work
from p2c.extensions import db, limiter
from p2c.implementation import ledger, queries, services
from p2c.implementation.models import ProgressReport
from p2c.implementation.schemas import ProgressReportInputSchema
from p2c.pledges import queries as pledge_queries
from p2c.pledges.models import Pledge
from p2c.pledges.public_schemas import PublicPledgeDetailSchema, PublicProgressReportSchema


class ProgressReportCreatedSchema(Schema):
    """A progress report received through the API; it counts once the coalition team approves it."""

    reference = fields.String(required=True)
    pledge = fields.String(required=True, metadata={"description": "reference of the pledge"})
    period = fields.Integer(required=True)
    status = fields.String(required=True)
    submitted_at = fields.DateTime(required=True)


class ProgressReportBodySchema(ProgressReportInputSchema):
    """The progress report body, for the OpenAPI document (the real schema is built per pledge)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("pledge", None)
        super().__init__(*args, **kwargs)


def _created_body(report: ProgressReport) -> tuple[dict, str]:
    body = ProgressReportCreatedSchema().dump({
        "reference": report.reference, "pledge": report.pledge.reference, "period": report.period,
        "status": str(report.status), "submitted_at": report.submitted_at})
    return body, url_for("api.get_pledge", ref=report.pledge.reference, _external=True)


@bp.post("/pledges/<ref>/progress-reports")
@documented("/pledges/{ref}/progress-reports", "post", summary="File a progress report on a pledge",
            tags=["write"], body_schema=ProgressReportBodySchema,
            responses={201: ProgressReportCreatedSchema, 403: None, 404: None, 409: None, 422: None}, auth=True,
            description="For an approved pledge led by (or partnered with) the token's organization. One "
                        "report per pledge and year: a year already reported (pending or approved) gets 422 "
                        "with `fields.period`. The report enters the review queue like one from the private "
                        "link; 409 when the pledge is not approved.")
@limiter.limit(write.write_limit, key_func=write.rate_limit_key)
@unit_of_work(on_integrity_error=write.replay_first)
def create_progress_report(ref: str):
    """File a yearly progress report on one of the organization's pledges."""
    prepared = write.prepare()
    if not isinstance(prepared, write.WriteRequest):
        return prepared
    token = prepared.token
    pledge = db.session.scalar(select(Pledge).where(Pledge.reference == ref.upper()))
    if pledge is None:
        return error(404, _("No pledge has this reference."))
    if not services.may_report_on(token, pledge):
        return error(403, _("This pledge does not belong to your organization."))
    try:
        data = ProgressReportInputSchema(pledge=pledge).load(prepared.payload)
    except ValidationError as exc:
        return error(422, _("Some fields are not valid."), exc.messages)
    with attempt() as done:
        report, body = services.file_report_through_api(token, pledge, data, key=prepared.key,
                                                        fingerprint=write.fingerprint(), render=_created_body)
    if done.error:
        return write.refused(prepared, done.error)
    return write.created(body, _created_body(report)[1])


@bp.get("/pledges/<ref>")
@documented("/pledges/{ref}", "get", summary="One approved pledge", tags=["pledges"],
            responses={200: PublicPledgeDetailSchema, 404: None},
            description="With `progress_reports`: its approved progress reports, oldest first, each with its "
                        "`disbursements` (the ledger entries); and `fulfilment`: pledged, disbursed to date "
                        "and the share, in USD.")
def get_pledge(ref: str):
    """An approved pledge by its public reference, with its progress history."""
    pledge = pledge_queries.public_pledge(ref)
    if pledge is None:
        abort(404)
    reports = queries.progress_history(pledge)
    payload = PublicPledgeDetailSchema().dump(pledge)
    payload["progress_reports"] = PublicProgressReportSchema(many=True).dump(reports)
    payload["fulfilment"] = ledger.fulfilment(pledge)
    return conditional(payload, last_modified=max([pledge.updated_at, *(r.updated_at for r in reports)]))
