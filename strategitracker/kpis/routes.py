"""KPI pages: a KPI with its baseline, targets (with their history) and measurements, and its forms.

Facilitators and administrators create, edit, archive and restore KPIs and set targets (Action.EDIT_STRATEGY);
editors and up enter and correct measurements (Action.ENTER_MEASUREMENT). The page runs a fixed number of SQL
statements whatever the number of targets and measurements.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields import SelectChoice

from .. import progress
from ..extensions import db
from ..models import KPI, Frequency, Goal, KPIKind, KPITarget, Measurement, Membership, SurveyRank, User
from ..permissions import Action, deny, get_in_org_or_404, may, org_view
from ..services import inquiry as inquiries
from ..services import kpi as kpi_service
from ..services import overview
from ..view_helpers import archive_view, submit
from . import bp
from .forms import KPIForm, MeasurementForm, ReasonForm, TargetForm, survey_value


def kind_label(kind: str) -> str:
    return {
        KPIKind.NUMBER: _("Number"),
        KPIKind.PERCENT: _("Percentage"),
        KPIKind.RANK: _("Rank (1 is best)"),
    }.get(kind, kind)


def direction_label(direction: str) -> str:
    return _("Higher is better") if direction == "higher" else _("Lower is better")


def frequency_label(frequency: str) -> str:
    return {
        Frequency.MONTHLY: _("Monthly"),
        Frequency.QUARTERLY: _("Quarterly"),
        Frequency.YEARLY: _("Yearly"),
    }.get(frequency, frequency)


def period_label(frequency: str, day: date) -> str:
    """The reporting period a measurement's date stands for: a month, a quarter or a year."""
    if frequency == Frequency.MONTHLY:
        return format_date(day, "MMMM y")
    if frequency == Frequency.QUARTERLY:
        return _("Q%(quarter)s %(year)s", quarter=(day.month - 1) // 3 + 1, year=day.year)
    return str(day.year)


def _today() -> date:
    return date.today()


def _kpi_url(kpi_id: int, anchor: str | None = None) -> str:
    return url_for(".kpi", slug=g.org.slug, kpi_id=kpi_id, _anchor=anchor)


def _kpi_or_404(kpi_id: int, *, full: bool = False) -> KPI:
    options: tuple = (joinedload(KPI.goal).joinedload(Goal.strategy),)
    if full:
        options += (selectinload(KPI.targets), selectinload(KPI.measurements))
    return get_in_org_or_404(KPI, kpi_id, options=options)


def _measurable_or_403(kpi_id: int, *, full: bool = False) -> KPI:
    """The KPI, when the current user may enter its measurements (an editor: only for their own KPIs)."""
    kpi = _kpi_or_404(kpi_id, full=full)
    if not may(Action.ENTER_MEASUREMENT, kpi.owner_user_id):
        deny(403)
    return kpi


def _measurement_or_404(kpi: KPI, measurement_id: int) -> Measurement:
    measurement = db.session.get(Measurement, measurement_id)
    if measurement is None or measurement.kpi_id != kpi.id:
        deny(404)
    return measurement


def _in_org_or_404(model: type[Measurement] | type[KPITarget], object_id: int):
    """A measurement or target of one of the organisation's KPIs, with its KPI, goal and strategy."""
    found = db.session.scalar(
        sa.select(model)
        .join(model.kpi)
        .where(model.id == object_id, KPI.organisation_id == g.org.id)
        .options(joinedload(model.kpi).joinedload(KPI.goal).joinedload(Goal.strategy))
    )
    if found is None:
        deny(404)
    return found


def _owner_choices(current_owner_id: int | None = None) -> list[SelectChoice]:
    """The organisation's active members (and the KPI's present owner, should they have left)."""
    condition = sa.and_(Membership.organisation_id == g.org.id, Membership.active.is_(True))
    if current_owner_id is not None:
        condition = sa.or_(condition, User.id == current_owner_id)
    users = db.session.execute(
        sa.select(User.id, User.name)
        .outerjoin(Membership, sa.and_(Membership.user_id == User.id, Membership.organisation_id == g.org.id))
        .where(condition)
        .distinct()
        .order_by(User.name, User.id)
    ).all()
    return [SelectChoice(str(user_id), name) for user_id, name in users]


def _department_choices() -> list[SelectChoice]:
    """The organisation's departments, for a KPI computed from the inquiries of one of them."""
    return [SelectChoice(d.id, d.name) for d in inquiries.org_departments(g.org)]


def _survey_choices(kpi: KPI | None = None) -> list[SelectChoice]:
    pairs = db.session.execute(
        sa.select(SurveyRank.survey, SurveyRank.category)
        .distinct()
        .order_by(SurveyRank.survey, SurveyRank.category)
    ).all()
    choices = [
        SelectChoice(survey_value(survey, category), f"{survey.upper()} – {category}")
        for survey, category in pairs
    ]
    if kpi is not None and kpi.survey and kpi.survey_category:
        current = survey_value(kpi.survey, kpi.survey_category)
        if current not in {choice.value for choice in choices}:
            choices.append(SelectChoice(current, f"{kpi.survey.upper()} – {kpi.survey_category}"))
    return choices


def _target_rows(targets: list[KPITarget]) -> list[tuple[KPITarget, KPITarget | None]]:
    """Each target with the target that replaced it (None for the current target of its date).

    The newest row for a date (latest set_on, then latest id) is current, as in `progress.current_targets`.
    """
    newest: dict[date, KPITarget] = {}
    for target in targets:
        held = newest.get(target.target_date)
        if held is None or (target.set_on, target.id) >= (held.set_on, held.id):
            newest[target.target_date] = target
    ordered = sorted(targets, key=lambda t: (t.target_date, -t.set_on.toordinal(), -t.id))
    return [(t, None if newest[t.target_date] is t else newest[t.target_date]) for t in ordered]


def _target_form(kpi: KPI) -> TargetForm:
    """An empty target form, or one holding the date and value of the target asked to be corrected: a
    corrected target is a new row for its date, the earlier one stays as history (or is deleted)."""
    chosen = request.args.get("correct_target", type=int)
    target = next((t for t in kpi.targets if t.id == chosen), None)
    if target is None:
        return TargetForm(kpi=kpi, formdata=None)
    return TargetForm(kpi=kpi, formdata=None, data={"value": target.value, "target_date": target.target_date})


def _render_kpi(
    kpi: KPI,
    target_form: TargetForm | None = None,
    measurement_form: MeasurementForm | None = None,
    status: int = 200,
):
    today = _today()
    # values from elsewhere (the national survey data, or computed from the inquiry log) are read, not entered
    national = kpi_service.is_linked(kpi, g.org) or bool(kpi.derived)
    values = kpi_service.kpi_rows(kpi) if national else kpi.measurements
    data = overview.kpi_input(kpi, values)
    summary = progress.kpi_summary(data, today)
    user_ids = {t.set_by_id for t in kpi.targets} | {m.entered_by_id for m in kpi.measurements}
    user_ids.add(kpi.owner_user_id)
    user_ids.discard(None)
    # Always one statement (also with no ids), so the page's query count does not depend on the data.
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(sorted(user_ids)))).all())
    target_rows = _target_rows(kpi.targets)
    return render_template(
        "workspace/kpi.html",
        kpi=kpi,
        goal=kpi.goal,
        strategy=kpi.goal.strategy,
        summary=summary,
        target_rows=target_rows,
        current_targets=[t for t, replaced_by in target_rows if replaced_by is None],
        measurements=list(reversed(values)),
        national=national,
        names=names,
        today=today,
        target_form=target_form or _target_form(kpi),
        measurement_form=measurement_form or MeasurementForm(kpi=kpi, formdata=None),
        may_measure=may(Action.ENTER_MEASUREMENT, kpi.owner_user_id) and not kpi.is_archived,
        period_label=lambda day: period_label(kpi.frequency, day),
        kind_label=kind_label,
        direction_label=direction_label,
        frequency_label=frequency_label,
    ), status


