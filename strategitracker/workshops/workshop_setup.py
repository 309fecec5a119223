"""The organisation's workshops for the people who run them: the list (which every member may read), and
creating and editing a workshop.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Strategy, Workshop
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import ServiceError
from ..services import workshop as service
from .common import ORG, _workshop_or_404, bp
from .forms import EditWorkshopForm, WorkshopForm


@bp.get(f"{ORG}/")
@org_view(Action.VIEW)
def index():
    workshops = list(
        db.session.scalars(
            sa.select(Workshop)
            .where(Workshop.organisation_id == g.org.id)
            .order_by(Workshop.held_on.desc(), Workshop.id.desc())
        )
    )
    current = [w for w in workshops if w.archived_at is None]
    archived = [w for w in workshops if w.archived_at is not None]
    return render_template(
        "workshops/index.html", current=current, archived=archived, phase_labels=service.PHASE_LABELS
    )


def _org_strategies(keep: int | None = None) -> list[Strategy]:
    return list(
        db.session.scalars(
            sa.select(Strategy)
            .where(
                Strategy.organisation_id == g.org.id,
                sa.or_(Strategy.archived_at.is_(None), Strategy.id == keep),
            )
            .order_by(Strategy.title)
        )
    )


def _chosen_strategy(strategy_id: int | None) -> Strategy | None:
    return get_in_org_or_404(Strategy, strategy_id) if strategy_id else None


@bp.route(f"{ORG}/new", methods=["GET", "POST"])
@org_view(Action.RUN_WORKSHOP)
def new():
    form = WorkshopForm()
    form.set_strategies(_org_strategies())
    if form.validate_on_submit():
        try:
            workshop = service.create_workshop(
                g.org,
                title=form.title.data,
                held_on=form.held_on.data,
                layout=form.layout.data,
                free_columns=service.parse_free_columns(form.free_columns.data),
                strategy=_chosen_strategy(form.strategy_id.data),
                dots_per_participant=form.dots_per_participant.data,
                actor=current_user,
            )
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return render_template("workshops/form.html", form=form, workshop=None), 400
        db.session.commit()
        flash(_("The workshop %(title)s has been created.", title=workshop.title), "success")
        return redirect(url_for(".board", slug=g.org.slug, workshop_id=workshop.id))
    status = 400 if form.is_submitted() else 200
    return render_template("workshops/form.html", form=form, workshop=None), status


@bp.route(f"{ORG}/<int:workshop_id>/edit", methods=["GET", "POST"])
@org_view(Action.RUN_WORKSHOP)
def edit(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    form = EditWorkshopForm(obj=workshop)
    form.set_strategies(_org_strategies(keep=workshop.strategy_id))
    if form.validate_on_submit():
        try:
            service.update_workshop(
                workshop,
                title=form.title.data,
                held_on=form.held_on.data,
                strategy=_chosen_strategy(form.strategy_id.data),
                dots_per_participant=form.dots_per_participant.data,
                actor=current_user,
            )
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            workshop = _workshop_or_404(workshop_id)
            return render_template("workshops/form.html", form=form, workshop=workshop), 400
        db.session.commit()
        flash(_("The workshop has been saved."), "success")
        return redirect(url_for(".board", slug=g.org.slug, workshop_id=workshop.id))
    status = 400 if form.is_submitted() else 200
    return render_template("workshops/form.html", form=form, workshop=workshop), status
