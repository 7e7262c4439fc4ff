"""Independent verification: the verifier role, verifications, and each report's figure level

- user.role accepts 'verifier' (a non-native enum of length 20: no schema change needed).
- progress_report.figure_level (self_reported | reviewed | verified) and verified_at. Backfill:
  approved reports are 'reviewed' (the team approved them through the queue), except those the
  open-data import created ('<pledge>-R<year>-IMP'), which nobody reviewed: 'self_reported'.
- verification: one per progress report (assigned verifier, outcome, checklist answers, notes).

After upgrading, rebuild the rollups once (`flask --app wsgi p2c rollups rebuild`) so that the
progress page's split by level counts the reports approved before this revision.

Revision ID: 0007_verify_verification
Revises: 0007_texts_team_translations
Create Date: 2026-11-30 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_verify_verification'
down_revision = '0007_texts_team_translations'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_report') as batch_op:
        batch_op.add_column(sa.Column(
            'figure_level', sa.Enum('self_reported', 'reviewed', 'verified', name='figure_level', native_enum=False,
                                    length=20), server_default='self_reported', nullable=False))
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE progress_report SET figure_level = 'reviewed' "
               "WHERE status = 'approved' AND reference NOT LIKE '%-IMP'")
    op.create_table(
        'verification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('verifier_id', sa.Integer(), nullable=False),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.Column('outcome', sa.Enum('verified', 'partly_verified', 'not_verified', name='verification_outcome',
                                     native_enum=False, length=20), nullable=True),
        sa.Column('checklist', sa.JSON(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assigned_by_id'], ['user.id'], name=op.f('fk_verification_assigned_by_id_user')),
        sa.ForeignKeyConstraint(['report_id'], ['progress_report.id'], ondelete='CASCADE',
                                name=op.f('fk_verification_report_id_progress_report')),
        sa.ForeignKeyConstraint(['verifier_id'], ['user.id'], name=op.f('fk_verification_verifier_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_verification')),
        sa.UniqueConstraint('report_id', name=op.f('uq_verification_report_id')),
    )
    op.create_index(op.f('ix_verification_verifier_id'), 'verification', ['verifier_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_verification_verifier_id'), table_name='verification')
    op.drop_table('verification')
    with op.batch_alter_table('progress_report') as batch_op:
        batch_op.drop_column('verified_at')
        batch_op.drop_column('figure_level')
    # Verifier accounts cannot sign in as anything else: they are deactivated reviewers-to-be.
    op.execute("UPDATE \"user\" SET role = 'reviewer', active = false WHERE role = 'verifier'")