@bp.get("/kpis/<int:kpi_id>", endpoint="kpi")
@org_view(Action.VIEW)
def kpi_page(kpi_id: int):
    return _render_kpi(_kpi_or_404(kpi_id, full=True))


def _render_form(form: KPIForm, *, goal: Goal, kpi: KPI | None = None, status: int = 200):
    return render_template(
        "workspace/kpi_form.html",
        form=form,
        goal=goal,
        strategy=goal.strategy,
        kpi=kpi,
    ), status


@bp.route("/goals/<int:goal_id>/kpis/new", methods=["GET", "POST"], endpoint="new_kpi")
@org_view(Action.EDIT_STRATEGY)
def new_kpi(goal_id: int):
    goal = get_in_org_or_404(Goal, goal_id, options=(joinedload(Goal.strategy),))
    form = KPIForm(
        org_id=g.org.id,
        owner_choices=_owner_choices(),
        survey_choices=_survey_choices(),
        department_choices=_department_choices(),
    )
    if request.method == "GET":
        return _render_form(form, goal=goal)
    if not form.validate_on_submit():
        return _render_form(form, goal=goal, status=400)
    return submit(
        lambda: kpi_service.create_kpi(goal, form.data_for_service(), actor=current_user),
        success=lambda kpi: _("The KPI %(name)s has been created.", name=kpi.name),
        done=lambda kpi: redirect(_kpi_url(kpi.id)),
        refused=lambda: _render_form(form, goal=goal, status=400),
    )


