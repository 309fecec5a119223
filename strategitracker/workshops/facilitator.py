"""The organisation's workshops for the people who run them: creating and editing workshops, phases, the
join link, archiving, moving and merging cards, the projector view and its QR code, turning cards into
goals, action plans and KPIs, and the minutes (which every member may read).
"""

from __future__ import annotations

import io
from datetime import date

import segno
import sqlalchemy as sa
from flask import (
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields import SelectChoice

from ..extensions import db
from ..models import ConvertedKind, Goal, Layout, Phase, Strategy, User, Workshop, WorkshopCard
from ..permissions import Action, deny, get_in_org_or_404, org_view, wants_json
from ..services import ServiceError
from ..services import workshop_board as board_service
from ..services import workshop_cards as card_service
from ..services import workshop_conversion as conversion_service
from ..services import workshop_minutes as minutes_service
from ..services import workshops as service
from .common import (
    ORG,
    Links,
    _card_or_404,
    _done,
    _fixed,
    _join_url,
    _member_links,
    _member_state,
    _refused_on_board,
    _render_board,
    _workshop_or_404,
    bp,
    item_url,
)
from .forms import (
    CONVERT_FORMS,
    EditWorkshopForm,
    MergeCardForm,
    MoveCardForm,
    RevealForm,
    WorkshopForm,
)

# -- the organisation's workshops --------------------------------------------------------------------------


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


def _facilitator_change(workshop_id: int, change, message: str | None = None):
    """Run a facilitator's change (phase, results, link, archive); JSON for the projector's keys."""
    workshop = _workshop_or_404(workshop_id)
    links = Links(workshop, slug=g.org.slug)
    try:
        change(workshop)
    except ServiceError as exc:
        db.session.rollback()
        if wants_json():
            return jsonify(error=str(exc)), 400
        flash(str(exc), "error")
        return redirect(links.board())
    db.session.commit()
    if wants_json():
        return jsonify(_member_state(workshop))
    if message:
        flash(message, "success")
    if request.form.get("next") == "projector":
        return redirect(url_for(".projector", slug=g.org.slug, workshop_id=workshop.id))
    return redirect(links.board())


@bp.post(f"{ORG}/<int:workshop_id>/phase/next")
@org_view(Action.RUN_WORKSHOP)
def next_phase(workshop_id: int):
    return _facilitator_change(workshop_id, lambda w: service.next_phase(w, actor=current_user))


@bp.post(f"{ORG}/<int:workshop_id>/phase/back")
@org_view(Action.RUN_WORKSHOP)
def previous_phase(workshop_id: int):
    return _facilitator_change(workshop_id, lambda w: service.previous_phase(w, actor=current_user))


@bp.post(f"{ORG}/<int:workshop_id>/results")
@org_view(Action.RUN_WORKSHOP)
def reveal_results(workshop_id: int):
    form = RevealForm()
    if not form.validate_on_submit():
        _workshop_or_404(workshop_id)
        if wants_json():
            return jsonify(error=_("The request could not be understood.")), 400
        abort(400)
    revealed = form.revealed.data == "1"
    return _facilitator_change(
        workshop_id, lambda w: service.set_results_revealed(w, revealed, actor=current_user)
    )


@bp.post(f"{ORG}/<int:workshop_id>/link/revoke")
@org_view(Action.RUN_WORKSHOP)
def revoke_link(workshop_id: int):
    return _facilitator_change(
        workshop_id,
        lambda w: service.revoke_link(w, actor=current_user),
        _("The join link has been withdrawn. Guests can no longer open the board with it."),
    )


@bp.post(f"{ORG}/<int:workshop_id>/link/new")
@org_view(Action.RUN_WORKSHOP)
def new_link(workshop_id: int):
    return _facilitator_change(
        workshop_id,
        lambda w: service.new_link(w, actor=current_user),
        _("A new join link has been made; the old one no longer works."),
    )


@bp.post(f"{ORG}/<int:workshop_id>/archive")
@org_view(Action.RUN_WORKSHOP)
def archive(workshop_id: int):
    return _facilitator_change(
        workshop_id,
        lambda w: service.set_archived(w, True, actor=current_user),
        _("The workshop is archived."),
    )


@bp.post(f"{ORG}/<int:workshop_id>/restore")
@org_view(Action.RUN_WORKSHOP)
def restore(workshop_id: int):
    return _facilitator_change(
        workshop_id,
        lambda w: service.set_archived(w, False, actor=current_user),
        _("The workshop is restored."),
    )


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/move")
@org_view(Action.RUN_WORKSHOP)
def move_card(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    card = _card_or_404(workshop, card_id)
    links = _member_links(workshop)
    form = MoveCardForm()
    form.column_key.choices = [
        SelectChoice(c["key"], service.column_title(workshop, c)) for c in workshop.columns
    ]
    participant = service.member_participant(workshop, current_user)
    if not form.validate_on_submit():
        flash(_("Choose one of the board's columns."), "error")
        return _render_board(workshop, links, participant, status=400)
    try:
        moved = card_service.move_card(card, form.column_key.data, actor=current_user)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links, _fixed(participant))
    return _done(links, _("The card has been moved.") if moved else None, anchor=f"card-{card.id}")


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/merge")
@org_view(Action.RUN_WORKSHOP)
def merge_card(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    card = _card_or_404(workshop, card_id)
    links = _member_links(workshop)
    participant = service.member_participant(workshop, current_user)
    form = MergeCardForm()
    others = db.session.scalars(
        sa.select(WorkshopCard).where(
            WorkshopCard.workshop_id == workshop.id,
            WorkshopCard.merged_into_id.is_(None),
            WorkshopCard.id != card.id,
        )
    )
    form.into_id.choices = [SelectChoice(str(c.id), c.text[:60]) for c in others]
    if not form.validate_on_submit():
        flash(_("Choose the card to merge it into."), "error")
        return _render_board(workshop, links, participant, status=400)
    target = _card_or_404(workshop, form.into_id.data)
    try:
        card_service.merge_cards(card, target, combine_text=form.combine.data, actor=current_user)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links, _fixed(participant))
    return _done(links, _("The cards have been merged."), anchor=f"card-{target.id}")


# -- the projector and the join link's QR code -------------------------------------------------------------


@bp.get(f"{ORG}/<int:workshop_id>/projector")
@org_view(Action.RUN_WORKSHOP)
def projector(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    return render_template(
        "workshops/projector.html",
        workshop=workshop,
        join_url=_join_url(workshop),
        link_active=service.link_is_active(workshop),
        phase_label=service.PHASE_LABELS[Phase(workshop.phase)],
    )


@bp.get(f"{ORG}/<int:workshop_id>/qr.svg")
@org_view(Action.RUN_WORKSHOP)
def qr_code(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    if not service.link_is_active(workshop):
        abort(410)
    out = io.BytesIO()
    segno.make(_join_url(workshop), error="m").save(
        out,
        kind="svg",
        scale=10,
        border=2,
        xmldecl=False,
        title=_("Join link for %(title)s", title=workshop.title),
    )
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


# -- turning a card into a goal, an action plan or a KPI ---------------------------------------------------


def _goal_choices(workshop: Workshop) -> list[SelectChoice]:
    """Open goals of the organisation's open strategies; the workshop's own strategy first."""
    rows = db.session.execute(
        sa.select(Goal.id, Goal.title, Strategy.id, Strategy.title)
        .join(Strategy, Goal.strategy_id == Strategy.id)
        .where(
            Goal.organisation_id == g.org.id,
            Goal.archived_at.is_(None),
            Strategy.archived_at.is_(None),
        )
        .order_by(Strategy.title, Goal.position, Goal.id)
    ).all()
    rows.sort(key=lambda r: r[2] != workshop.strategy_id)  # stable: keeps the order within each strategy
    return [
        SelectChoice(str(goal_id), f"{strategy_title} › {title}")
        for goal_id, title, _sid, strategy_title in rows
    ]


def _prefill(card: WorkshopCard) -> tuple[str, str]:
    """A title from the card's text (first line, at most 300 characters), and the full text when longer."""
    text = card.text.strip()
    title = " ".join(text.splitlines()[0].split())[:300] if text else ""
    description = text if text != title else ""
    return title, description


@bp.route(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/convert/<kind>", methods=["GET", "POST"])
@org_view(Action.RUN_WORKSHOP)
def convert_card(workshop_id: int, card_id: int, kind: str):
    workshop = _workshop_or_404(workshop_id)
    card = _card_or_404(workshop, card_id)
    if kind not in CONVERT_FORMS:
        deny(404)
    links = _member_links(workshop)
    if card.merged_into_id is not None or card.converted_kind is not None:
        flash(_("This card has already been merged or turned into part of the plan."), "error")
        return redirect(links.board() + f"#card-{card.id}")
    form_class = CONVERT_FORMS[kind]
    if request.method == "GET":
        title, description = _prefill(card)
        defaults = {"title": title, "description": description}
        if kind == ConvertedKind.GOAL and workshop.strategy_id:
            defaults["strategy_id"] = workshop.strategy_id
        form = form_class(formdata=None, **defaults)
    else:
        form = form_class()
    choices_missing = False
    if kind == ConvertedKind.GOAL:
        form.strategy_id.choices = [SelectChoice(str(s.id), s.title) for s in _org_strategies()]
        choices_missing = not form.strategy_id.choices
    else:
        form.goal_id.choices = _goal_choices(workshop)
        choices_missing = not form.goal_id.choices
    context = {
        "form": form,
        "workshop": workshop,
        "card": card,
        "kind": kind,
        "kind_label": service.KIND_LABELS[ConvertedKind(kind)],
        "votes": card_service.card_total(card),
        "choices_missing": choices_missing,
    }
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("workshops/convert.html", **context), 200 if request.method == "GET" else 400
    data = conversion_service.Conversion(title=form.title.data, description=form.description.data or "")
    if kind == ConvertedKind.GOAL:
        data.strategy = get_in_org_or_404(Strategy, form.strategy_id.data)
    else:
        data.goal = get_in_org_or_404(Goal, form.goal_id.data, options=(joinedload(Goal.strategy),))
        if kind == ConvertedKind.ACTION_PLAN:
            data.due_date = form.due_date.data
        else:
            data.unit = form.unit.data or ""
    try:
        item = conversion_service.convert_card(card, kind, data, actor=current_user, today=date.today())
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return render_template("workshops/convert.html", **context), 400
    db.session.commit()
    if kind == ConvertedKind.GOAL:
        message = _("The card is now the goal “%(title)s”.", title=item.title)
    elif kind == ConvertedKind.ACTION_PLAN:
        message = _("The card is now the action plan “%(title)s”.", title=item.title)
    else:
        message = _("The card is now the KPI “%(title)s”.", title=item.name)
    flash(message, "success")
    return redirect(item_url(card) or links.board())


# -- minutes -----------------------------------------------------------------------------------------------


def _minutes_context(workshop: Workshop) -> dict:
    facilitator = db.session.get(User, workshop.facilitator_id) if workshop.facilitator_id else None
    strategy = db.session.get(Strategy, workshop.strategy_id) if workshop.strategy_id else None
    return {
        "workshop": workshop,
        "board": board_service.load_board(workshop),
        "facilitator": facilitator,
        "strategy": strategy,
        "phase_label": service.PHASE_LABELS[Phase(workshop.phase)],
        "layout_label": service.LAYOUT_LABELS[Layout(workshop.layout)],
        "kind_labels": service.KIND_LABELS,
        "item_url": item_url,
    }


@bp.get(f"{ORG}/<int:workshop_id>/minutes")
@org_view(Action.VIEW)
def minutes(workshop_id: int):
    return render_template("workshops/minutes.html", **_minutes_context(_workshop_or_404(workshop_id)))


@bp.get(f"{ORG}/<int:workshop_id>/minutes.xlsx")
@org_view(Action.VIEW)
def minutes_xlsx(workshop_id: int):
    context = _minutes_context(_workshop_or_404(workshop_id))
    body = minutes_service.minutes_xlsx(
        context["board"],
        item_url=lambda card: item_url(card, external=True),
        facilitator_name=context["facilitator"].name if context["facilitator"] else "",
        strategy_title=context["strategy"].title if context["strategy"] else "",
    )
    response = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="workshop-{workshop_id}-minutes.xlsx"'
    return response
