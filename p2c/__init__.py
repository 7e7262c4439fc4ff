"""Partner2Connect platform: application factory."""

from __future__ import annotations

import importlib
import logging
import os
from typing import Any

from flask import Flask

from p2c.config import CONFIGS
from p2c.core.resources import instance_path, resource_path


def _config_class(config: Any) -> Any:
    if config is None:
        config = os.environ.get("P2C_CONFIG", "development")
    if isinstance(config, str):
        cls = CONFIGS[config]
        return cls() if config == "production" else cls
    return config


def create_app(config: Any = None, **overrides: Any) -> Flask:
    """Create the Flask app.

    `config` is a config class or one of "development", "testing", "production" (default: the
    P2C_CONFIG environment variable, else development); `overrides` set single settings.
    """
    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        static_folder=str(resource_path("static")),
        template_folder="web/templates",
    )
    app.config.from_object(_config_class(config))
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    from p2c.core.logs import configure_logging

    configure_logging(app)
    # Alembic 1.16+ announces each of its plugins at INFO on every `flask db` command: noise for operators.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    from p2c.core.redaction import install_werkzeug_filter

    install_werkzeug_filter()  # private-link tokens never reach the development server's request log

    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    _init_extensions(app)
    _register_submission_kinds()
    _connect_receivers()
    _register_blueprints(app)

    from p2c.core.errors import register_error_handlers
    from p2c.core.input_guard import register_input_guard
    from p2c.core.logs import register_request_ids
    from p2c.operations.metrics import register_metrics
    from p2c.web.hooks import register_hooks

    register_error_handlers(app)
    register_hooks(app)
    register_request_ids(app)
    register_metrics(app)
    register_input_guard(app)
    from p2c.reporting.embargo import init_app as register_embargo_release

    register_embargo_release(app)

    from p2c.cli import register_cli

    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from p2c.core.i18n import install_fast_gettext, select_locale
    from p2c.extensions import babel, cache, cors, csrf, db, limiter, login, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_path("migrations")), render_as_batch=True, compare_type=True)
    babel.init_app(app, locale_selector=select_locale)
    install_fast_gettext(app)  # after Babel's own (p2c.core.i18n.request_translations)
    csrf.init_app(app)
    login.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    cache.init_app(app)
    from p2c.api.blueprint import CORS_RESOURCES

    cors.init_app(app, resources=CORS_RESOURCES)

    from flask_babel import lazy_gettext as _l

    from p2c.accounts.services import load_user

    login.user_loader(load_user)
    login.login_view = "accounts.login"
    login.login_message = _l("Please sign in to see this page.")
    login.login_message_category = "info"

    # Import every model module so metadata is complete (migrations compare against it).
    import p2c.models  # noqa: F401


# Each feature registers its own kind of submission (p2c.core.submissions), in this order: the
# order of the review queue's kind filter.
SUBMISSION_KIND_MODULES = ["p2c.members.kinds", "p2c.pledges.kinds", "p2c.implementation.kinds",
                           "p2c.matchmaking.kinds"]


def _register_submission_kinds() -> None:
    for name in SUBMISSION_KIND_MODULES:
        importlib.import_module(name)


def _connect_receivers() -> None:
    """Cross-feature reactions (p2c.core.signals) and the rollup projection, wired here explicitly."""
    from p2c.api import receivers as api_receivers
    from p2c.matchmaking import receivers as matchmaking_receivers
    from p2c.opendata import tracking as opendata_tracking
    from p2c.reporting import projection

    projection.connect()  # the rollups follow every change of pledges and reports in its transaction
    opendata_tracking.connect()  # the open-data rows of the pledges a transaction changed are marked stale
    api_receivers.connect()  # API tokens follow an organization merge
    matchmaking_receivers.connect()  # /access sends the needs' private links too


def _register_blueprints(app: Flask) -> None:
    """Explicit registration: each feature's blueprints, in one place."""
    import p2c.admin.reference_views  # noqa: F401 - adds the managed lists to the admin blueprint
    import p2c.pledges.directory_views
    import p2c.pledges.views  # noqa: F401 - both add routes to the pledges blueprint
    import p2c.reporting.place_views  # noqa: F401 - adds the region and country pages to the reporting blueprint
    import p2c.reporting.taskforce_views  # noqa: F401 - adds the task-force view to the reporting blueprint
    import p2c.review.org_views  # noqa: F401 - adds the organization pages to the review blueprint
    from p2c.access.views import bp as access_bp
    from p2c.accounts.views import bp as accounts_bp
    from p2c.admin.views import bp as admin_bp
    from p2c.api import api_blueprint
    from p2c.embed.views import bp as embed_bp
    from p2c.events.views import bp as events_bp
    from p2c.extensions import csrf
    from p2c.members.views import bp as members_bp
    from p2c.pledges.blueprint import bp as pledges_bp
    from p2c.reporting.views import bp as reporting_bp
    from p2c.review.views import bp as review_bp
    from p2c.verification.views import bp as verification_bp
    from p2c.web.views import bp as web_bp

    app.register_blueprint(web_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(pledges_bp)
    app.register_blueprint(reporting_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(access_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(verification_bp)
    app.register_blueprint(admin_bp)
    from p2c.implementation.views import bp as implementation_bp
    from p2c.publications.views import bp as publications_bp

    app.register_blueprint(implementation_bp)
    app.register_blueprint(publications_bp)
    app.register_blueprint(embed_bp)
    from p2c.drafts.views import bp as drafts_bp
    from p2c.follows.views import bp as follows_bp

    app.register_blueprint(drafts_bp)
    app.register_blueprint(follows_bp)
    from p2c.matchmaking.views import bp as matchmaking_bp

    app.register_blueprint(matchmaking_bp)
    app.register_blueprint(events_bp)
    # The API authenticates with bearer tokens, not cookies: no CSRF there.
    api_bp = api_blueprint()
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    from p2c.opendata.views import bp as opendata_bp

    app.register_blueprint(opendata_bp)
    from p2c.api.views import bp as api_tokens_bp

    app.register_blueprint(api_tokens_bp)
    from p2c.operations.views import bp as operations_bp
    from p2c.operations.views import metrics_bp

    app.register_blueprint(operations_bp)
    app.register_blueprint(metrics_bp)
