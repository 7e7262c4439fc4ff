"""pledge.usd_value: Numeric(18, 2)

An amount may be anything below 10^13 in its own currency; converted to USD at a rate above 1
(EUR, GBP, CHF...) it may pass 10^13, which Numeric(15, 2) cannot hold (PostgreSQL refused the row).

Revision ID: 0005_usd_value_precision
Revises: 0004_reporting
Create Date: 2026-11-29 11:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_usd_value_precision'
down_revision = '0004_reporting'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pledge') as batch_op:
        batch_op.alter_column('usd_value', existing_type=sa.Numeric(15, 2), type_=sa.Numeric(18, 2),
                              existing_nullable=True)


def downgrade():
    with op.batch_alter_table('pledge') as batch_op:
        batch_op.alter_column('usd_value', existing_type=sa.Numeric(18, 2), type_=sa.Numeric(15, 2),
                              existing_nullable=True)
