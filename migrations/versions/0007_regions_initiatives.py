"""WTDC-25 regional initiatives (reference table) and the pledges aligned with them

- regional_initiative: code (AFR1 ... EUR5), ITU region, number, title in the six languages (English
  required, the others empty until official translations are added), period 2026-2029, active.
  Rows are loaded by `flask p2c reference load` (idempotent), not by this migration.
- pledge_initiative: pledge <-> initiative, indexed both ways for the directory filter.

Revision ID: 0007_regions_initiatives
Revises: 0007_drafts_evidence_follow
Create Date: 2026-11-30 10:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_regions_initiatives'
down_revision = '0007_drafts_evidence_follow'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'regional_initiative',
        sa.Column('code', sa.String(length=10), nullable=False),
        sa.Column('region', sa.String(length=3), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('title_en', sa.String(length=300), nullable=False),
        sa.Column('title_ar', sa.String(length=300), nullable=False),
        sa.Column('title_es', sa.String(length=300), nullable=False),
        sa.Column('title_fr', sa.String(length=300), nullable=False),
        sa.Column('title_ru', sa.String(length=300), nullable=False),
        sa.Column('title_zh', sa.String(length=300), nullable=False),
        sa.Column('period_start', sa.Integer(), nullable=False),
        sa.Column('period_end', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_regional_initiative')),
    )
    with op.batch_alter_table('regional_initiative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regional_initiative_region'), ['region'], unique=False)
    op.create_table(
        'pledge_initiative',
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('initiative_code', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['initiative_code'], ['regional_initiative.code'],
                                name=op.f('fk_pledge_initiative_initiative_code_regional_initiative')),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_pledge_initiative_pledge_id_pledge'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('pledge_id', 'initiative_code', name=op.f('pk_pledge_initiative')),
    )
    with op.batch_alter_table('pledge_initiative', schema=None) as batch_op:
        batch_op.create_index('ix_pledge_initiative_initiative_code_pledge', ['initiative_code', 'pledge_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('pledge_initiative', schema=None) as batch_op:
        batch_op.drop_index('ix_pledge_initiative_initiative_code_pledge')
    op.drop_table('pledge_initiative')
    with op.batch_alter_table('regional_initiative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regional_initiative_region'))
    op.drop_table('regional_initiative')
