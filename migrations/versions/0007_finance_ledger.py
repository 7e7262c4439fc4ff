"""disbursement_entry: the financial commitments ledger (entries of a progress report)

- disbursement_entry: amount and ISO 4217 currency, year, recipient (ISO3 country, ITU region code,
  "global", or empty when not stated), instrument, co-financing flag, USD value at the rate of the
  entry's year (rate and rate year kept), and `migrated`.
- goal.counts: which pledges a goal counts, "active" (default, also for existing goals: pledges
  inactive for over 24 months are left out) or "all_time".
- Backfill: a report's "USD disbursed to date" was a running total. Each report that has one gets
  one entry of its period, marked migrated, in USD (rate 1), with no recipient and instrument
  "other": the increase over the pledge's previous approved report (by period, then approval), so
  the sum of a pledge's approved entries equals its latest approved running total as before. A
  report whose total did not increase gets no entry. `progress_report.usd_disbursed` is kept as the
  derived running total.

Revision ID: 0007_finance_ledger
Revises: 0008_revfix_whole_counts
Create Date: 2026-11-30 10:45:00
"""
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '0007_finance_ledger'
down_revision = '0008_revfix_whole_counts'
branch_labels = None
depends_on = None

REPORT = sa.table('progress_report', sa.column('id', sa.Integer), sa.column('pledge_id', sa.Integer),
                  sa.column('period', sa.Integer), sa.column('usd_disbursed', sa.Numeric(15, 2)),
                  sa.column('status', sa.String), sa.column('approved_at', sa.DateTime))


def upgrade():
    entry = op.create_table(
        'disbursement_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column('currency_code', sa.String(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=8), nullable=False),
        sa.Column('instrument', sa.String(length=20), nullable=False),
        sa.Column('cofinancing', sa.Boolean(), nullable=False),
        sa.Column('usd_rate', sa.Numeric(precision=20, scale=10), nullable=False),
        sa.Column('usd_rate_year', sa.Integer(), nullable=False),
        sa.Column('usd_value', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('migrated', sa.Boolean(), nullable=False),
        sa.CheckConstraint('amount > 0', name=op.f('ck_disbursement_entry_entry_amount_positive')),
        sa.ForeignKeyConstraint(['currency_code'], ['currency.code'],
                                name=op.f('fk_disbursement_entry_currency_code_currency')),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], ondelete='CASCADE',
                                name=op.f('fk_disbursement_entry_pledge_id_pledge')),
        sa.ForeignKeyConstraint(['report_id'], ['progress_report.id'], ondelete='CASCADE',
                                name=op.f('fk_disbursement_entry_report_id_progress_report')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursement_entry')),
    )
    op.create_index('ix_disbursement_entry_pledge_year', 'disbursement_entry', ['pledge_id', 'year'])
    op.create_index(op.f('ix_disbursement_entry_report_id'), 'disbursement_entry', ['report_id'])
    _backfill(entry)
    with op.batch_alter_table('goal') as batch_op:
        batch_op.add_column(sa.Column('counts', sa.String(length=10), server_default='active', nullable=False))


def _backfill(entry) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(REPORT.c.id, REPORT.c.pledge_id, REPORT.c.period, REPORT.c.usd_disbursed, REPORT.c.status)
        .where(REPORT.c.usd_disbursed.is_not(None))
        .order_by(REPORT.c.pledge_id, REPORT.c.period, REPORT.c.approved_at, REPORT.c.id)
    ).all()
    batch, pledge, previous = [], None, Decimal(0)
    for row in rows:
        if row.pledge_id != pledge:
            pledge, previous = row.pledge_id, Decimal(0)
        total = Decimal(row.usd_disbursed)
        increase = total - previous
        if increase > 0:
            batch.append({'report_id': row.id, 'pledge_id': row.pledge_id, 'amount': increase,
                          'currency_code': 'USD', 'year': row.period, 'recipient': '', 'instrument': 'other',
                          'cofinancing': False, 'usd_rate': Decimal(1), 'usd_rate_year': row.period,
                          'usd_value': increase, 'migrated': True})
        if str(row.status) == 'approved':
            previous = max(previous, total)
        if len(batch) >= 1000:
            op.bulk_insert(entry, batch)
            batch = []
    if batch:
        op.bulk_insert(entry, batch)


def downgrade():
    with op.batch_alter_table('goal') as batch_op:
        batch_op.drop_column('counts')
    op.drop_index(op.f('ix_disbursement_entry_report_id'), table_name='disbursement_entry')
    op.drop_index('ix_disbursement_entry_pledge_year', table_name='disbursement_entry')
    op.drop_table('disbursement_entry')
