"""Sign-in back-off per e-mail and address; form nonces unique per scope

- login_throttle: failed sign-ins per (e-mail, client address) with an exponential back-off. It
  replaces user.failed_logins / user.locked_until, the 15-minute account lock that one address could
  renew forever (locking the real person out).
- idempotency_key: the primary key becomes (key, scope). A /join nonce replayed on /pledges/new was
  looked up with its scope (not found) and then inserted under the same key alone (a 500).

Revision ID: 0006_sec_login_throttle
Revises: 0006_prod_worker
Create Date: 2026-11-30 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_sec_login_throttle'
down_revision = '0006_prod_worker'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(), nullable=False),
    sa.Column('blocked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('email', 'address', name='uq_login_throttle_email_address')
    )
    with op.batch_alter_table('login_throttle') as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'), ['last_failure_at'], unique=False)
    with op.batch_alter_table('user') as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')
    with op.batch_alter_table('idempotency_key') as batch_op:
        batch_op.drop_constraint('pk_idempotency_key', type_='primary')
        batch_op.create_primary_key('pk_idempotency_key', ['key', 'scope'])


def downgrade():
    # Keys that differ only by scope cannot share the old single-column key: keep the first of each.
    op.execute("DELETE FROM idempotency_key WHERE EXISTS (SELECT 1 FROM idempotency_key AS other "
               "WHERE other.key = idempotency_key.key AND other.scope < idempotency_key.scope)")
    with op.batch_alter_table('idempotency_key') as batch_op:
        batch_op.drop_constraint('pk_idempotency_key', type_='primary')
        batch_op.create_primary_key('pk_idempotency_key', ['key'])
    with op.batch_alter_table('user') as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
    with op.batch_alter_table('login_throttle') as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))
    op.drop_table('login_throttle')
