"""rollup (dimension, amount_cents): the finance table's top organizations read from an index

The progress figures list the 50 lead organizations with the most USD disbursed (p2c.reporting.finance).
They were picked in Python from every `disb_org` rollup row, about 380,000 at 1M pledges (3.9-5.5 s on
the first read after each approval); with this index the database reads the first rows in order.

Revision ID: 0010_finance_top_organizations
Revises: 0009_taskforce_rollup_layout
Create Date: 2026-11-30 20:05:00
"""
from alembic import op

revision = '0010_finance_top_organizations'
down_revision = '0009_taskforce_rollup_layout'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_rollup_dimension_amount", "rollup", ["dimension", "amount_cents"])


def downgrade():
    op.drop_index("ix_rollup_dimension_amount", table_name="rollup")
