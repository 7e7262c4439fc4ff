"""organization.name_key (unique with the country); proposed organization details on expressions of interest

- organization.name_key: the identity key of `p2c.members.identity.name_key`, UNIQUE with
  country_iso3 (plus a unique partial index for organizations without a country).
- Backfill: every row gets its key. Rows that already share an identity are NOT merged here (a
  merge moves pledges, partners, tokens and re-counts the figures: a reviewer's decision). The
  record kept on the identity is the visible one, a member first, then the oldest; every other row
  of the group gets its key suffixed with '#<id>' so the constraint holds, and the migration prints
  the groups as a merge plan. The review page flags them as possible duplicates (same normalized
  name) until a reviewer merges them. Merged rows (already hidden) are suffixed the same way when
  they collide.
- Organization names and acronyms lose the characters the text rule never keeps (`p2c.core.text`:
  controls, bidi overrides): they are invisible and would otherwise stay in the public pages.
- expression_of_interest.proposed_*: the organization details the submitter gave, applied to the
  organization only through review. Backfilled from the organization as it is now;
  creates_organization is False for existing rows (nothing is applied automatically to them).

Revision ID: 0006_orgs_identity_and_proposals
Revises: 0006_sec_login_throttle
Create Date: 2026-11-30 08:00:00
"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = '0006_orgs_identity_and_proposals'
down_revision = '0006_sec_login_throttle'
branch_labels = None
depends_on = None

ORG = sa.table('organization', sa.column('id', sa.Integer), sa.column('name', sa.String),
               sa.column('acronym', sa.String), sa.column('name_key', sa.String),
               sa.column('country_iso3', sa.String), sa.column('is_member', sa.Boolean),
               sa.column('merged_into_id', sa.Integer), sa.column('stakeholder_group_code', sa.String),
               sa.column('website', sa.String))
EOI = sa.table('expression_of_interest', sa.column('id', sa.Integer), sa.column('organization_id', sa.Integer),
               sa.column('proposed_name', sa.String), sa.column('proposed_acronym', sa.String),
               sa.column('proposed_stakeholder_group_code', sa.String),
               sa.column('proposed_country_iso3', sa.String), sa.column('proposed_website', sa.String),
               sa.column('creates_organization', sa.Boolean))


def _backfill_keys(conn) -> None:
    from p2c.core.text import clean_text
    from p2c.members.identity import name_key

    rows = conn.execute(sa.select(ORG.c.id, ORG.c.name, ORG.c.acronym, ORG.c.country_iso3, ORG.c.is_member,
                                  ORG.c.merged_into_id)).all()
    groups = defaultdict(list)
    updates = []
    for row in rows:
        name, acronym = clean_text(row.name, multiline=False), clean_text(row.acronym or "", multiline=False)
        groups[(name_key(name), row.country_iso3)].append(row)
        updates.append({"oid": row.id, "name": name or row.name, "acronym": acronym})
    keys = {}
    plan = []
    for (key, country), members in groups.items():
        members.sort(key=lambda r: (r.merged_into_id is not None, not r.is_member, r.id))
        keys[members[0].id] = key
        for other in members[1:]:
            keys[other.id] = f"{key}#{other.id}"[:250]
        visible = [r for r in members if r.merged_into_id is None]
        if len(visible) > 1:
            plan.append((visible[0], visible[1:]))
    for values in updates:
        values["key"] = keys[values["oid"]]
    if updates:
        conn.execute(ORG.update().where(ORG.c.id == sa.bindparam('oid'))
                     .values(name=sa.bindparam('name'), acronym=sa.bindparam('acronym'),
                             name_key=sa.bindparam('key')), updates)
    if plan:
        print(f"0006: {len(plan)} organization(s) already exist more than once under one identity. Merge them "
              "in the back office (Organizations > the record > Merge); until then new submissions link to "
              "the first record named:")
        for keep, others in plan:
            print(f"  keep {keep.id} {keep.name!r} ({keep.country_iso3 or 'no country'}); merge: "
                  + ", ".join(f"{o.id} {o.name!r}" for o in others))


def upgrade():
    with op.batch_alter_table('organization') as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=250), nullable=True))
    with op.batch_alter_table('expression_of_interest') as batch_op:
        batch_op.add_column(sa.Column('proposed_name', sa.String(length=250), nullable=True))
        batch_op.add_column(sa.Column('proposed_acronym', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('proposed_stakeholder_group_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('proposed_country_iso3', sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column('proposed_website', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('creates_organization', sa.Boolean(), nullable=True))

    conn = op.get_bind()
    _backfill_keys(conn)
    current = sa.select(ORG.c.name, ORG.c.acronym, ORG.c.stakeholder_group_code, ORG.c.country_iso3,
                        ORG.c.website).where(ORG.c.id == EOI.c.organization_id)
    conn.execute(EOI.update().values(
        proposed_name=current.with_only_columns(ORG.c.name).scalar_subquery(),
        proposed_acronym=current.with_only_columns(ORG.c.acronym).scalar_subquery(),
        proposed_stakeholder_group_code=current.with_only_columns(ORG.c.stakeholder_group_code).scalar_subquery(),
        proposed_country_iso3=current.with_only_columns(ORG.c.country_iso3).scalar_subquery(),
        proposed_website=current.with_only_columns(ORG.c.website).scalar_subquery(),
        creates_organization=sa.false()))

    with op.batch_alter_table('organization') as batch_op:
        batch_op.alter_column('name_key', existing_type=sa.String(length=250), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_organization_name_key'), ['name_key', 'country_iso3'])
        batch_op.create_index('uq_organization_name_key_no_country', ['name_key'], unique=True,
                              postgresql_where=sa.text('country_iso3 IS NULL'),
                              sqlite_where=sa.text('country_iso3 IS NULL'))
    with op.batch_alter_table('expression_of_interest') as batch_op:
        for name, kind in [('proposed_name', sa.String(length=250)), ('proposed_acronym', sa.String(length=40)),
                           ('proposed_website', sa.String(length=300)), ('creates_organization', sa.Boolean())]:
            batch_op.alter_column(name, existing_type=kind, nullable=False)


def downgrade():
    with op.batch_alter_table('expression_of_interest') as batch_op:
        for name in ['creates_organization', 'proposed_website', 'proposed_country_iso3',
                     'proposed_stakeholder_group_code', 'proposed_acronym', 'proposed_name']:
            batch_op.drop_column(name)
    with op.batch_alter_table('organization') as batch_op:
        batch_op.drop_index('uq_organization_name_key_no_country')
        batch_op.drop_constraint(batch_op.f('uq_organization_name_key'), type_='unique')
        batch_op.drop_column('name_key')
