"""worker: job_status (last run of each scheduled job) and job_period (once-per-period jobs done)

Revision ID: 0006_prod_worker
Revises: 0006_inputs_call_deadline_zone
Create Date: 2026-11-30 07:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_prod_worker'
down_revision = '0006_inputs_call_deadline_zone'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_status',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('last_started_at', sa.DateTime(), nullable=True),
        sa.Column('last_finished_at', sa.DateTime(), nullable=True),
        sa.Column('last_succeeded_at', sa.DateTime(), nullable=True),
        sa.Column('last_duration_ms', sa.Integer(), nullable=False),
        sa.Column('last_result', sa.String(length=200), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('last_worker', sa.String(length=100), nullable=False),
        sa.Column('runs', sa.Integer(), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_job_status')),
    )
    op.create_table(
        'job_period',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=40), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=False),
        sa.Column('result', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('name', 'period', name=op.f('pk_job_period')),
    )


def downgrade():
    op.drop_table('job_period')
    op.drop_table('job_status')
