"""rollup_state.layout: the rollup layout the rows were written in

Readers of the dimensions a layout added (the 2030 forecast's `trajectory` and `last_period`, the
timeline's `pledged_month`) read the pledge tables until the rollups are in the current layout
(p2c.reporting.projection.layout_current); a full rebuild sets it. An upgraded database with counted
pledges starts without one (the worker's `rollup_layout` job rebuilds it); one whose rollups are empty is
in the layout of this release already when there is no approved pledge either.

Revision ID: 0009_progress1m_rollup_layout
Revises: 0008_revfix_whole_counts
Create Date: 2026-11-30 18:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_progress1m_rollup_layout'
down_revision = '0008_revfix_whole_counts'
branch_labels = None
depends_on = None

# p2c.reporting.projection.LAYOUT as of this revision (a later layout is newer than what this marks).
LAYOUT = "2026-11-30-trajectory"


def upgrade():
    with op.batch_alter_table("rollup_state") as batch:
        batch.add_column(sa.Column("layout", sa.String(length=40), nullable=True))
    # Nothing counted and nothing to count: any row written from now on is in this layout.
    op.execute(sa.text("UPDATE rollup_state SET layout = :layout WHERE NOT EXISTS (SELECT 1 FROM rollup_pledge)"
                       " AND NOT EXISTS (SELECT 1 FROM pledge WHERE status = 'approved')").bindparams(layout=LAYOUT))


def downgrade():
    with op.batch_alter_table("rollup_state") as batch:
        batch.drop_column("layout")
