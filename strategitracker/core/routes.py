"""Site-wide pages: health check and the start page."""

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template

from ..extensions import db, limiter
from ..models import Organisation, Strategy

bp = Blueprint("core", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/")
def index():
    strategies = db.session.scalars(
        sa.select(Strategy)
        .join(Organisation)
        .where(Strategy.archived_at.is_(None))
        .order_by(Organisation.name, Strategy.period_start.desc())
    ).all()
    return render_template("core/index.html", strategies=strategies)
