"""call_for_interest: the deadline's time of day and IANA time zone; event: an access code for its venue

A call "open until 29 November" meant midnight UTC, so a submission at 23:18 in Bogotá (04:18 UTC on
30 November) was refused. The deadline is now the closing date at `closes_time` in `time_zone`.
Existing calls keep their dates and close at the end of the day, UTC (what the pages said before).
An event's access code, issued by admins for a pledging event, lets the delegates behind one venue address
submit under a per-person limit instead of the per-address one (README "Rate limits at a pledging event").

Revision ID: 0006_inputs_call_deadline_zone
Revises: 0006_arch_rollup_state
Create Date: 2026-11-30 08:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_inputs_call_deadline_zone'
down_revision = '0006_arch_rollup_state'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('call_for_interest') as batch_op:
        batch_op.add_column(sa.Column('closes_time', sa.Time(), nullable=False, server_default='23:59:59'))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False, server_default='UTC'))
    with op.batch_alter_table('event') as batch_op:
        batch_op.add_column(sa.Column('access_code', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('event') as batch_op:
        batch_op.drop_column('access_code')
    with op.batch_alter_table('call_for_interest') as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('closes_time')
