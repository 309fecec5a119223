"""The organisation's workspace: its strategies, their goals, and its departments (forvaltninger).

Reading is for every member; creating, editing, archiving and restoring is for facilitators and
administrators (Action.EDIT_STRATEGY). Archived items stay readable by URL and are listed separately
(`?archived=1`, for those who may restore them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import joinedload

from .. import page_cache
from ..charts import goal_charts
from ..extensions import db
from ..models import KPI, ActionPlan, Department, Goal, Strategy, User
from ..permissions import Action, can, get_in_org_or_404, org_view
from ..services import ServiceError
from ..services import strategy as strategies
from ..services.overview import goal_overview, strategy_overview
from . import bp
from .strategy_forms import DepartmentForm, GoalForm, StrategyForm


def _show_archived() -> bool:
    """Whether to list archived items instead: asked for with ?archived=1, by those who may restore."""
    return request.args.get("archived") == "1" and can(Action.EDIT_STRATEGY)


def _show_refusal(exc: ServiceError, form: FlaskForm) -> None:
    """Undo the attempted write; put the message on its form field, else flash it."""
    db.session.rollback()
    field = getattr(form, getattr(exc, "field", ""), None)
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


def _refused(exc: ServiceError, form: FlaskForm, template: str, **context):
    """Show the form again with the service's message (status 400)."""
    _show_refusal(exc, form)
    return render_template(template, form=form, **context), 400


def _change_state(change: Callable[[], bool], done_message: str, target: str):
    """Run an archive/restore service call, commit, and go back to `target`."""
    try:
        changed = change()
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(target)
    db.session.commit()
    if changed:
        flash(done_message, "success")
    return redirect(target)


# -- strategies --------------------------------------------------------------------------------------------


@bp.get("/")
@org_view()
def home():
    show_archived = _show_archived()
    goal_count = (
        sa.select(sa.func.count(Goal.id))
        .where(Goal.strategy_id == Strategy.id, Goal.archived_at.is_(None))
        .correlate(Strategy)
        .scalar_subquery()
    )
    archived = Strategy.archived_at.is_not(None) if show_archived else Strategy.archived_at.is_(None)
    rows = db.session.execute(
        sa.select(Strategy, goal_count.label("goal_count"))
        .where(Strategy.organisation_id == g.org.id, archived)
        .order_by(Strategy.period_start.desc(), Strategy.title)
    ).all()
    return render_template("workspace/home.html", rows=rows, show_archived=show_archived)


