"""reporting: rollup tables for the progress page, and the default coalition goal

The rollups start empty; `flask p2c demo-data`, imports (signal `bulk_loaded`) and
`flask p2c rollups rebuild` fill them, and every approval keeps them in step.

Data step: the coalition's published goal "USD 100 billion mobilized by 2026" is created as the
default goal (admins can edit or retire it); the downgrade removes it again.

Revision ID: 0004_reporting
Revises: 0001
Create Date: 2026-11-22 05:10:00
"""
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = '0004_reporting'
down_revision = '0001'
branch_labels = None
depends_on = None

DEFAULT_GOAL = "USD 100 billion mobilized by 2026"


def upgrade():
    op.create_table('rollup',
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('pledges', sa.BigInteger(), nullable=False),
    sa.Column('usd_cents', sa.BigInteger(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('dimension', 'key', name=op.f('pk_rollup'))
    )
    op.create_table('rollup_organization',
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('pledges', sa.BigInteger(), nullable=False),
    sa.Column('usd_cents', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_rollup_organization'))
    )
    op.create_table('rollup_pledge',
    sa.Column('pledge_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('contribution', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('pledge_id', name=op.f('pk_rollup_pledge'))
    )
    goal = sa.table('goal', sa.column('title', sa.String), sa.column('metric', sa.String),
                    sa.column('indicator_code', sa.String), sa.column('target_value', sa.Numeric),
                    sa.column('target_date', sa.Date), sa.column('active', sa.Boolean),
                    sa.column('position', sa.Integer), sa.column('created_at', sa.DateTime),
                    sa.column('updated_at', sa.DateTime), sa.column('version', sa.Integer))
    now = datetime(2026, 11, 22)  # noqa: DTZ001 - stored as naive UTC, like every timestamp
    op.bulk_insert(goal, [{
        'title': DEFAULT_GOAL, 'metric': 'usd_value', 'indicator_code': None, 'target_value': 100_000_000_000,
        'target_date': date(2026, 12, 31), 'active': True, 'position': 0, 'created_at': now,
        'updated_at': now, 'version': 1,
    }])


def downgrade():
    op.execute(sa.text("DELETE FROM goal WHERE title = :t").bindparams(t=DEFAULT_GOAL))
    op.drop_table('rollup_pledge')
    op.drop_table('rollup_organization')
    op.drop_table('rollup')
