"""A goal's page (status, charts, KPIs and action plans) and its forms, archiving and restoring.

Reading is for every member; creating, editing, archiving and restoring need Action.EDIT_STRATEGY.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..charts import goal_charts
from ..extensions import db
from ..models import KPI, ActionPlan, Goal, Strategy, User
from ..permissions import Action, can, get_in_org_or_404, org_view
from ..services import strategy as strategies
from ..services.overview import goal_overview
from ..view_helpers import archive_view, show_archived, submit
from ..web import page_cache
from . import bp
from .forms import GoalForm

TEMPLATE = "workspace/goal_form.html"


def _goal_url(goal_id: int) -> str:
    return url_for(".goal", slug=g.org.slug, goal_id=goal_id)


def _archived_of(model: type[KPI] | type[ActionPlan], goal: Goal, *order) -> list:
    return list(
        db.session.scalars(
            sa.select(model).where(model.goal_id == goal.id, model.archived_at.is_not(None)).order_by(*order)
        )
    )


@bp.get("/goals/<int:goal_id>")
@org_view()
def goal(goal_id: int):
    version = page_cache.data_version()
    goal = get_in_org_or_404(Goal, goal_id, options=(joinedload(Goal.strategy),))
    may_add = can(Action.EDIT_STRATEGY) and not goal.archived_at and not goal.strategy.archived_at
    today = date.today()
    archived_only = show_archived()

    def draw() -> str:
        body = page_cache.fragment(
            "goal", (goal.id, today, may_add), lambda: _goal_body(goal, today, may_add), version=version
        )
        archived_kpis: list[KPI] = []
        archived_plans: list[ActionPlan] = []
        if archived_only:  # so archived KPIs and action plans can be found and restored
            archived_kpis = _archived_of(KPI, goal, KPI.position, KPI.id)
            archived_plans = _archived_of(ActionPlan, goal, ActionPlan.title, ActionPlan.id)
        return render_template(
            "workspace/goal.html",
            goal=goal,
            body=body,
            show_archived=archived_only,
            archived_kpis=archived_kpis,
            archived_plans=archived_plans,
        )

    return page_cache.respond("goal", (goal.id, today, may_add, archived_only), draw, version=version)


def _goal_body(goal: Goal, today: date, may_add: bool) -> tuple[str, dict]:
    """The goal's status, charts, KPIs and action plans: the part of the page every reader shares."""
    overview = goal_overview(goal, today)
    user_ids = {goal.owner_user_id} | {plan.owner_user_id for plan in overview.action_plans}
    user_ids.discard(None)
    users = {}
    if user_ids:
        users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))}
    html = render_template(
        "workspace/_goal_body.html",
        goal=goal,
        overview=overview,
        charts=goal_charts(overview),
        users=users,
        may_add=may_add,
    )
    return html, {"charts": bool(overview.kpis or overview.action_plans)}


def _goal_form(goal: Goal | None = None) -> GoalForm:
    form = GoalForm(obj=goal)
    current = db.session.get(User, goal.owner_user_id) if goal and goal.owner_user_id else None
    form.set_owner_choices(strategies.member_users(g.org), current)
    return form


def _goal_data(form: GoalForm) -> dict:
    return {
        "title": form.title.data,
        "description": form.description.data,
        "owner": form.owner.data,
        "owner_user_id": form.owner_user_id.data,
        "position": form.position.data,
    }


def _form_page(form: GoalForm, strategy: Strategy, goal: Goal | None):
    status = 400 if form.is_submitted() else 200
    return render_template(TEMPLATE, form=form, strategy=strategy, goal=goal), status


@bp.route("/strategies/<int:strategy_id>/goals/new", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def new_goal(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    if strategy.archived_at is not None:
        flash(_("The strategy is archived. Restore it before adding goals."), "error")
        return redirect(url_for("strategies.strategy", slug=g.org.slug, strategy_id=strategy.id))
    form = _goal_form()
    if not form.validate_on_submit():
        return _form_page(form, strategy, None)
    return submit(
        lambda: strategies.create_goal(strategy, **_goal_data(form), actor=current_user),
        form=form,
        success=lambda created: _("The goal %(title)s has been created.", title=created.title),
        done=lambda created: redirect(_goal_url(created.id)),
        refused=lambda: _form_page(form, strategy, None),
    )


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def edit_goal(goal_id: int):
    goal = get_in_org_or_404(Goal, goal_id, options=(joinedload(Goal.strategy),))
    page = _goal_url(goal.id)
    if goal.archived_at is not None:
        flash(_("The goal is archived. Restore it before making changes."), "error")
        return redirect(page)
    form = _goal_form(goal)
    if not form.validate_on_submit():
        return _form_page(form, goal.strategy, goal)
    return submit(
        lambda: strategies.update_goal(goal, **_goal_data(form), actor=current_user),
        form=form,
        success=_("The goal has been saved."),
        done=lambda _result: redirect(page),
        refused=lambda: _form_page(form, goal.strategy, goal),
    )


@bp.post("/goals/<int:goal_id>/archive")
@org_view(Action.EDIT_STRATEGY)
def archive_goal(goal_id: int):
    return archive_view(
        get_in_org_or_404(Goal, goal_id),
        True,
        _("The goal has been archived. You can restore it from the strategy's archived goals."),
        _goal_url(goal_id),
    )


@bp.post("/goals/<int:goal_id>/restore")
@org_view(Action.EDIT_STRATEGY)
def restore_goal(goal_id: int):
    return archive_view(
        get_in_org_or_404(Goal, goal_id), False, _("The goal has been restored."), _goal_url(goal_id)
    )
