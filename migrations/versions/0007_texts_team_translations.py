"""call_for_interest.title_translations, goal.title_translations: the team's translations of its titles

Revision ID: 0007_texts_team_translations
Revises: 0006_orgs_identity_and_proposals
Create Date: 2026-11-30 11:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_texts_team_translations'
down_revision = '0006_orgs_identity_and_proposals'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('call_for_interest', 'goal'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('title_translations', sa.JSON(), nullable=False, server_default='{}'))


def downgrade():
    for table in ('call_for_interest', 'goal'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('title_translations')
