"""open-data rows: each public pledge's rendered bytes per download format, and what is stale

Derived tables (p2c.opendata.fragments): created empty, with the state row asking for a full render, so
the worker's next `open_data` run renders every public pledge once; from then on only the pledges a
transaction changed (marked in `opendata_stale` by p2c.opendata.tracking) are rendered again.

Revision ID: 0010_odrows_opendata_rows
Revises: 0010_finance_top_organizations
Create Date: 2026-11-30 20:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010_odrows_opendata_rows'
down_revision = '0010_finance_top_organizations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'opendata_row',
        sa.Column('pledge_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('csv', sa.LargeBinary(), nullable=False),
        sa.Column('json', sa.LargeBinary(), nullable=False),
        sa.Column('xlsx', sa.LargeBinary(), nullable=False),
        sa.Column('iati', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('pledge_id', name=op.f('pk_opendata_row')),
    )
    op.create_table(
        'opendata_stale',
        sa.Column('pledge_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('mark', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('pledge_id', name=op.f('pk_opendata_stale')),
    )
    op.create_table(
        'opendata_row_state',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('full', sa.Boolean(), nullable=False),
        sa.Column('rendered_at', sa.String(length=40), nullable=False),
        sa.Column('lease_until', sa.String(length=40), server_default='', nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_opendata_row_state')),
    )


def downgrade():
    op.drop_table('opendata_row_state')
    op.drop_table('opendata_stale')
    op.drop_table('opendata_row')
