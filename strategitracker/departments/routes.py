"""The organisation's departments (forvaltninger): the list, its forms, archiving and restoring.

Every member reads the list; creating, editing, archiving and restoring need Action.EDIT_STRATEGY.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Department
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import strategy as strategies
from ..view_helpers import archive_view, show_archived, submit
from . import bp
from .forms import DepartmentForm


def _listing_url() -> str:
    return url_for(".departments", slug=g.org.slug)


def _departments_page(form: DepartmentForm, status: int = 200):
    archived_only = show_archived()
    archived = Department.archived_at.is_not(None) if archived_only else Department.archived_at.is_(None)
    departments = db.session.scalars(
        sa.select(Department)
        .where(Department.organisation_id == g.org.id, archived)
        .order_by(Department.name, Department.id)
    ).all()
    return render_template(
        "workspace/departments.html", departments=departments, form=form, show_archived=archived_only
    ), status


@bp.get("/departments")
@org_view()
def departments():
    return _departments_page(DepartmentForm())


@bp.post("/departments")
@org_view(Action.EDIT_STRATEGY)
def new_department():
    form = DepartmentForm()
    if not form.validate_on_submit():
        return _departments_page(form, 400)
    return submit(
        lambda: strategies.create_department(
            g.org, name=form.name.data, short_name=form.short_name.data, actor=current_user
        ),
        form=form,
        success=lambda created: _("The department %(name)s has been created.", name=created.name),
        done=lambda _created: redirect(_listing_url()),
        refused=lambda: _departments_page(form, 400),
    )


def _form_page(form: DepartmentForm, department: Department):
    status = 400 if form.is_submitted() else 200
    return render_template("workspace/department_form.html", form=form, department=department), status


@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def edit_department(department_id: int):
    department = get_in_org_or_404(Department, department_id)
    if department.archived_at is not None:
        flash(_("The department is archived. Restore it before making changes."), "error")
        return redirect(_listing_url())
    form = DepartmentForm(obj=department)
    if not form.validate_on_submit():
        return _form_page(form, department)
    return submit(
        lambda: strategies.update_department(
            department, name=form.name.data, short_name=form.short_name.data, actor=current_user
        ),
        form=form,
        success=_("The department has been saved."),
        done=lambda _result: redirect(_listing_url()),
        refused=lambda: _form_page(form, department),
    )


@bp.post("/departments/<int:department_id>/archive")
@org_view(Action.EDIT_STRATEGY)
def archive_department(department_id: int):
    department = get_in_org_or_404(Department, department_id)
    return archive_view(
        department,
        True,
        _("The department %(name)s has been archived.", name=department.name),
        _listing_url(),
    )


@bp.post("/departments/<int:department_id>/restore")
@org_view(Action.EDIT_STRATEGY)
def restore_department(department_id: int):
    department = get_in_org_or_404(Department, department_id)
    return archive_view(
        department,
        False,
        _("The department %(name)s has been restored.", name=department.name),
        _listing_url(),
    )
