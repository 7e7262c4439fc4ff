"""Team translations of reference names; retiring SDG targets and GDC objectives

- event.name_translations, sdg_target.name_translations, gdc_objective.name_translations: the
  team's translations of a name admins added or edited, {"fr": "...", ...} (shipped names keep their
  catalog translations; p2c.core.i18n.reference_translation).
- sdg_target.active, gdc_objective.active: a retired one is no longer offered on the pledge form
  and stays on the pledges that name it (true for every existing row).

Revision ID: 0008_refdata_translations
Revises: 0007_finance_ledger
Create Date: 2026-11-30 14:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_refdata_translations'
down_revision = '0007_finance_ledger'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('event', 'sdg_target', 'gdc_objective'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('name_translations', sa.JSON(), nullable=False, server_default='{}'))
    for table in ('sdg_target', 'gdc_objective'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    for table in ('sdg_target', 'gdc_objective'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('active')
    for table in ('event', 'sdg_target', 'gdc_objective'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('name_translations')
