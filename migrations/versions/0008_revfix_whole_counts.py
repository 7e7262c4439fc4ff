"""Counts typed before the whole-number rule (issue 14) become whole numbers

Pledge targets (target_value, baseline), progress values (achieved_value) and goals (target_value) whose
indicator unit is not money ("USD"; p2c.core.counts.is_count) are rounded half up to a whole number, so that
every total of them equals the sum of the rounded values each pledge shows, and an edit of such a pledge or
report is no longer refused by the whole-number check. Goals on "pledges" and "organizations" count too;
goals on "usd_value" and on a USD indicator keep their cents.

Each changed record gets one audit entry (action "migrate.whole_counts", actor "system") with the values
before and after: the subject is the pledge (its targets), the progress report (its values) or the goal.
The rollups are rebuilt from the whole values by the worker's `rollup_layout` job: its layout
(p2c.reporting.projection.LAYOUT) moved with this release.

Downgrade: nothing is undone (the fractions are gone; the audit entries keep them).

Revision ID: 0008_revfix_whole_counts
Revises: 0008_queue_review_indexes
Create Date: 2026-11-30 15:40:00
"""
from collections import defaultdict
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from alembic import op

revision = '0008_revfix_whole_counts'
down_revision = '0008_queue_review_indexes'
branch_labels = None
depends_on = None

ACTION = "migrate.whole_counts"
AUDIT = sa.table(
    'audit_event', sa.column('created_at', sa.DateTime), sa.column('actor_user_id', sa.Integer),
    sa.column('actor_label', sa.String), sa.column('ip_address', sa.String), sa.column('action', sa.String),
    sa.column('subject_type', sa.String), sa.column('subject_id', sa.Integer),
    sa.column('subject_label', sa.String), sa.column('before', sa.JSON), sa.column('after', sa.JSON))


def _whole(value):
    """`value` rounded half up (the rule of p2c.core.counts.whole), None for None."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _fraction(value) -> bool:
    return value is not None and Decimal(str(value)) != _whole(value)


def upgrade():
    bind = op.get_bind()
    # (subject_type, subject_id) -> (label, before, after): one audit entry per changed record.
    changes: dict = defaultdict(lambda: ("", {}, {}))

    def note(kind, subject_id, label, key, old, new):
        entry = changes[(kind, subject_id)]
        changes[(kind, subject_id)] = (label or entry[0], entry[1], entry[2])
        # Written as the columns hold them (two decimals), the same on SQLite and PostgreSQL.
        entry[1][key] = str(Decimal(str(old)).quantize(Decimal("0.01")))
        entry[2][key] = str(int(new))

    # Only rows holding a fraction are read and written (few, typed before the rule).
    targets = bind.execute(sa.text(
        "SELECT t.id, t.pledge_id, t.indicator_code, t.target_value, t.baseline, p.reference "
        "FROM pledge_target t JOIN indicator i ON i.code = t.indicator_code JOIN pledge p ON p.id = t.pledge_id "
        "WHERE i.unit <> 'USD' AND (t.target_value <> ROUND(t.target_value, 0) "
        "OR (t.baseline IS NOT NULL AND t.baseline <> ROUND(t.baseline, 0)))")).all()
    for tid, pid, code, value, baseline, reference in targets:
        bind.execute(sa.text("UPDATE pledge_target SET target_value = :v, baseline = :b WHERE id = :id"),
                     {"v": _whole(value), "b": _whole(baseline), "id": tid})
        if _fraction(value):
            note("pledge", pid, reference, f"{code}.target_value", value, _whole(value))
        if _fraction(baseline):
            note("pledge", pid, reference, f"{code}.baseline", baseline, _whole(baseline))

    values = bind.execute(sa.text(
        "SELECT v.id, v.report_id, t.indicator_code, v.achieved_value, r.period "
        "FROM progress_value v JOIN pledge_target t ON t.id = v.target_id "
        "JOIN indicator i ON i.code = t.indicator_code JOIN progress_report r ON r.id = v.report_id "
        "WHERE i.unit <> 'USD' AND v.achieved_value <> ROUND(v.achieved_value, 0)")).all()
    for vid, rid, code, value, period in values:
        bind.execute(sa.text("UPDATE progress_value SET achieved_value = :v WHERE id = :id"),
                     {"v": _whole(value), "id": vid})
        note("progress_report", rid, str(period), f"{code}.achieved_value", value, _whole(value))

    goals = bind.execute(sa.text(
        "SELECT g.id, g.metric, g.indicator_code, g.target_value FROM goal g "
        "LEFT JOIN indicator i ON i.code = g.indicator_code "
        "WHERE g.metric <> 'usd_value' AND (g.metric <> 'indicator' OR i.unit IS NULL OR i.unit <> 'USD') "
        "AND g.target_value <> ROUND(g.target_value, 0)")).all()
    for gid, metric, code, value in goals:
        bind.execute(sa.text("UPDATE goal SET target_value = :v WHERE id = :id"), {"v": _whole(value), "id": gid})
        note("goal", gid, code or metric, "target_value", value, _whole(value))

    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [{"created_at": now, "actor_user_id": None, "actor_label": "system", "ip_address": "",
             "action": ACTION, "subject_type": kind, "subject_id": sid, "subject_label": label[:300],
             "before": before, "after": after}
            for (kind, sid), (label, before, after) in sorted(changes.items())]
    if rows:
        op.bulk_insert(AUDIT, rows)


def downgrade():
    # Nothing to undo: the fractions are not restored (the audit entries of the upgrade keep them).
    pass
