"""The worker's jobs. Each runs in an app context of its own, commits its own work (like a CLI command)
and returns a one-line result for the status table. All are safe to run in two workers at once and to
stop at any moment: the outbox claims each message atomically, reminders claim each pledge with a
conditional update, and once-a-day jobs claim their day in the same transaction as their work.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from p2c.core.db import utcnow
from p2c.core.mail import flush_outbox
from p2c.core.unit import commit, rollback
from p2c.operations.services import claim_period

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A scheduled job: its name, the setting that gives its interval in seconds, and what it runs."""

    name: str
    interval_setting: str
    run: Callable[[], str]


def deliver_mail() -> str:
    """Send what is due in the outbox: new messages and retries after their back-off."""
    sent, failed = flush_outbox(limit=current_app.config["WORKER_MAIL_BATCH"])
    return f"sent {sent}, failed {failed}"


def send_reminders() -> str:
    """Remind the focal points of due and inactive pledges (each pledge at most once per interval)."""
    from p2c.implementation import queries, services

    interval = current_app.config["REMINDER_INTERVAL_DAYS"]
    now = utcnow()
    queued = last_id = 0
    while True:
        batch = queries.reminder_batch(now, interval, last_id, 500)
        if not batch:
            break
        last_id = batch[-1].pledge_id
        queued += services.send_reminders(batch, now, interval)
        commit()  # each batch with its outbox rows; the outbox job sends them
    return f"queued {queued}"


def send_digests() -> str:
    """Once a day, from DIGEST_HOUR (UTC): each reviewer's summary of what waits for them."""
    from p2c.review.cli import send_digests as queue_digests

    now = utcnow()
    if now.hour < current_app.config["DIGEST_HOUR"]:
        return "not yet"
    if not claim_period("digest", now.date().isoformat()):
        rollback()
        return "already sent today"
    count = queue_digests()
    commit()
    return f"queued {count}"


def check_figures() -> str:
    """Once a day: the maintained rollups (what /progress shows) equal the figures computed from the pledges.

    Raises RuntimeError on a difference (logged, counted as a failure on the health view and in
    /metrics); `flask p2c rollups rebuild` repairs it.
    """
    from p2c.reporting.direct import raw_aggregates
    from p2c.reporting.figures import assemble
    from p2c.reporting.queries import progress_figures

    today = utcnow().date()
    if not claim_period("check_figures", today.isoformat()):
        rollback()
        return "already checked today"
    from p2c.reporting.projection import release_due

    release_due()  # a pledge announced a moment ago is public in the tables: count it in the rollups first
    raw, organizations = raw_aggregates(None)  # every public pledge, from the pledge tables
    shown, computed = progress_figures(today=today), assemble(raw, organizations, today, utcnow(), "direct")
    differing = [key for key in ("totals", "breakdowns", "goals", "indicators", "reporting_status", "finance")
                 if json.dumps(shown[key], sort_keys=True) != json.dumps(computed[key], sort_keys=True)]
    # The forecast's trajectories, the timeline and the task-force view read rollup dimensions of their
    # own: checked too.
    from p2c.reporting.forecast import forecasts
    from p2c.reporting.queries import monthly_pledged

    if json.dumps(shown["forecast"], sort_keys=True) != json.dumps(forecasts(direct=True), sort_keys=True):
        differing.append("forecast")
    if ([(d, round(v, 2)) for d, v in monthly_pledged()]
            != [(d, round(v, 2)) for d, v in monthly_pledged(direct=True)]):
        differing.append("timeline")
    from p2c.pledges.constants import MAX_YEAR, MIN_YEAR
    from p2c.reporting import taskforce

    # The task-force view over every period it can be asked for.
    period = taskforce.Period(MIN_YEAR, MAX_YEAR)
    if (taskforce.by_year(period), taskforce.by_country(period)) != (
            taskforce.by_year(period, direct=True), taskforce.by_country(period, direct=True)):
        differing.append("task-force")
    if differing:
        rollback()  # not done: check again next time
        raise RuntimeError(f"rollups differ from the pledge tables in: {', '.join(differing)}"
                           " (run `flask p2c rollups rebuild`)")
    commit()
    return "rollups agree"


def upgrade_rollups() -> str:
    """Once per rollup layout: rebuild the rollups of a database upgraded to a release that counts more
    dimensions (until then /progress would show the new splits empty). Claimed like the daily jobs."""
    from p2c.reporting.layout import LAYOUT, layout_current
    from p2c.reporting.projection import rebuild

    if not claim_period("rollup_layout", LAYOUT):
        rollback()
        return "rollups up to date"
    if layout_current():  # rebuilt already (`flask p2c rollups rebuild`, a bulk load) or created empty
        commit()
        return f"rollups up to date (layout {LAYOUT})"
    counted = rebuild()
    commit()
    return f"rebuilt from {counted} approved pledges (layout {LAYOUT})"


def write_open_data() -> str:
    """The full open-data downloads as files, when the data changed since they were written."""
    from p2c.opendata.snapshots import write_snapshots

    # Each batch of rendered rows is committed with the stale marks it took (a long write would hold
    # SQLite's lock from the web processes), the rows' state at the end.
    result = write_snapshots(checkpoint=commit)
    commit()
    return result


def purge_drafts() -> str:
    """Delete the drafts whose time (P2C_DRAFT_DAYS after their first save) is over."""
    from p2c.drafts.services import purge_expired

    count = purge_expired(utcnow())
    commit()
    return f"deleted {count}"


def send_follow_digests() -> str:
    """Once per period (P2C_FOLLOW_DIGEST: daily or weekly): each follower's digest of what was approved
    in the period that ended; the period is claimed in the same transaction as the outbox rows."""
    from p2c.follows.services import period_start
    from p2c.follows.services import send_digests as queue_follow_digests

    until = period_start(utcnow())
    if not claim_period("follow_digest", until.isoformat()):
        rollback()
        return "already sent for this period"
    count = queue_follow_digests(until)
    commit()
    return f"queued {count}"


def release_embargoes() -> str:
    """Count the pledges whose announcement time has come in the figures (the rollups)."""
    from p2c.reporting.projection import release_due

    released = release_due()
    commit()
    return f"released {released}"


JOBS = [
    Job("mail", "WORKER_MAIL_SECONDS", deliver_mail),
    Job("reminders", "WORKER_REMINDERS_SECONDS", send_reminders),
    Job("digests", "WORKER_DIGESTS_SECONDS", send_digests),
    Job("rollup_layout", "WORKER_CHECKS_SECONDS", upgrade_rollups),  # before the check, which it repairs
    Job("check_figures", "WORKER_CHECKS_SECONDS", check_figures),
    Job("open_data", "WORKER_SNAPSHOT_SECONDS", write_open_data),
    Job("drafts", "WORKER_DRAFTS_SECONDS", purge_drafts),
    Job("follow_digests", "WORKER_FOLLOWS_SECONDS", send_follow_digests),
    Job("embargoes", "WORKER_EMBARGO_SECONDS", release_embargoes),
]
JOB_BY_NAME = {job.name: job for job in JOBS}
