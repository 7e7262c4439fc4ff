"""Review queue on PostgreSQL at 1M: indexes for the filtered counts' merge joins, and a trigram
index on the reference of expressions of interest.

- pledge_region (itu_region, pledge_id), pledge (focus_area_code, id), eoi_focus_area
  (focus_area_code, eoi_id), expression_of_interest (status, id): a region or focus-area count of
  the kinds that reach it through a pledge (reports, amendments) or their own link table (EOIs)
  is a semi-join; with both sides read in pledge (or EOI) order from an index alone, PostgreSQL
  merges them and stops at the cap, where it hashed the region's or focus area's whole set or
  looked each record up (focus area at 200,000 pledges: the counts' statement 155 -> 56 ms).
- organization (id, country_iso3): likewise an EOI's region (its organization's country), merged
  with (status, organization_id) from two indexes alone, where each EOI's organization row was read
  (1M pledges, 155,000 approved EOIs: the region counts' statement 279 -> 113 ms).
- PostgreSQL only, `lower(reference)` of expression_of_interest with gin_trgm_ops: the queue's
  search tests an EOI's reference or its organization among the matching ones; without it an EOI
  part with no match read every EOI of the status (31,000 approved at 200,000 pledges: 100 ms a
  page). With it and the organization arm as `organization_id = ANY(ARRAY(...))`
  (p2c.core.search.in_set), a rare word is a BitmapOr of two indexes. SQLite keeps its LIKE.

Revision ID: 0010_pgqueue_queue_indexes
Revises: 0010_odrows_opendata_rows
Create Date: 2026-11-30 20:10:00
"""
from alembic import op

revision = '0010_pgqueue_queue_indexes'
down_revision = '0010_odrows_opendata_rows'
branch_labels = None
depends_on = None

TRIGRAM = "ix_expression_of_interest_reference_trgm"
INDEXES = [
    ("ix_pledge_region_pledges", "pledge_region", ["itu_region", "pledge_id"]),
    ("ix_pledge_focus_id", "pledge", ["focus_area_code", "id"]),
    ("ix_eoi_focus_area_eois", "eoi_focus_area", ["focus_area_code", "eoi_id"]),
    ("ix_eoi_status_id", "expression_of_interest", ["status", "id"]),
    ("ix_organization_id_country", "organization", ["id", "country_iso3"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX {TRIGRAM} ON expression_of_interest USING gin (lower(reference) gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM}")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
