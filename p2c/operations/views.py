"""The team's health view (/review/operations: what is queued and failing, the worker's last runs) and /metrics."""

from __future__ import annotations

from flask import Blueprint, render_template

from p2c.core.auth import staff_required
from p2c.core.db import utcnow
from p2c.operations import metrics, queries
from p2c.operations.jobs import JOBS

bp = Blueprint("operations", __name__, url_prefix="/review/operations", template_folder="templates")
metrics_bp = Blueprint("metrics", __name__)


@bp.before_request
@staff_required
def _staff_only() -> None:
    """Staff only, like the rest of /review."""
    return None


@bp.get("/")
def health():
    """Outbox backlog, messages that failed and why, and each worker job's last run."""
    statuses = {status.name: status for status in queries.job_statuses()}
    return render_template("operations/health.html", backlog=queries.outbox_backlog(),
                           failing=queries.failing_messages(), jobs=[(job, statuses.get(job.name)) for job in JOBS],
                           now=utcnow())


@metrics_bp.get("/metrics")
def prometheus():
    """Prometheus exposition (loopback or bearer token only; 404 otherwise)."""
    return metrics.render()