@bp.get("/strategies/<int:strategy_id>")
@org_view()
def strategy(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    show_archived = _show_archived()
    archived_goals: list[Goal] = []
    if show_archived:
        archived_goals = list(
            db.session.scalars(
                sa.select(Goal)
                .where(Goal.strategy_id == strategy.id, Goal.archived_at.is_not(None))
                .order_by(Goal.position, Goal.id)
            )
        )
    return render_template(
        "workspace/strategy.html",
        strategy=strategy,
        overview=strategy_overview(strategy, date.today()),
        show_archived=show_archived,
        archived_goals=archived_goals,
    )


def _strategy_data(form: StrategyForm) -> dict:
    return {
        "title": form.title.data,
        "vision": form.vision.data,
        "period_start": form.period_start.data,
        "period_end": form.period_end.data,
    }


@bp.route("/strategies/new", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def new_strategy():
    form = StrategyForm()
    template = "workspace/strategy_form.html"
    if form.validate_on_submit():
        try:
            created = strategies.create_strategy(g.org, **_strategy_data(form), actor=current_user)
        except ServiceError as exc:
            return _refused(exc, form, template, strategy=None)
        db.session.commit()
        flash(_("The strategy %(title)s has been created.", title=created.title), "success")
        return redirect(url_for(".strategy", slug=g.org.slug, strategy_id=created.id))
    return render_template(template, form=form, strategy=None), 400 if form.is_submitted() else 200


@bp.route("/strategies/<int:strategy_id>/edit", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def edit_strategy(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    page = url_for(".strategy", slug=g.org.slug, strategy_id=strategy.id)
    if strategy.archived_at is not None:
        flash(_("The strategy is archived. Restore it before making changes."), "error")
        return redirect(page)
    form = StrategyForm(obj=strategy)
    template = "workspace/strategy_form.html"
    if form.validate_on_submit():
        try:
            strategies.update_strategy(strategy, **_strategy_data(form), actor=current_user)
        except ServiceError as exc:
            return _refused(exc, form, template, strategy=strategy)
        db.session.commit()
        flash(_("The strategy has been saved."), "success")
        return redirect(page)
    return render_template(template, form=form, strategy=strategy), 400 if form.is_submitted() else 200


@bp.post("/strategies/<int:strategy_id>/archive")
@org_view(Action.EDIT_STRATEGY)
def archive_strategy(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    return _change_state(
        lambda: strategies.archive_strategy(strategy, actor=current_user),
        _("The strategy has been archived. You can restore it from the archived strategies."),
        url_for(".strategy", slug=g.org.slug, strategy_id=strategy_id),
    )


@bp.post("/strategies/<int:strategy_id>/restore")
@org_view(Action.EDIT_STRATEGY)
def restore_strategy(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    return _change_state(
        lambda: strategies.restore_strategy(strategy, actor=current_user),
        _("The strategy has been restored."),
        url_for(".strategy", slug=g.org.slug, strategy_id=strategy_id),
    )


# -- goals -------------------------------------------------------------------------------------------------


@bp.get("/goals/<int:goal_id>")
@org_view()
def goal(goal_id: int):
    version = page_cache.data_version()
    goal = get_in_org_or_404(Goal, goal_id, options=(joinedload(Goal.strategy),))
    may_add = can(Action.EDIT_STRATEGY) and not goal.archived_at and not goal.strategy.archived_at
    today = date.today()
    body = page_cache.fragment(
        "goal", (goal.id, today, may_add), lambda: _goal_body(goal, today, may_add), version=version
    )
    show_archived = _show_archived()
    archived_kpis: list[KPI] = []
    archived_plans: list[ActionPlan] = []
    if show_archived:  # so archived KPIs and action plans can be found and restored
        archived_kpis = list(
            db.session.scalars(
                sa.select(KPI)
                .where(KPI.goal_id == goal.id, KPI.archived_at.is_not(None))
                .order_by(KPI.position, KPI.id)
            )
        )
        archived_plans = list(
            db.session.scalars(
                sa.select(ActionPlan)
                .where(ActionPlan.goal_id == goal.id, ActionPlan.archived_at.is_not(None))
                .order_by(ActionPlan.title, ActionPlan.id)
            )
        )
    return render_template(
        "workspace/goal.html",
        goal=goal,
        body=body,
        show_archived=show_archived,
        archived_kpis=archived_kpis,
        archived_plans=archived_plans,
    )


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


@bp.route("/strategies/<int:strategy_id>/goals/new", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def new_goal(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    if strategy.archived_at is not None:
        flash(_("The strategy is archived. Restore it before adding goals."), "error")
        return redirect(url_for(".strategy", slug=g.org.slug, strategy_id=strategy.id))
    form = _goal_form()
    template = "workspace/goal_form.html"
    if form.validate_on_submit():
        try:
            created = strategies.create_goal(strategy, **_goal_data(form), actor=current_user)
        except ServiceError as exc:
            return _refused(exc, form, template, strategy=strategy, goal=None)
        db.session.commit()
        flash(_("The goal %(title)s has been created.", title=created.title), "success")
        return redirect(url_for(".goal", slug=g.org.slug, goal_id=created.id))
    context = {"strategy": strategy, "goal": None}
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def edit_goal(goal_id: int):
    goal = get_in_org_or_404(Goal, goal_id, options=(joinedload(Goal.strategy),))
    page = url_for(".goal", slug=g.org.slug, goal_id=goal.id)
    if goal.archived_at is not None:
        flash(_("The goal is archived. Restore it before making changes."), "error")
        return redirect(page)
    form = _goal_form(goal)
    template = "workspace/goal_form.html"
    if form.validate_on_submit():
        try:
            strategies.update_goal(goal, **_goal_data(form), actor=current_user)
        except ServiceError as exc:
            return _refused(exc, form, template, strategy=goal.strategy, goal=goal)
        db.session.commit()
        flash(_("The goal has been saved."), "success")
        return redirect(page)
    context = {"strategy": goal.strategy, "goal": goal}
    return render_template(template, form=form, **context), 400 if form.is_submitted() else 200


@bp.post("/goals/<int:goal_id>/archive")
@org_view(Action.EDIT_STRATEGY)
def archive_goal(goal_id: int):
    goal = get_in_org_or_404(Goal, goal_id)
    return _change_state(
        lambda: strategies.archive_goal(goal, actor=current_user),
        _("The goal has been archived. You can restore it from the strategy's archived goals."),
        url_for(".goal", slug=g.org.slug, goal_id=goal_id),
    )


@bp.post("/goals/<int:goal_id>/restore")
@org_view(Action.EDIT_STRATEGY)
def restore_goal(goal_id: int):
    goal = get_in_org_or_404(Goal, goal_id)
    return _change_state(
        lambda: strategies.restore_goal(goal, actor=current_user),
        _("The goal has been restored."),
        url_for(".goal", slug=g.org.slug, goal_id=goal_id),
    )


# -- departments -------------------------------------------------------------------------------------------


def _departments_page(form: DepartmentForm, status: int = 200):
    show_archived = _show_archived()
    archived = Department.archived_at.is_not(None) if show_archived else Department.archived_at.is_(None)
    departments = db.session.scalars(
        sa.select(Department)
        .where(Department.organisation_id == g.org.id, archived)
        .order_by(Department.name, Department.id)
    ).all()
    return render_template(
        "workspace/departments.html", departments=departments, form=form, show_archived=show_archived
    ), status


@bp.get("/departments")
@org_view()
def departments():
    return _departments_page(DepartmentForm())


@bp.post("/departments")
@org_view(Action.EDIT_STRATEGY)
def new_department():
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            created = strategies.create_department(
                g.org, name=form.name.data, short_name=form.short_name.data, actor=current_user
            )
        except ServiceError as exc:
            _show_refusal(exc, form)
            return _departments_page(form, 400)
        db.session.commit()
        flash(_("The department %(name)s has been created.", name=created.name), "success")
        return redirect(url_for(".departments", slug=g.org.slug))
    return _departments_page(form, 400)


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def edit_department(department_id: int):
    department = get_in_org_or_404(Department, department_id)
    listing = url_for(".departments", slug=g.org.slug)
    if department.archived_at is not None:
        flash(_("The department is archived. Restore it before making changes."), "error")
        return redirect(listing)
    form = DepartmentForm(obj=department)
    template = "workspace/department_form.html"
    if form.validate_on_submit():
        try:
            strategies.update_department(
                department, name=form.name.data, short_name=form.short_name.data, actor=current_user
            )
        except ServiceError as exc:
            return _refused(exc, form, template, department=department)
        db.session.commit()
        flash(_("The department has been saved."), "success")
        return redirect(listing)
    status = 400 if form.is_submitted() else 200
    return render_template(template, form=form, department=department), status


@bp.post("/departments/<int:department_id>/archive")
@org_view(Action.EDIT_STRATEGY)
def archive_department(department_id: int):
    department = get_in_org_or_404(Department, department_id)
    return _change_state(
        lambda: strategies.archive_department(department, actor=current_user),
        _("The department %(name)s has been archived.", name=department.name),
        url_for(".departments", slug=g.org.slug),
    )


@bp.post("/departments/<int:department_id>/restore")
@org_view(Action.EDIT_STRATEGY)
def restore_department(department_id: int):
    department = get_in_org_or_404(Department, department_id)
    return _change_state(
        lambda: strategies.restore_department(department, actor=current_user),
        _("The department %(name)s has been restored.", name=department.name),
        url_for(".departments", slug=g.org.slug),
    )
