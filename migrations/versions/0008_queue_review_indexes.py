"""Review queue at scale: indexes that let a filtered queue page be read in order from an index.

- pledge (status, focus_area_code, submitted_at): a focus-area filter's page is read in submission
  order and its count answered from the index alone.
- need (status, submitted_at): every other kind of the queue already had its (status, submitted_at).

Revision ID: 0008_queue_review_indexes
Revises: 0008_refdata_translations
Create Date: 2026-11-30 14:30:00
"""
from alembic import op

revision = '0008_queue_review_indexes'
down_revision = '0008_refdata_translations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_pledge_status_focus_submitted", "pledge", ["status", "focus_area_code", "submitted_at"])
    op.create_index("ix_need_status_submitted", "need", ["status", "submitted_at"])


def downgrade():
    op.drop_index("ix_need_status_submitted", table_name="need")
    op.drop_index("ix_pledge_status_focus_submitted", table_name="pledge")
