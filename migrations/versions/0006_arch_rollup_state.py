"""rollup_state: the rollup projection's version, epoch and organization count in named columns

They were kept in two "meta" rows of `rollup`: ("meta", "version") with the epoch in `usd_cents`
and the version in `pledges`, and ("meta", "organizations") with the count in `pledges`. The upgrade
copies them into the one row of `rollup_state` and deletes the meta rows; the downgrade puts them back.

Revision ID: 0006_arch_rollup_state
Revises: 0005_usd_value_precision
Create Date: 2026-11-30 08:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_arch_rollup_state'
down_revision = '0005_usd_value_precision'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rollup_state',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('epoch', sa.BigInteger(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('organizations', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rollup_state')),
    )
    op.execute(
        "INSERT INTO rollup_state (id, epoch, version, organizations) SELECT 1, "
        "COALESCE((SELECT usd_cents FROM rollup WHERE dimension = 'meta' AND key = 'version'), 0), "
        "COALESCE((SELECT pledges FROM rollup WHERE dimension = 'meta' AND key = 'version'), 0), "
        "COALESCE((SELECT pledges FROM rollup WHERE dimension = 'meta' AND key = 'organizations'), 0)")
    op.execute("DELETE FROM rollup WHERE dimension = 'meta'")


def downgrade():
    op.execute(
        "INSERT INTO rollup (dimension, key, pledges, usd_cents, amount_cents) "
        "SELECT 'meta', 'version', version, epoch, 0 FROM rollup_state WHERE id = 1")
    op.execute(
        "INSERT INTO rollup (dimension, key, pledges, usd_cents, amount_cents) "
        "SELECT 'meta', 'organizations', organizations, 0, 0 FROM rollup_state WHERE id = 1")
    op.drop_table('rollup_state')
