"""pledger: amendments of approved pledges, partner contacts, focal-point hand-overs

Revision ID: 0007_pledger_amendments
Revises: 0007_verify_verification
Create Date: 2026-11-30 10:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_pledger_amendments'
down_revision = '0007_verify_verification'
branch_labels = None
depends_on = None

REVIEW_STATUS = sa.Enum('submitted', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn',
                        name='review_status', native_enum=False, length=20)


def upgrade():
    op.create_table(
        'pledge_amendment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=32), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('before', sa.JSON(), nullable=False),
        sa.Column('after', sa.JSON(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('status', REVIEW_STATUS, nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('assignee_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_pledge_amendment_assignee_id_user')),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_pledge_amendment_pledge_id_pledge'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_amendment')),
        sa.UniqueConstraint('reference', name=op.f('uq_pledge_amendment_reference')),
    )
    op.create_index('ix_pledge_amendment_status', 'pledge_amendment', ['status', 'submitted_at'])
    op.create_index(op.f('ix_pledge_amendment_pledge_id'), 'pledge_amendment', ['pledge_id'])
    op.create_index(op.f('ix_pledge_amendment_assignee_id'), 'pledge_amendment', ['assignee_id'])
    op.create_table(
        'partner_contact',
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_partner_contact_contact_id_contact')),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_partner_contact_organization_id_organization')),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_partner_contact_pledge_id_pledge'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('pledge_id', 'organization_id', name=op.f('pk_partner_contact')),
    )
    op.create_index(op.f('ix_partner_contact_contact_id'), 'partner_contact', ['contact_id'])
    op.create_table(
        'handover',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('from_contact_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['from_contact_id'], ['contact.id'], name=op.f('fk_handover_from_contact_id_contact')),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_handover_pledge_id_pledge'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handover')),
    )
    op.create_index(op.f('ix_handover_pledge_id'), 'handover', ['pledge_id'])


def downgrade():
    op.drop_index(op.f('ix_handover_pledge_id'), table_name='handover')
    op.drop_table('handover')
    op.drop_index(op.f('ix_partner_contact_contact_id'), table_name='partner_contact')
    op.drop_table('partner_contact')
    op.drop_index(op.f('ix_pledge_amendment_assignee_id'), table_name='pledge_amendment')
    op.drop_index(op.f('ix_pledge_amendment_pledge_id'), table_name='pledge_amendment')
    op.drop_index('ix_pledge_amendment_status', table_name='pledge_amendment')
    op.drop_table('pledge_amendment')
