"""Review queue at 1M pledges: the region table, the search index and the focus-area lookup.

- pledge_region (pledge_id, itu_region, status, submitted_at): one row per ITU region of a pledge's
  target countries, with the pledge's status and submission time, so that the queue's region page
  is read in order from (itu_region, status, submitted_at, pledge_id) and its count from that index
  alone. Kept in step by triggers on pledge_country (insert, delete), pledge (status, submitted_at)
  and country (itu_region): every writer (form, write API, import, amendments, the demo's bulk
  load, a hand-written INSERT) goes through them. Backfilled with one INSERT ... SELECT.
- The queue's search (case-insensitive substring of a pledge's reference and title, an
  organization's name and acronym): on SQLite FTS5 tables with the trigram tokenizer (SQLite 3.34+)
  on pledge and organization (external content, triggers); on PostgreSQL pg_trgm GIN indexes on
  lower(reference) and lower(title) of the pledge, lower(name) and lower(acronym) of the
  organization, and lower(reference) of amendments and progress reports, which answer
  `lower(x) LIKE '%word%'` (p2c.core.search).
- pledge (focus_area_code, status): the other kinds' focus-area filter (their pledge IN the focus
  area's pledges) read the whole pledge table without it (the status-first indexes do not serve
  it), and the focus area's counts by status read it alone; progress_report and pledge_amendment
  (pledge_id, status) likewise for their counts by status.
- progress_report and pledge_amendment (status, submitted_at, id, pledge_id, reference),
  expression_of_interest (status, submitted_at, id, organization_id, reference): a page filtered
  through the pledge or organization (focus area, region, search) is read in order testing each
  record on this index alone, not reading every record's row; (status, pledge_id, reference) and
  (status, organization_id, reference) for their counts, in pledge order (each record's
  pledge_region lookup lands next to the last one: twice as fast as in submission order).

Revision ID: 0009_queue1m_region_search
Revises: 0009_progress1m_rollup_layout
Create Date: 2026-11-30 17:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_queue1m_region_search'
down_revision = '0009_progress1m_rollup_layout'
branch_labels = None
depends_on = None

REVIEW_STATUS = sa.Enum('submitted', 'in_review', 'changes_requested', 'approved', 'rejected', 'withdrawn',
                        name='review_status', native_enum=False, length=20)

# The region rows of one pledge from its countries (":pid" is the pledge's id expression).
_REGIONS_OF = """
    SELECT DISTINCT pc.pledge_id, c.itu_region, p.status, p.submitted_at
    FROM pledge_country pc JOIN country c ON c.iso3 = pc.country_iso3 JOIN pledge p ON p.id = pc.pledge_id
    WHERE c.itu_region IS NOT NULL"""

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER pledge_region_country_insert AFTER INSERT ON pledge_country BEGIN
        INSERT OR IGNORE INTO pledge_region (pledge_id, itu_region, status, submitted_at)
        {_REGIONS_OF} AND pc.pledge_id = NEW.pledge_id AND pc.country_iso3 = NEW.country_iso3;
    END""",
    """CREATE TRIGGER pledge_region_country_delete AFTER DELETE ON pledge_country BEGIN
        DELETE FROM pledge_region WHERE pledge_id = OLD.pledge_id
          AND itu_region = (SELECT itu_region FROM country WHERE iso3 = OLD.country_iso3)
          AND NOT EXISTS (SELECT 1 FROM pledge_country pc JOIN country c ON c.iso3 = pc.country_iso3
                          WHERE pc.pledge_id = OLD.pledge_id AND c.itu_region = pledge_region.itu_region);
    END""",
    """CREATE TRIGGER pledge_region_pledge_update AFTER UPDATE OF status, submitted_at ON pledge BEGIN
        UPDATE pledge_region SET status = NEW.status, submitted_at = NEW.submitted_at WHERE pledge_id = NEW.id;
    END""",
    f"""CREATE TRIGGER pledge_region_country_region AFTER UPDATE OF itu_region ON country BEGIN
        DELETE FROM pledge_region
          WHERE pledge_id IN (SELECT pledge_id FROM pledge_country WHERE country_iso3 = NEW.iso3);
        INSERT OR IGNORE INTO pledge_region (pledge_id, itu_region, status, submitted_at)
        {_REGIONS_OF} AND pc.pledge_id IN (SELECT pledge_id FROM pledge_country WHERE country_iso3 = NEW.iso3);
    END""",
    # SQLite does not enforce the foreign key's ON DELETE CASCADE here (no PRAGMA foreign_keys): a deleted
    # pledge takes its region rows with it by trigger (a reviewer's finding).
    """CREATE TRIGGER pledge_region_pledge_delete AFTER DELETE ON pledge BEGIN
        DELETE FROM pledge_region WHERE pledge_id = OLD.id;
    END""",
    # The search index follows the pledge's reference and title (external content: the FTS table
    # stores only its index; 'delete' needs the old values).
    """CREATE TRIGGER pledge_search_insert AFTER INSERT ON pledge BEGIN
        INSERT INTO pledge_search (rowid, reference, title) VALUES (NEW.id, NEW.reference, NEW.title);
    END""",
    """CREATE TRIGGER pledge_search_delete AFTER DELETE ON pledge BEGIN
        INSERT INTO pledge_search (pledge_search, rowid, reference, title)
        VALUES ('delete', OLD.id, OLD.reference, OLD.title);
    END""",
    """CREATE TRIGGER pledge_search_update AFTER UPDATE OF reference, title ON pledge BEGIN
        INSERT INTO pledge_search (pledge_search, rowid, reference, title)
        VALUES ('delete', OLD.id, OLD.reference, OLD.title);
        INSERT INTO pledge_search (rowid, reference, title) VALUES (NEW.id, NEW.reference, NEW.title);
    END""",
    """CREATE TRIGGER organization_search_insert AFTER INSERT ON organization BEGIN
        INSERT INTO organization_search (rowid, name, acronym) VALUES (NEW.id, NEW.name, NEW.acronym);
    END""",
    """CREATE TRIGGER organization_search_delete AFTER DELETE ON organization BEGIN
        INSERT INTO organization_search (organization_search, rowid, name, acronym)
        VALUES ('delete', OLD.id, OLD.name, OLD.acronym);
    END""",
    """CREATE TRIGGER organization_search_update AFTER UPDATE OF name, acronym ON organization BEGIN
        INSERT INTO organization_search (organization_search, rowid, name, acronym)
        VALUES ('delete', OLD.id, OLD.name, OLD.acronym);
        INSERT INTO organization_search (rowid, name, acronym) VALUES (NEW.id, NEW.name, NEW.acronym);
    END""",
]

