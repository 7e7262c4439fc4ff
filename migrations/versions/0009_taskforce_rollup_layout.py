"""rollup layout "2026-11-30-taskforce": the task-force view's rollup dimensions

Like 0009_progress1m_rollup_layout: a database with nothing counted and nothing to count is in the new
layout already (any row written from now on holds the task-force dimensions). Any other keeps its older
layout until the worker's `rollup_layout` job rebuilds the rollups; the task-force view reads the pledge
tables meanwhile (p2c.reporting.projection.layout_current). One UPDATE of the single state row.

Revision ID: 0009_taskforce_rollup_layout
Revises: 0009_queue1m_region_search
Create Date: 2026-11-30 18:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_taskforce_rollup_layout'
# After the migration that adds rollup_state.layout (0009_progress1m_rollup_layout, via the current head).
down_revision = '0009_queue1m_region_search'
branch_labels = None
depends_on = None

# p2c.reporting.projection.LAYOUT as of this revision.
LAYOUT = "2026-11-30-taskforce"


def upgrade():
    op.execute(sa.text("UPDATE rollup_state SET layout = :layout WHERE NOT EXISTS (SELECT 1 FROM rollup_pledge)"
                       " AND NOT EXISTS (SELECT 1 FROM pledge WHERE status = 'approved')").bindparams(layout=LAYOUT))


def downgrade():
    pass  # the previous layout's readers ignore the extra dimensions
