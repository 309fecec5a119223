"""strategitracker: a municipality's strategy, action plans and KPIs, with progress charts."""

import importlib
import os
from pathlib import Path

from flask import Flask
from flask_babel import get_locale

from .extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate

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
    register_blueprints(app)
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
    from . import database, models  # noqa: F401  (models register their tables)

    db.init_app(app)
    database.register_engine_events(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    app.jinja_env.globals["get_locale"] = get_locale


def register_blueprints(app: Flask) -> None:
    from .core.routes import bp as core_bp

    app.register_blueprint(core_bp)


def register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
