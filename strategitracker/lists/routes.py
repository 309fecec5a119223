"""Organisation-wide lists under /o/<slug>/, readable by every member (Action.VIEW):

- GET /action-plans?strategy=&goal=&department=&owner=&status=&days=&q=&sort=&page= — the filtered list
- GET /action-plans.xlsx?… — the same filter, every row, as an Excel workbook
- GET /kpis?status=&department=&owner=&frequency=&kind=&q=&sort=&page=
- GET /departments/<id> — one department's plans and KPIs, with what needs attention

A filter that does not fit (an unknown id, another organisation's department, a word for a number) shows
the page with the message and an empty list (400); nothing is read from other organisations.
"""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask import g, render_template, request, send_file
from flask_babel import get_locale
from wtforms.fields import SelectChoice

from ..extensions import db
from ..models import Department, Goal, Membership, Strategy, User
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import exports, lists
from . import bp
from .forms import ANY, KPIFilterForm, PlanFilterForm


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def _departments() -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(Department.id, Department.name)
        .where(Department.organisation_id == g.org.id, Department.archived_at.is_(None))
        .order_by(Department.name)
    )
    return [ANY, *(SelectChoice(i, n) for i, n in rows)]


def _owners() -> list[SelectChoice]:
    rows = db.session.execute(
        sa.select(User.id, User.name, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == g.org.id, Membership.active.is_(True))
        .order_by(User.name, User.email)
    )
    return [ANY, *(SelectChoice(i, n or e) for i, n, e in rows)]


def _plan_form() -> PlanFilterForm:
    """The filter form with the organisation's choices (three SQL statements)."""
    form = PlanFilterForm(formdata=request.args)
    goals = db.session.execute(
        sa.select(Goal.id, Goal.title, Strategy.id, Strategy.title)
        .join(Strategy, Goal.strategy_id == Strategy.id)
        .where(Goal.organisation_id == g.org.id, Goal.archived_at.is_(None), Strategy.archived_at.is_(None))
        .order_by(Strategy.title, Goal.position, Goal.id)
    ).all()
    strategies = dict.fromkeys((sid, stitle) for _gid, _g, sid, stitle in goals)
    form.strategy.choices = [ANY, *(SelectChoice(i, t) for i, t in strategies)]
    form.goal.choices = [
        ANY,
        *(SelectChoice(gid, f"{stitle} › {title}") for gid, title, _sid, stitle in goals),
    ]
    form.department.choices = _departments()
    form.owner.choices = _owners()
    return form


def _plan_filter(form: PlanFilterForm) -> lists.PlanFilter:
    return lists.PlanFilter(
        strategy_id=form.strategy.data,
        goal_id=form.goal.data,
        department_id=form.department.data,
        owner_user_id=form.owner.data,
        status=form.status.data,
        text=form.q.data or "",
        sort=form.sort.data or "due",
        stale_days=form.days.data or lists.STALE_DAYS,
    )


@bp.get("/action-plans")
@org_view(Action.VIEW)
def action_plans():
    form = _plan_form()
    if not form.validate():
        return render_template("workspace/plan_list.html", form=form, result=None), 400
    result = lists.plan_list(g.org, _plan_filter(form), date.today(), _page_number())
    return render_template("workspace/plan_list.html", form=form, result=result)


@bp.get("/action-plans.xlsx")
@org_view(Action.VIEW)
def action_plans_xlsx():
    form = _plan_form()
    if not form.validate():
        return render_template("workspace/plan_list.html", form=form, result=None), 400
    locale = get_locale()
    language = locale.language if locale is not None and locale.language in exports.LANGUAGES else "da"
    sheet = lists.plan_sheet(g.org, _plan_filter(form), date.today(), language=language)
    return send_file(
        io.BytesIO(exports.to_xlsx([sheet])),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"{g.org.slug}-action-plans-{date.today().isoformat()}.xlsx",
    )


@bp.get("/kpis")
@org_view(Action.VIEW)
def kpis():
    form = KPIFilterForm(formdata=request.args)
    form.department.choices = _departments()
    form.owner.choices = _owners()
    if not form.validate():
        return render_template("workspace/kpi_list.html", form=form, result=None), 400
    flt = lists.KPIFilter(
        status=form.status.data,
        department_id=form.department.data,
        owner_user_id=form.owner.data,
        frequency=form.frequency.data,
        kind=form.kind.data,
        text=form.q.data or "",
        sort=form.sort.data or "status",
    )
    result = lists.kpi_list(g.org, flt, date.today(), _page_number())
    return render_template("workspace/kpi_list.html", form=form, result=result)


@bp.get("/departments/<int:department_id>")
@org_view(Action.VIEW)
def department(department_id: int):
    department = get_in_org_or_404(Department, department_id)
    today = date.today()
    plans = lists.plan_list(g.org, lists.PlanFilter(department_id=department.id, status="open"), today)
    kpis = lists.kpi_list(g.org, lists.KPIFilter(department_id=department.id), today)
    return render_template("workspace/department.html", department=department, plans=plans, kpis=kpis)