@bp.route("/kpis/<int:kpi_id>/edit", methods=["GET", "POST"], endpoint="edit_kpi")
@org_view(Action.EDIT_STRATEGY)
def edit_kpi(kpi_id: int):
    kpi = _kpi_or_404(kpi_id)
    form = KPIForm(
        org_id=g.org.id,
        obj=kpi,
        survey_choice=survey_value(kpi.survey, kpi.survey_category),
        owner_choices=_owner_choices(kpi.owner_user_id),
        survey_choices=_survey_choices(kpi),
        department_choices=_department_choices(),
    )
    if request.method == "GET":
        return _render_form(form, goal=kpi.goal, kpi=kpi)
    if not form.validate_on_submit():
        return _render_form(form, goal=kpi.goal, kpi=kpi, status=400)
    return submit(
        lambda: kpi_service.update_kpi(
            kpi, form.data_for_service(), actor=current_user, reason=form.baseline_reason.data or ""
        ),
        success=lambda changed: _("The changes have been saved.") if changed else _("Nothing was changed."),
        done=lambda _changed: redirect(_kpi_url(kpi.id)),
        refused=lambda: _render_form(form, goal=kpi.goal, kpi=kpi, status=400),
    )


@bp.post("/kpis/<int:kpi_id>/archive", endpoint="archive_kpi")
@org_view(Action.EDIT_STRATEGY)
def archive_kpi(kpi_id: int):
    kpi = _kpi_or_404(kpi_id)
    message = _("The KPI %(name)s has been archived. It can be restored.", name=kpi.name)
    return archive_view(kpi, True, message, _kpi_url(kpi_id))


@bp.post("/kpis/<int:kpi_id>/restore", endpoint="restore_kpi")
@org_view(Action.EDIT_STRATEGY)
def restore_kpi(kpi_id: int):
    kpi = _kpi_or_404(kpi_id)
    return archive_view(kpi, False, _("The KPI %(name)s has been restored.", name=kpi.name), _kpi_url(kpi_id))


@bp.post("/kpis/<int:kpi_id>/targets", endpoint="add_target")
@org_view(Action.EDIT_STRATEGY)
def add_target(kpi_id: int):
    kpi = _kpi_or_404(kpi_id, full=True)
    form = TargetForm(kpi=kpi)
    if not form.validate_on_submit():
        return _render_kpi(kpi, target_form=form, status=400)
    return submit(
        lambda: kpi_service.add_target(
            kpi,
            form.value.data,
            form.target_date.data,
            form.note.data or "",
            actor=current_user,
            today=_today(),
        ),
        success=_("The target has been set."),
        done=lambda _target: redirect(_kpi_url(kpi.id, "targets")),
        refused=lambda: _render_kpi(_kpi_or_404(kpi_id, full=True), target_form=form, status=400),
    )


@bp.post("/kpis/<int:kpi_id>/measurements", endpoint="new_measurement")
@org_view(Action.ENTER_MEASUREMENT)
def new_measurement(kpi_id: int):
    kpi = _measurable_or_403(kpi_id, full=True)
    form = MeasurementForm(kpi=kpi, today=_today())
    if not form.validate_on_submit():
        return _render_kpi(kpi, measurement_form=form, status=400)
    return submit(
        lambda: kpi_service.add_measurement(
            kpi,
            form.period.data,
            form.value.data,
            form.out_of.data,
            form.note.data or "",
            form.source.data or "",
            actor=current_user,
            today=_today(),
        ),
        success=_("The measurement has been saved."),
        done=lambda _measurement: redirect(_kpi_url(kpi.id, "measurements")),
        refused=lambda: _render_kpi(_kpi_or_404(kpi_id, full=True), measurement_form=form, status=400),
    )


