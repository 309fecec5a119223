"""The organisation's workshops for the people who run them: the list (which every member may read), and
creating and editing a workshop.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Strategy, Workshop
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import workshop as service
from ..view_helpers import submit
from . import bp
from .common import ORG, workshop_or_404
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


def org_strategies(keep: int | None = None) -> list[Strategy]:
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
    form.set_strategies(org_strategies())
    if form.validate_on_submit():
        return submit(
            lambda: service.create_workshop(
                g.org,
                title=form.title.data,
                held_on=form.held_on.data,
                layout=form.layout.data,
                free_columns=service.parse_free_columns(form.free_columns.data),
                strategy=_chosen_strategy(form.strategy_id.data),
                dots_per_participant=form.dots_per_participant.data,
                actor=current_user,
            ),
            success=lambda workshop: _("The workshop %(title)s has been created.", title=workshop.title),
            done=lambda workshop: redirect(url_for(".board", slug=g.org.slug, workshop_id=workshop.id)),
            refused=lambda: (render_template("workshops/form.html", form=form, workshop=None), 400),
        )
    status = 400 if form.is_submitted() else 200
    return render_template("workshops/form.html", form=form, workshop=None), status


@bp.route(f"{ORG}/<int:workshop_id>/edit", methods=["GET", "POST"])
@org_view(Action.RUN_WORKSHOP)
def edit(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    form = EditWorkshopForm(obj=workshop)
    form.set_strategies(org_strategies(keep=workshop.strategy_id))
    if form.validate_on_submit():
        return submit(
            lambda: service.update_workshop(
                workshop,
                title=form.title.data,
                held_on=form.held_on.data,
                strategy=_chosen_strategy(form.strategy_id.data),
                dots_per_participant=form.dots_per_participant.data,
                actor=current_user,
            ),
            success=_("The workshop has been saved."),
            done=lambda _result: redirect(url_for(".board", slug=g.org.slug, workshop_id=workshop_id)),
            refused=lambda: (
                render_template("workshops/form.html", form=form, workshop=workshop_or_404(workshop_id)),
                400,
            ),
        )
    status = 400 if form.is_submitted() else 200
    return render_template("workshops/form.html", form=form, workshop=workshop), status
