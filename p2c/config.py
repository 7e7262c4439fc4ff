"""Settings for the P2C platform, all read from environment variables.

`Config` is development (the default), `TestingConfig` is used by the test suite and
`ProductionConfig` refuses to start without a real secret key.
"""

from __future__ import annotations

import os

from p2c.core.resources import instance_path, resource_path

INSTANCE_DIR = instance_path()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs say postgres://; SQLAlchemy wants an explicit driver (psycopg 3).
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    """Development defaults; every value can be overridden from the environment."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-secret-change-me")
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'p2c.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Links in e-mails point at the running server: `make run PORT=8000` exports PORT (and HOST).
    BASE_URL = os.environ.get("P2C_BASE_URL") or (
        f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}")

    # Mail: plain SMTP. Messages wait in the outbox table until the server accepts them.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _env_int("MAIL_PORT", 8025)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Partner2Connect <p2c@localhost>")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)  # seconds, for each step of the SMTP exchange
    # A message claimed by a sender that then died is sent by another after this many seconds.
    MAIL_CLAIM_LEASE_SECONDS = _env_int("MAIL_CLAIM_LEASE_SECONDS", 300)
    # Send right after the commit; when False, only `flask p2c mail flush` sends.
    MAIL_SEND_AFTER_COMMIT = _env_bool("MAIL_SEND_AFTER_COMMIT", True)
    # Send after the commit in a background thread, so no reply waits for the SMTP server.
    MAIL_SEND_IN_BACKGROUND = _env_bool("MAIL_SEND_IN_BACKGROUND", True)

    # The worker (`flask p2c worker`): how often each job runs, in seconds, and when the daily ones start.
    WORKER_MAIL_SECONDS = _env_int("P2C_WORKER_MAIL_SECONDS", 5)
    WORKER_MAIL_BATCH = _env_int("P2C_WORKER_MAIL_BATCH", 200)
    WORKER_REMINDERS_SECONDS = _env_int("P2C_WORKER_REMINDERS_SECONDS", 3600)
    WORKER_DIGESTS_SECONDS = _env_int("P2C_WORKER_DIGESTS_SECONDS", 600)
    WORKER_CHECKS_SECONDS = _env_int("P2C_WORKER_CHECKS_SECONDS", 3600)
    # How often the worker, and each web process at most, counts pledges whose embargo has ended.
    WORKER_EMBARGO_SECONDS = _env_int("P2C_WORKER_EMBARGO_SECONDS", 30)
    EMBARGO_RELEASE_SECONDS = _env_int("P2C_EMBARGO_RELEASE_SECONDS", 5)
    # How often an event page's live counter asks for the figures (static/js/event-counter.js).
    EVENT_COUNTER_SECONDS = _env_int("P2C_EVENT_COUNTER_SECONDS", 15)
    DIGEST_HOUR = _env_int("P2C_DIGEST_HOUR", 7)  # UTC; one digest per reviewer per day from this hour
    # The full open-data downloads, written by the worker when the data changed (p2c.opendata.snapshots);
    # empty turns them off (every download streamed live).
    OPENDATA_SNAPSHOT_DIR = os.environ.get("P2C_EXPORT_DIR", str(INSTANCE_DIR / "exports"))
    WORKER_SNAPSHOT_SECONDS = _env_int("P2C_WORKER_SNAPSHOT_SECONDS", 60)

    # i18n
    LANGUAGES = ("en", "ar", "es", "fr", "ru", "zh")
    RTL_LANGUAGES = ("ar",)
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(resource_path("translations"))

    # Focal-point private links
    ACCESS_LINK_MAX_AGE_DAYS = _env_int("P2C_ACCESS_LINK_DAYS", 30)
    REMINDER_INTERVAL_DAYS = _env_int("P2C_REMINDER_INTERVAL_DAYS", 30)
    # Drafts of the pledge and progress-report forms are deleted this many days after the first save.
    DRAFT_DAYS = _env_int("P2C_DRAFT_DAYS", 60)
    WORKER_DRAFTS_SECONDS = _env_int("P2C_WORKER_DRAFTS_SECONDS", 3600)
    # Evidence files on progress reports (bytes): each file, and all files of one report together.
    EVIDENCE_MAX_FILE_BYTES = _env_int("P2C_EVIDENCE_MAX_FILE_BYTES", 10 * 1024 * 1024)
    EVIDENCE_MAX_REPORT_BYTES = _env_int("P2C_EVIDENCE_MAX_REPORT_BYTES", 25 * 1024 * 1024)
    EVIDENCE_MAX_FILES = _env_int("P2C_EVIDENCE_MAX_FILES", 10)
    # Followers' digests of what was approved: how often the job looks, and the period of one digest.
    WORKER_FOLLOWS_SECONDS = _env_int("P2C_WORKER_FOLLOWS_SECONDS", 600)
    FOLLOW_DIGEST = os.environ.get("P2C_FOLLOW_DIGEST", "daily")  # "daily" or "weekly"

    # Abuse protection
    MAX_CONTENT_LENGTH = _env_int("P2C_MAX_CONTENT_LENGTH", 1024 * 1024)
    # Longer URLs (path and query) get a 414 in the app's own format (gunicorn.conf.py lifts gunicorn's limit).
    MAX_URL_LENGTH = _env_int("P2C_MAX_URL_LENGTH", 4096)
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    SUBMISSION_RATE_LIMIT = os.environ.get("P2C_SUBMISSION_RATE_LIMIT", "10 per hour")
    # Saved submissions per event access code (a pledging event's shared venue address; p2c/core/limits.py).
    EVENT_SUBMISSION_LIMIT = os.environ.get("P2C_EVENT_SUBMISSION_LIMIT", "1000 per day")
    LOGIN_RATE_LIMIT = os.environ.get("P2C_LOGIN_RATE_LIMIT", "20 per hour")
    WTF_CSRF_TIME_LIMIT = None  # a long form on a slow line must not expire mid-way

    # Sessions
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = _env_int("P2C_IDLE_TIMEOUT_MINUTES", 60) * 60
    HSTS = False
    # Number of reverse proxies in front of the app (load balancer, nginx). When > 0, the client address,
    # scheme and host come from their X-Forwarded-* headers, so the audit trail and the rate limits see
    # the real client, not the proxy. Leave 0 when clients reach the app directly: the headers could be forged.
    PROXY_COUNT = int(os.environ.get("P2C_PROXY_COUNT", "0"))

    # Operations: log lines as "text" or "json"; /metrics answers loopback clients, or others sending
    # "Authorization: Bearer <P2C_METRICS_TOKEN>" when that is set.
    LOG_FORMAT = os.environ.get("P2C_LOG_FORMAT", "text")
    METRICS_TOKEN = os.environ.get("P2C_METRICS_TOKEN", "")

    # Cache: in-process by default, Redis when REDIS_URL is set.
    CACHE_TTL_SECONDS = _env_int("P2C_CACHE_TTL", 300)
    # Rendered directory pages for anonymous readers, per worker process (p2c.pledges.directory_cache):
    # megabytes of gzip-compressed pages (about 8 KB each); 0 renders every request.
    DIRECTORY_PAGE_CACHE_MB = _env_int("P2C_DIRECTORY_PAGE_CACHE_MB", 16)
    # The review queue's counts per status may take this many milliseconds of a page; past it the page
    # shows its rows without counts and a link to count them (p2c.review.queries.status_counts). 0: no
    # limit. A review page's goal is 250 ms (DESIGN.md, issue 19).
    QUEUE_COUNT_BUDGET_MS = _env_int("P2C_QUEUE_COUNT_BUDGET_MS", 150)

    # Development only: `make run` creates this reviewer when it does not exist.
    DEMO_REVIEWER_EMAIL = "reviewer@example.org"
    # The coalition team's public address (contact and privacy pages).
    CONTACT_EMAIL = os.environ.get("P2C_CONTACT_EMAIL", "p2c@itu.int")


class TestingConfig(Config):
    """Used by the test suite: a throw-away database, no real mail unless a test starts a server."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SEND_AFTER_COMMIT = True
    MAIL_SEND_IN_BACKGROUND = False  # deterministic tests; tests/core/test_mail_background.py turns it on
    MAIL_PORT = 1  # nothing listens here: mail stays in the outbox unless a test starts SMTP
    MAIL_TIMEOUT = 2
    REDIS_URL = ""
    OPENDATA_SNAPSHOT_DIR = ""  # tests that use written downloads give their own directory
    QUEUE_COUNT_BUDGET_MS = 0  # counts always shown (a loaded CI machine must not hide them); tests set one
    EMBARGO_RELEASE_SECONDS = 0  # every request looks: an announcement shows at once in tests


class ProductionConfig(Config):
    """Production: secure cookies, HSTS, and a secret key that must be set."""

    ENV_NAME = "production"
    # Only a test serving production over plain loopback HTTP (tests/cluster.py) turns these off.
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    HSTS = True
    # Requests only write outbox rows; the worker (`flask p2c worker`) sends them.
    MAIL_SEND_AFTER_COMMIT = _env_bool("MAIL_SEND_AFTER_COMMIT", False)

    def __init__(self) -> None:
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL must be set in production")


CONFIGS = {
    "development": Config,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