@bp.route(
    "/kpis/<int:kpi_id>/measurements/<int:measurement_id>/edit",
    methods=["GET", "POST"],
    endpoint="edit_measurement",
)
@org_view(Action.ENTER_MEASUREMENT)
def edit_measurement(kpi_id: int, measurement_id: int):
    kpi = _measurable_or_403(kpi_id)
    measurement = _measurement_or_404(kpi, measurement_id)
    form = MeasurementForm(kpi=kpi, measurement_id=measurement.id, obj=measurement, today=_today())

    def page(status: int = 200):
        names = dict(
            db.session.execute(
                sa.select(User.id, User.name).where(User.id.in_([measurement.entered_by_id or 0]))
            ).all()
        )
        return render_template(
            "workspace/measurement_form.html",
            form=form,
            kpi=kpi,
            goal=kpi.goal,
            strategy=kpi.goal.strategy,
            measurement=measurement,
            entered_by=names.get(measurement.entered_by_id),
            period_label=lambda day: period_label(kpi.frequency, day),
        ), status

    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return page(400)
    return submit(
        lambda: kpi_service.correct_measurement(
            measurement,
            form.period.data,
            form.value.data,
            form.out_of.data,
            form.note.data or "",
            form.source.data or "",
            reason=form.reason.data or "",
            actor=current_user,
            today=_today(),
        ),
        success=lambda changed: _corrected() if changed else None,
        done=lambda changed: _back_to_measurements(kpi, changed),
        refused=lambda: page(400),
    )


def _corrected() -> str:
    return _("The measurement has been corrected. The earlier value is kept in the audit log.")


def _back_to_measurements(kpi: KPI, changed: bool = True):
    if not changed:
        flash(_("Nothing was changed."), "info")
    return redirect(_kpi_url(kpi.id, "measurements"))


def _confirm_delete(form: ReasonForm, kpi: KPI, what: str, status: int = 200, **context):
    return render_template(
        "workspace/confirm_delete.html",
        form=form,
        kpi=kpi,
        goal=kpi.goal,
        strategy=kpi.goal.strategy,
        what=what,
        period_label=lambda day: period_label(kpi.frequency, day),
        **context,
    ), status


@bp.route("/measurements/<int:measurement_id>/delete", methods=["GET", "POST"], endpoint="delete_measurement")
@org_view(Action.ENTER_MEASUREMENT)
def delete_measurement(measurement_id: int):
    """Ask for the reason (GET), then delete the measurement (POST); the old values go to the audit log."""
    measurement = _in_org_or_404(Measurement, measurement_id)
    kpi = measurement.kpi
    if not may(Action.ENTER_MEASUREMENT, kpi.owner_user_id):
        deny(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _confirm_delete(form, kpi, "measurement", status, measurement=measurement)
    back = _kpi_url(kpi.id, "measurements")
    return submit(
        lambda: kpi_service.delete_measurement(measurement, form.reason.data, actor=current_user),
        success=_("The measurement has been deleted. Its values are kept in the audit log."),
        done=lambda _result: redirect(back),
        refused=lambda: redirect(back),
    )


@bp.route("/targets/<int:target_id>/delete", methods=["GET", "POST"], endpoint="delete_target")
@org_view(Action.EDIT_STRATEGY)
def delete_target(target_id: int):
    """Ask for the reason (GET), then delete the target (POST); the old values go to the audit log."""
    target = _in_org_or_404(KPITarget, target_id)
    kpi = target.kpi
    form = ReasonForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _confirm_delete(form, kpi, "target", status, target=target)
    back = _kpi_url(kpi.id, "targets")
    return submit(
        lambda: kpi_service.delete_target(target, form.reason.data, actor=current_user),
        success=_("The target has been deleted. Its values are kept in the audit log."),
        done=lambda _result: redirect(back),
        refused=lambda: redirect(back),
    )
