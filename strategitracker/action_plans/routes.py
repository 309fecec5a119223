"""Action plans: the page with its history, status updates (editors+), create/edit/archive (facilitators+).

Both the update form and the edit form carry the plan's version: a form opened on an older version is refused
with 409, the current values shown and the user's own input kept (optimistic locking).
"""

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from .. import progress
from ..models import ActionPlan, Goal, Status
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import action_plan as service
from ..view_helpers import archive_view, submit
from . import bp
from .forms import ActionPlanForm, ActionPlanUpdateForm

#: An outdated version: refused by the service, or found at commit by SQLAlchemy's version counter.
STALE = (service.StaleVersion, StaleDataError)


def _plan_or_404(action_plan_id: int) -> ActionPlan:
    return get_in_org_or_404(
        ActionPlan,
        action_plan_id,
        options=(joinedload(ActionPlan.goal).joinedload(Goal.strategy), joinedload(ActionPlan.department)),
    )


def _plan_url(plan_id: int) -> str:
    return url_for(".action_plan", slug=g.org.slug, action_plan_id=plan_id)


def _to_plan_page(plan_id: int):
    return redirect(_plan_url(plan_id))


def _plan_page(
    plan: ActionPlan,
    update_form: ActionPlanUpdateForm | None = None,
    status: int = 200,
    conflict: bool = False,
):
    history, owner_user = service.load_action_plan_page(plan)
    if update_form is None:
        update_form = ActionPlanUpdateForm(
            formdata=None, status=plan.status, version=plan.version, done_on=plan.done_on or date.today()
        )
    update_form.progress.render_kw = {"placeholder": str(plan.progress)}
    today = date.today()
    return render_template(
        "workspace/action_plan.html",
        plan=plan,
        goal=plan.goal,
        strategy=plan.goal.strategy,
        history=history,
        owner_user=owner_user,
        update_form=update_form,
        overdue=progress.is_overdue(plan.status, plan.due_date, today),
        conflict=conflict,
    ), status


@bp.get("/action-plans/<int:action_plan_id>")
@org_view()
def action_plan(action_plan_id: int):
    return _plan_page(_plan_or_404(action_plan_id))


@bp.post("/action-plans/<int:action_plan_id>/update")
@org_view(Action.UPDATE_ACTION_PLAN)
def update_action_plan(action_plan_id: int):
    plan = _plan_or_404(action_plan_id)
    form = ActionPlanUpdateForm()
    if not form.validate_on_submit():
        return _plan_page(plan, form, 400)
    return submit(
        lambda: service.record_update(
            plan,
            status=form.status.data,
            progress_value=form.progress.data,
            comment=form.comment.data or "",
            actor=current_user,
            expected_version=form.version.data,
            today=date.today(),
            done_on=_done_on(form),
        ),
        success=_("The action plan has been updated."),
        done=lambda _update: _to_plan_page(action_plan_id),
        refused=lambda: _plan_page(plan, form, 400),
        conflict=STALE,
        on_conflict=lambda: _update_conflict(action_plan_id, form),
    )


def _update_conflict(action_plan_id: int, form: ActionPlanUpdateForm):
    """Nothing is written; show the plan as it is now and keep the user's input, on the current version."""
    plan = _plan_or_404(action_plan_id)
    flash(str(service.StaleVersion(plan)), "error")
    form.version.data = plan.version
    return _plan_page(plan, form, 409, conflict=True)


# ------------------------------------------------------------------------------------ create / edit


def _done_on(form: ActionPlanForm | ActionPlanUpdateForm) -> date | None:
    """The done-on date the form gives: only a done plan has one (the field is prefilled for any plan)."""
    return form.done_on.data if form.status.data == Status.DONE else None


