"""Events as pledging moments, the embargo, qualitative milestones, SDG targets and GDC objectives

- event: slug (its page /events/<slug>), kind, ends_on (checked: ends_on >= starts_on); existing
  events get a slug from their code.
- pledge.public_from: an approved pledge "to be announced" is public only from this time.
- pledge_milestone (qualitative targets with a date) and progress_milestone (done / not done per report).
- sdg_target, gdc_objective (reference data, loaded by `flask p2c reference load`) and the pledge links
  pledge_sdg_target, pledge_gdc.

Revision ID: 0007_events_targets
Revises: 0007_needs_matchmaking
Create Date: 2026-11-30 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_events_targets'
down_revision = '0007_needs_matchmaking'
branch_labels = None
depends_on = None

EVENT = sa.table('event', sa.column('code', sa.String), sa.column('slug', sa.String))


def _link(name: str, column: str, target: str, type_) -> None:
    op.create_table(
        name,
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column(column, type_, nullable=False),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f(f'fk_{name}_pledge_id_pledge'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint([column], [target], name=op.f(f'fk_{name}_{column}_{target.split(".")[0]}')),
        sa.PrimaryKeyConstraint('pledge_id', column, name=op.f(f'pk_{name}')),
    )
    op.create_index(f'ix_{name}_{column}_pledge', name, [column, 'pledge_id'], unique=False)


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slug', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='other'))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_event_slug'), ['slug'])
        batch_op.create_check_constraint(
            op.f('ck_event_dates_in_order'), 'ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on')
    conn = op.get_bind()
    for (code,) in conn.execute(sa.select(EVENT.c.code)).all():
        conn.execute(EVENT.update().where(EVENT.c.code == code).values(slug=code.replace('_', '-')[:80]))

    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_from', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pledge_public_from'), ['public_from'], unique=False)

    op.create_table(
        'sdg_target',
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('sdg_number', sa.Integer(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['sdg_number'], ['sdg.number'], name=op.f('fk_sdg_target_sdg_number_sdg')),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_sdg_target')),
    )
    op.create_index(op.f('ix_sdg_target_sdg_number'), 'sdg_target', ['sdg_number'], unique=False)
    op.create_table(
        'gdc_objective',
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_gdc_objective')),
    )
    _link('pledge_sdg_target', 'sdg_target_code', 'sdg_target.code', sa.String(length=8))
    _link('pledge_gdc', 'gdc_code', 'gdc_objective.code', sa.String(length=40))

    op.create_table(
        'pledge_milestone',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('description', sa.String(length=300), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], name=op.f('fk_pledge_milestone_pledge_id_pledge'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pledge_milestone')),
    )
    op.create_index(op.f('ix_pledge_milestone_pledge_id'), 'pledge_milestone', ['pledge_id'], unique=False)
    op.create_table(
        'progress_milestone',
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('milestone_id', sa.Integer(), nullable=False),
        sa.Column('done', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['milestone_id'], ['pledge_milestone.id'],
                                name=op.f('fk_progress_milestone_milestone_id_pledge_milestone'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['report_id'], ['progress_report.id'],
                                name=op.f('fk_progress_milestone_report_id_progress_report'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('report_id', 'milestone_id', name=op.f('pk_progress_milestone')),
    )


def downgrade():
    op.drop_table('progress_milestone')
    op.drop_index(op.f('ix_pledge_milestone_pledge_id'), table_name='pledge_milestone')
    op.drop_table('pledge_milestone')
    for name, column in (('pledge_gdc', 'gdc_code'), ('pledge_sdg_target', 'sdg_target_code')):
        op.drop_index(f'ix_{name}_{column}_pledge', table_name=name)
        op.drop_table(name)
    op.drop_table('gdc_objective')
    op.drop_index(op.f('ix_sdg_target_sdg_number'), table_name='sdg_target')
    op.drop_table('sdg_target')
    with op.batch_alter_table('pledge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pledge_public_from'))
        batch_op.drop_column('public_from')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_event_dates_in_order'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_event_slug'), type_='unique')
        batch_op.drop_column('ends_on')
        batch_op.drop_column('kind')
        batch_op.drop_column('slug')