POSTGRES_FUNCTIONS = [
    # FOR SHARE first: a concurrent, uncommitted change of the pledge's status would otherwise be missed by
    # both sides (this insert reads the old status, that update's trigger cannot see this row); the lock
    # waits for it, and the next statement reads the committed status (READ COMMITTED: a new snapshot).
    f"""CREATE FUNCTION pledge_region_country_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM 1 FROM pledge WHERE id = NEW.pledge_id FOR SHARE;
        INSERT INTO pledge_region (pledge_id, itu_region, status, submitted_at)
        {_REGIONS_OF} AND pc.pledge_id = NEW.pledge_id AND pc.country_iso3 = NEW.country_iso3
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION pledge_region_country_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        DELETE FROM pledge_region WHERE pledge_id = OLD.pledge_id
          AND itu_region = (SELECT itu_region FROM country WHERE iso3 = OLD.country_iso3)
          AND NOT EXISTS (SELECT 1 FROM pledge_country pc JOIN country c ON c.iso3 = pc.country_iso3
                          WHERE pc.pledge_id = OLD.pledge_id AND c.itu_region = pledge_region.itu_region);
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION pledge_region_pledge_update() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        UPDATE pledge_region SET status = NEW.status, submitted_at = NEW.submitted_at WHERE pledge_id = NEW.id;
        RETURN NULL;
    END $$""",
    f"""CREATE FUNCTION pledge_region_country_region() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        PERFORM 1 FROM pledge WHERE id IN (SELECT pledge_id FROM pledge_country WHERE country_iso3 = NEW.iso3)
          FOR SHARE;
        DELETE FROM pledge_region
          WHERE pledge_id IN (SELECT pledge_id FROM pledge_country WHERE country_iso3 = NEW.iso3);
        INSERT INTO pledge_region (pledge_id, itu_region, status, submitted_at)
        {_REGIONS_OF} AND pc.pledge_id IN (SELECT pledge_id FROM pledge_country WHERE country_iso3 = NEW.iso3)
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
]
POSTGRES_TRIGGERS = [
    "CREATE TRIGGER pledge_region_country_insert AFTER INSERT ON pledge_country"
    " FOR EACH ROW EXECUTE FUNCTION pledge_region_country_insert()",
    "CREATE TRIGGER pledge_region_country_delete AFTER DELETE ON pledge_country"
    " FOR EACH ROW EXECUTE FUNCTION pledge_region_country_delete()",
    "CREATE TRIGGER pledge_region_pledge_update AFTER UPDATE OF status, submitted_at ON pledge"
    " FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at)"
    " EXECUTE FUNCTION pledge_region_pledge_update()",
    "CREATE TRIGGER pledge_region_country_region AFTER UPDATE OF itu_region ON country"
    " FOR EACH ROW WHEN (OLD.itu_region IS DISTINCT FROM NEW.itu_region)"
    " EXECUTE FUNCTION pledge_region_country_region()",
]
POSTGRES_TRIGRAM_INDEXES = [
    ("ix_pledge_reference_trgm", "pledge", "reference"),
    ("ix_pledge_title_trgm", "pledge", "title"),
    ("ix_pledge_amendment_reference_trgm", "pledge_amendment", "reference"),
    ("ix_progress_report_reference_trgm", "progress_report", "reference"),
    ("ix_organization_name_trgm", "organization", "name"),
    ("ix_organization_acronym_trgm", "organization", "acronym"),
]


def upgrade():
    # Checked before anything is created: SQLite's DDL is not transactional, so a refusal half-way would
    # leave tables behind and the upgrade could not be run again.
    if op.get_bind().dialect.name == "sqlite":
        version = op.get_bind().exec_driver_sql("SELECT sqlite_version()").scalar()
        if tuple(int(part) for part in version.split(".")[:2]) < (3, 34):
            raise RuntimeError("the review queue's search index needs SQLite 3.34 or later (FTS5 trigram)")
    op.create_table(
        'pledge_region',
        sa.Column('pledge_id', sa.Integer(), nullable=False),
        sa.Column('itu_region', sa.String(length=3), nullable=False),
        sa.Column('status', REVIEW_STATUS, nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['pledge_id'], ['pledge.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('pledge_id', 'itu_region'),
    )
    op.create_index('ix_pledge_region_queue', 'pledge_region', ['itu_region', 'status', 'submitted_at', 'pledge_id'])
    op.create_index('ix_pledge_focus', 'pledge', ['focus_area_code', 'status'])
    for table, column in (('progress_report', 'pledge_id'), ('pledge_amendment', 'pledge_id'),
                          ('expression_of_interest', 'organization_id')):
        name = 'ix_eoi_queue' if table == 'expression_of_interest' else f'ix_{table}_queue'
        op.create_index(name, table, ['status', 'submitted_at', 'id', column, 'reference'])
    op.create_index('ix_progress_report_status_pledge', 'progress_report', ['status', 'pledge_id', 'reference'])
    op.create_index('ix_pledge_amendment_status_pledge', 'pledge_amendment', ['status', 'pledge_id', 'reference'])
    op.create_index('ix_eoi_status_organization', 'expression_of_interest', ['status', 'organization_id', 'reference'])
    op.create_index('ix_progress_report_pledge_status', 'progress_report', ['pledge_id', 'status'])
    op.create_index('ix_pledge_amendment_pledge_status', 'pledge_amendment', ['pledge_id', 'status'])
    op.execute(f"INSERT INTO pledge_region (pledge_id, itu_region, status, submitted_at) {_REGIONS_OF}")
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in POSTGRES_TRIGRAM_INDEXES:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin (lower({column}) gin_trgm_ops)")
        for statement in POSTGRES_FUNCTIONS + POSTGRES_TRIGGERS:
            op.execute(statement)
        # Bulk loads (demo data) set session_replication_role = replica to skip the foreign-key
        # triggers, which skips ordinary triggers too: these must fire in every mode.
        for statement in POSTGRES_TRIGGERS:
            words = statement.split()
            name, table = words[2], words[words.index("ON") + 1]
            op.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}")
    else:
        op.execute("CREATE VIRTUAL TABLE pledge_search USING fts5(reference, title, content='pledge',"
                   " content_rowid='id', tokenize='trigram')")
        op.execute("INSERT INTO pledge_search (pledge_search) VALUES ('rebuild')")
        op.execute("CREATE VIRTUAL TABLE organization_search USING fts5(name, acronym, content='organization',"
                   " content_rowid='id', tokenize='trigram')")
        op.execute("INSERT INTO organization_search (organization_search) VALUES ('rebuild')")
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in (("pledge_region_country_insert", "pledge_country"),
                               ("pledge_region_country_delete", "pledge_country"),
                               ("pledge_region_pledge_update", "pledge"), ("pledge_region_country_region", "country")):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {trigger}()")
        for name, _table, _column in POSTGRES_TRIGRAM_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {statement.split()[2]}")
        op.execute("DROP TABLE IF EXISTS pledge_search")
        op.execute("DROP TABLE IF EXISTS organization_search")
    op.drop_index('ix_eoi_status_organization', table_name='expression_of_interest')
    op.drop_index('ix_pledge_amendment_status_pledge', table_name='pledge_amendment')
    op.drop_index('ix_progress_report_status_pledge', table_name='progress_report')
    op.drop_index('ix_eoi_queue', table_name='expression_of_interest')
    op.drop_index('ix_pledge_amendment_pledge_status', table_name='pledge_amendment')
    op.drop_index('ix_progress_report_pledge_status', table_name='progress_report')
    op.drop_index('ix_pledge_amendment_queue', table_name='pledge_amendment')
    op.drop_index('ix_progress_report_queue', table_name='progress_report')
    op.drop_index('ix_pledge_focus', table_name='pledge')
    op.drop_index('ix_pledge_region_queue', table_name='pledge_region')
    op.drop_table('pledge_region')