def _plan_form(plan: ActionPlan | None = None, **kwargs) -> ActionPlanForm:
    keep_user = plan.owner_user_id if plan else None
    keep_department = plan.department_id if plan else None
    form = ActionPlanForm(
        members=service.member_choices(g.org, keep=keep_user),
        departments=service.department_choices(g.org, keep=keep_department),
        org_id=g.org.id,
        previous_status=plan.status if plan else None,
        previous_progress=plan.progress if plan else None,
        previous_owner=keep_user,
        **kwargs,
    )
    if not form.is_submitted() and form.done_on.data is None:
        form.done_on.data = date.today()
    return form


def _fields(form: ActionPlanForm) -> service.ActionPlanFields:
    return service.ActionPlanFields(
        title=form.title.data or "",
        description=form.description.data or "",
        owner=form.owner.data or "",
        owner_user_id=form.owner_user_id.data,
        department_id=form.department_id.data,
        status=form.status.data,
        start_date=form.start_date.data,
        due_date=form.due_date.data,
        progress=form.progress.data,
        comment=form.comment.data or "",
        done_on=_done_on(form),
    )


def _form_page(form: ActionPlanForm, goal: Goal, plan: ActionPlan | None = None, status: int = 200, **extra):
    return render_template(
        "workspace/action_plan_form.html",
        form=form,
        goal=goal,
        strategy=goal.strategy,
        plan=plan,
        **extra,
    ), status


@bp.route("/goals/<int:goal_id>/action-plans/new", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def new_action_plan(goal_id: int):
    goal = get_in_org_or_404(Goal, goal_id, options=(joinedload(Goal.strategy),))
    form = _plan_form()
    if not form.is_submitted():
        return _form_page(form, goal)
    if not form.validate():
        return _form_page(form, goal, status=400)
    return submit(
        lambda: service.create_action_plan(goal, _fields(form), actor=current_user, today=date.today()),
        success=_("The action plan has been created."),
        done=lambda plan: _to_plan_page(plan.id),
        refused=lambda: _form_page(form, goal, status=400),
    )


@bp.route("/action-plans/<int:action_plan_id>/edit", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def edit_action_plan(action_plan_id: int):
    plan = _plan_or_404(action_plan_id)
    if request.method != "POST":
        return _form_page(_plan_form(plan, obj=plan), plan.goal, plan)
    form = _plan_form(plan)
    if not form.validate():
        return _form_page(form, plan.goal, plan, status=400)
    return submit(
        lambda: service.update_action_plan(
            plan, _fields(form), actor=current_user, expected_version=form.version.data, today=date.today()
        ),
        success=_("The action plan has been saved."),
        done=lambda _plan: _to_plan_page(action_plan_id),
        refused=lambda: _form_page(form, plan.goal, plan, status=400),
        conflict=STALE,
        on_conflict=lambda: _edit_conflict(action_plan_id, form),
    )


def _edit_conflict(action_plan_id: int, form: ActionPlanForm):
    """Nothing is written; show the form on the current version with the current values beside it."""
    plan = _plan_or_404(action_plan_id)
    flash(str(service.StaleVersion(plan)), "error")
    form.version.data = plan.version
    _history, owner_user = service.load_action_plan_page(plan)
    return _form_page(form, plan.goal, plan, status=409, conflict=True, current_owner_user=owner_user)


# ------------------------------------------------------------------------------------ archive / restore


@bp.post("/action-plans/<int:action_plan_id>/archive")
@org_view(Action.EDIT_STRATEGY)
def archive_action_plan(action_plan_id: int):
    return archive_view(
        _plan_or_404(action_plan_id),
        True,
        _("The action plan has been archived. It can be restored from its page."),
        _plan_url(action_plan_id),
        _("The action plan is already archived."),
    )


@bp.post("/action-plans/<int:action_plan_id>/restore")
@org_view(Action.EDIT_STRATEGY)
def restore_action_plan(action_plan_id: int):
    return archive_view(
        _plan_or_404(action_plan_id),
        False,
        _("The action plan has been restored."),
        _plan_url(action_plan_id),
        _("The action plan is not archived."),
    )
