"""Site-wide pages: health check, the start page and the language switch."""

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..auth.sessions import safe_next
from ..extensions import db, limiter
from ..permissions import user_organisations
from ..web import redis_health
from . import bp


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """The database, and Redis where the rate limiter or the page cache keeps its data there."""
    report = {"database": "ok"}
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        report["database"] = "unreachable"
    redis_urls = redis_health.configured_urls(current_app.config)
    if redis_urls:
        report["redis"] = "ok" if redis_health.reachable(redis_urls) else "unreachable"
    healthy = all(value == "ok" for value in report.values())
    return jsonify(status="ok" if healthy else "error", **report), 200 if healthy else 503


@bp.get("/")
def index():
    """Anonymous: a welcome page. Members of one organisation go straight to it; others choose."""
    if not current_user.is_authenticated:
        return render_template("core/welcome.html")
    organisations = user_organisations(current_user)
    if len(organisations) == 1:
        return redirect(url_for("strategies.home", slug=organisations[0].slug))
    return render_template("core/choose_organisation.html", organisations=organisations)


@bp.get("/switch")
@login_required
def switch_organisation():
    """The organisation switcher's target; the organisation page itself checks membership."""
    slug = request.args.get("slug", "")
    if not slug:
        return redirect(url_for(".index"))
    return redirect(url_for("strategies.home", slug=slug))


@bp.post("/language")
def set_language():
    """Store the chosen language on the user (or in the session for anonymous visitors)."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
        session["locale"] = locale
    return redirect(safe_next(request.form.get("next")) or url_for("core.index"))


@bp.app_context_processor
def navigation():
    """What the navigation bar needs: the organisations the user can switch between."""
    from flask import g

    from ..permissions import Action, can

    return {
        "nav_organisations": user_organisations(current_user) if current_user.is_authenticated else [],
        "current_org": g.get("org"),
        "can": can,
        "Action": Action,
        "has_endpoint": lambda name: name in current_app.view_functions,
    }
