"""strategitracker: a municipality's strategy, action plans and KPIs, with progress charts."""

import importlib
import os
from pathlib import Path

from flask import Flask

from .extensions import babel, bootstrap, cache, csrf, db, limiter, login_manager, mail, migrate
from .status import register_status
from .web.compression import register_compression
from .web.diagnostics import register_diagnostics
from .web.errors import register_errors
from .web.i18n import register_i18n, select_locale
from .web.request_guards import register_request_guards
from .web.security import register_proxy_fix, register_security
from .web.static_files import register_static_files

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config_object: str | object | None = None) -> Flask:
    """Build the app; `config_object` is a dotted path such as "config.TestingConfig" or an object."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    register_config(app, config_object or os.environ.get("APP_CONFIG", "config.Config"))
    register_extensions(app)
    register_request_guards(app)  # before any route: the bounded <int:…> converter, NUL bytes refused
    register_compression(app)  # Flask-Compress; registered first so it runs last
    register_diagnostics(app)  # opt-in (BENCH_COUNT_SQL=1): X-SQL-Statements header
    register_security(app)
    register_proxy_fix(app)  # PROXY_FIX_X_FOR / _PROTO / _HOST behind nginx
    register_i18n(app)
    register_status(app)  # status words, symbols and colours for the templates
    register_errors(app)
    register_blueprints(app)
    register_static_files(app)  # WhiteNoise: /<source>/<version>/<file>, cached for a year
    register_cli(app)
    return app


def register_config(app: Flask, config_object: str | object) -> None:
    if isinstance(config_object, str):
        module_name, _, attr = config_object.rpartition(".")
        config_object = getattr(importlib.import_module(module_name), attr)
    if isinstance(config_object, type):
        config_object = config_object()  # ProductionConfig checks SECRET_KEY on construction
    app.config.from_object(config_object)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (models register their tables)
    from .web import database
    from .web.change_tracking import register_change_tracking

    db.init_app(app)
    database.register_engine_events(app)
    register_change_tracking()
    cache.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    bootstrap.init_app(app)
    mail.init_app(app)


def register_blueprints(app: Flask) -> None:
    """Each blueprint is created in its package's __init__; organisation pages share /o/<slug>."""
    from .action_plans import bp as action_plans_bp
    from .admin import bp as admin_bp
    from .api import register_api
    from .audit import bp as audit_bp
    from .auth import bp as auth_bp
    from .core import bp as core_bp
    from .dashboards import bp as dashboards_bp
    from .departments import bp as departments_bp
    from .exports import bp as exports_bp
    from .goals import bp as goals_bp
    from .imports import bp as imports_bp
    from .inquiries import bp as inquiries_bp
    from .kpis import bp as kpis_bp
    from .lists import bp as lists_bp
    from .members import bp as members_bp
    from .mine import bp as mine_bp
    from .privacy import bp as privacy_bp
    from .public import bp as public_bp
    from .reminders import bp as reminders_bp
    from .reports import bp as reports_bp
    from .search import bp as search_bp
    from .strategies import bp as strategies_bp
    from .web.assets import register_assets
    from .workshops import bp as workshops_bp

    for blueprint in (
        core_bp,
        auth_bp,
        admin_bp,
        members_bp,
        strategies_bp,
        goals_bp,
        kpis_bp,
        action_plans_bp,
        departments_bp,
        dashboards_bp,
        reports_bp,
        mine_bp,
        lists_bp,
        search_bp,
        audit_bp,
        workshops_bp,
        exports_bp,
        imports_bp,
        public_bp,
        reminders_bp,
        privacy_bp,
        inquiries_bp,
    ):
        app.register_blueprint(blueprint)
    register_assets(app)
    register_api(app)


def register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
