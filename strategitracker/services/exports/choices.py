"""What can be chosen for an export: the scope named by ids, and the filters the rankings offer."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import KPI, Goal, Municipality, Organisation, Strategy, SurveyRank
from .. import ServiceError
from .sheets import Scope


def scope_in_org(
    org: Organisation,
    *,
    strategy_id: int | None = None,
    goal_id: int | None = None,
    kpi_id: int | None = None,
) -> Scope:
    """The scope named by ids, each checked to belong to `org` (for the command line)."""
    given = [
        (attr, model, object_id)
        for attr, model, object_id in (
            ("strategy", Strategy, strategy_id),
            ("goal", Goal, goal_id),
            ("kpi", KPI, kpi_id),
        )
        if object_id is not None
    ]
    if len(given) != 1:
        raise ServiceError(_("Choose a strategy, a goal or a KPI to export."))
    attr, model, object_id = given[0]
    obj = db.session.scalar(sa.select(model).where(model.id == object_id, model.organisation_id == org.id))
    if obj is None:
        messages = {
            "strategy": _("There is no strategy with id %(id)s in %(org)s.", id=object_id, org=org.slug),
            "goal": _("There is no goal with id %(id)s in %(org)s.", id=object_id, org=org.slug),
            "kpi": _("There is no KPI with id %(id)s in %(org)s.", id=object_id, org=org.slug),
        }
        raise ServiceError(messages[attr])
    return Scope(**{attr: obj})


def ranking_choices() -> tuple[list[str], list[str], list[tuple[int, str]]]:
    """(surveys, categories, municipalities as (code, name)) that have ranks (three SQL statements)."""
    surveys = list(db.session.scalars(sa.select(SurveyRank.survey).distinct().order_by(SurveyRank.survey)))
    categories = list(
        db.session.scalars(sa.select(SurveyRank.category).distinct().order_by(SurveyRank.category))
    )
    municipalities = [
        (code, name)
        for code, name in db.session.execute(
            sa.select(Municipality.code, Municipality.name)
            .where(sa.exists().where(SurveyRank.municipality_id == Municipality.id))
            .order_by(Municipality.name)
        )
    ]
    return surveys, categories, municipalities
