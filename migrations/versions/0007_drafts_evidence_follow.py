"""Drafts of the pledge and progress-report forms; evidence files on progress reports; follows
(e-mail subscriptions with double opt-in) and the extra headers of outbox messages (List-Unsubscribe).

- draft: the typed form data (JSON), its owner's address (private), expiry (purged by the worker).
- evidence_file: the bytes of each file in the database (every app server sees them; backups carry them).
- follow: who follows which pledge / organization / country / focus area; confirmed_at after the opt-in.
- outbox_message.headers: extra mail headers (JSON), e.g. List-Unsubscribe on digests.

Revision ID: 0007_drafts_evidence_follow
Revises: 0007_pledger_amendments
Create Date: 2026-11-30 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_drafts_evidence_follow'
down_revision = '0007_pledger_amendments'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_draft_pledge_id_pledge'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_draft')),
        sa.UniqueConstraint('kind', 'pledge_id', name='uq_draft_kind_pledge'),
    )
    op.create_index('ix_draft_expires_at', 'draft', ['expires_at'], unique=False)
    op.create_table(
        'evidence_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['report_id'], ['progress_report.id'],
                                name=op.f('fk_evidence_file_report_id_progress_report'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    )
    op.create_index(op.f('ix_evidence_file_report_id'), 'evidence_file', ['report_id'], unique=False)
    op.create_table(
        'follow',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('target_kind', sa.String(length=20), nullable=False),
        sa.Column('target_key', sa.String(length=40), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('digest_from', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow')),
        sa.UniqueConstraint('email', 'target_kind', 'target_key', name='uq_follow_email_target'),
    )
    op.create_index('ix_follow_target', 'follow', ['target_kind', 'target_key'], unique=False)
    op.create_index('ix_follow_confirmed', 'follow', ['confirmed_at', 'id'], unique=False)
    with op.batch_alter_table('outbox_message') as batch:
        batch.add_column(sa.Column('headers', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message') as batch:
        batch.drop_column('headers')
    op.drop_index('ix_follow_confirmed', table_name='follow')
    op.drop_index('ix_follow_target', table_name='follow')
    op.drop_table('follow')
    op.drop_index(op.f('ix_evidence_file_report_id'), table_name='evidence_file')
    op.drop_table('evidence_file')
    op.drop_index('ix_draft_expires_at', table_name='draft')
    op.drop_table('draft')
