"""Workshop mode: boards of idea cards, dot voting, a projector view, minutes, and cards turned into the plan.

Two doors lead to a board:
- members of the organisation, logged in, under /o/<slug>/workshops/… (the usual `org_view` checks);
  facilitators and administrators (Action.RUN_WORKSHOP) create and run workshops;
- guests without an account, through the join link /w/<token>…: they give a display name, and their
  participant id is kept in the Flask session under the workshop's id. The token opens this one board and
  nothing else; a closed or archived workshop, or a revoked link, answers 410 with a message.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import segno
import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..extensions import db, limiter
from ..models import ConvertedKind, Goal, Layout, Organisation, Phase, Strategy, User, Workshop, WorkshopCard
from ..models import WorkshopParticipant as Participant
from ..permissions import Action, can, deny, get_in_org_or_404, org_view, role_in, wants_json
from ..services import ServiceError
from ..services import workshops as service
from .forms import (
    CONVERT_FORMS,
    CardForm,
    EditCardForm,
    EditWorkshopForm,
    JoinForm,
    MergeCardForm,
    MoveCardForm,
    RevealForm,
    WorkshopForm,
)

bp = Blueprint("workshops", __name__)

ORG = "/o/<slug>/workshops"
GUEST = "/w/<token>"
SESSION_KEY = "workshop_guests"  # {str(workshop id): participant id}
#: Adding cards and placing dots, per participant.
PARTICIPANT_LIMIT = "30 per minute"


# -- helpers -----------------------------------------------------------------------------------------------


@bp.app_template_global()
def workshop_provenance(item) -> tuple[WorkshopCard, Workshop] | None:
    """For goal/action-plan/KPI pages: the card and workshop the item came from (one query, or none)."""
    return service.provenance(item)


def _workshop_or_404(workshop_id: int) -> Workshop:
    return get_in_org_or_404(Workshop, workshop_id)


def _card_or_404(workshop: Workshop, card_id: int) -> WorkshopCard:
    card = db.session.get(WorkshopCard, card_id)
    if card is None or card.workshop_id != workshop.id:
        deny(404)
    return card


def _guest_participant(workshop: Workshop) -> Participant | None:
    """The guest participant this browser session joined `workshop` as, if any."""
    participant_id = session.get(SESSION_KEY, {}).get(str(workshop.id))
    if participant_id is None:
        return None
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != workshop.id or participant.user_id is not None:
        return None
    return participant


def _remember_guest(workshop: Workshop, participant: Participant) -> None:
    guests = dict(session.get(SESSION_KEY, {}))
    guests[str(workshop.id)] = participant.id
    session[SESSION_KEY] = guests


def _link_problem(status: int, message: str):
    if wants_json():
        response = jsonify(error=message)
    else:
        response = Response(render_template("workshops/link_problem.html", message=message, status=status))
    response.status_code = status
    abort(response)


def _guest_workshop(token: str) -> Workshop:
    """The workshop of a usable join link; else a page that says why not (404/410)."""
    workshop = service.workshop_by_token(token)
    problem = service.token_problem(workshop)
    if problem:
        _link_problem(*problem)
    return workshop


def _joined_guest(token: str) -> tuple[Workshop, Participant]:
    workshop = _guest_workshop(token)
    participant = _guest_participant(workshop)
    if participant is None:
        deny(403)
    return workshop, participant


def participant_key() -> str:
    """The rate-limit key: one participant of one workshop (guest or member), else the address."""
    args = request.view_args or {}
    if "token" in args:
        workshop = service.workshop_by_token(args["token"])
        participant = _guest_participant(workshop) if workshop else None
        if participant is not None:
            return f"workshop-participant:{participant.id}"
    elif current_user.is_authenticated and "workshop_id" in args:
        return f"workshop-member:{current_user.id}:{args['workshop_id']}"
    return f"workshop-address:{request.remote_addr}"


@dataclass
class Links:
    """The board's URLs, for a member (slug + id) or a guest (token)."""

    workshop: Workshop
    slug: str | None = None
    token: str | None = None

    @property
    def guest(self) -> bool:
        return self.token is not None

    def _url(self, member: str, guest: str, **values) -> str:
        if self.token is not None:
            return url_for(f"workshops.{guest}", token=self.token, **values)
        return url_for(f"workshops.{member}", slug=self.slug, workshop_id=self.workshop.id, **values)

    def board(self) -> str:
        return self._url("board", "guest_board")

    def state(self) -> str:
        return self._url("state", "guest_state")

    def add_card(self) -> str:
        return self._url("add_card", "guest_add_card")

    def edit_card(self, card_id: int) -> str:
        return self._url("edit_card", "guest_edit_card", card_id=card_id)

    def vote(self, card_id: int) -> str:
        return self._url("vote", "guest_vote", card_id=card_id)

    def unvote(self, card_id: int) -> str:
        return self._url("unvote", "guest_unvote", card_id=card_id)


ITEM_ENDPOINTS = {
    ConvertedKind.GOAL: ("workspace.goal", "goal_id"),
    ConvertedKind.ACTION_PLAN: ("workspace.action_plan", "action_plan_id"),
    ConvertedKind.KPI: ("workspace.kpi", "kpi_id"),
}


def item_url(card: WorkshopCard, *, external: bool = False) -> str | None:
    """The page of the goal/action plan/KPI a card became (members only)."""
    if not card.converted_kind or not card.converted_id:
        return None
    endpoint, arg = ITEM_ENDPOINTS[ConvertedKind(card.converted_kind)]
    return url_for(endpoint, slug=g.org.slug, _external=external, **{arg: card.converted_id})


def _join_url(workshop: Workshop) -> str:
    return url_for("workshops.guest_join", token=workshop.join_token, _external=True)


def _card_form(workshop: Workshop, **kwargs) -> CardForm:
    form = CardForm(**kwargs)
    form.set_columns([(c["key"], service.column_title(workshop, c)) for c in workshop.columns])
    return form


def _render_board(
    workshop: Workshop,
    links: Links,
    participant: Participant | None,
    *,
    status: int = 200,
    card_form: CardForm | None = None,
    editing: tuple[int, EditCardForm] | None = None,
):
    board = service.load_board(workshop, participant)
    facilitator = not links.guest and can(Action.RUN_WORKSHOP)
    context = {
        "workshop": workshop,
        "board": board,
        "links": links,
        "participant": participant,
        "facilitator": facilitator,
        "card_form": card_form or _card_form(workshop, formdata=None),
        "editing": editing,
        "fingerprint": service.board_fingerprint(board),
        "phase_label": service.PHASE_LABELS[Phase(workshop.phase)],
        "kind_labels": service.KIND_LABELS,
        "item_url": None if links.guest else item_url,
        "closed": service.is_closed(workshop),
    }
    if facilitator:
        context |= {
            "join_url": _join_url(workshop),
            "link_active": service.link_is_active(workshop),
            "strategy": db.session.get(Strategy, workshop.strategy_id) if workshop.strategy_id else None,
        }
    return render_template("workshops/board.html", **context), status


def _refused_on_board(exc: ServiceError, workshop: Workshop, links: Links, participant_of=None, **kw):
    """Undo the request's writes, then show the board again (400) with the message.

    `participant_of(create=False)` is asked only after the rollback: a participant row made by this very
    request (a member's first card) is gone again."""
    workshop_id = workshop.id
    db.session.rollback()
    flash(str(exc), "error")
    workshop = db.session.get(Workshop, workshop_id)
    participant = participant_of(create=False) if participant_of else None
    return _render_board(workshop, links, participant, status=400, **kw)


def _fixed(participant: Participant | None):
    return lambda create: participant


def _done(links: Links, message: str | None = None, anchor: str | None = None):
    db.session.commit()
    if message:
        flash(message, "success")
    target = links.board() + (f"#{anchor}" if anchor else "")
    return redirect(target)


# -- shared participant actions (a member's or a guest's) --------------------------------------------------


def _add_card(workshop: Workshop, links: Links, participant_of):
    form = _card_form(workshop)
    if not form.validate_on_submit():
        return _render_board(workshop, links, participant_of(create=False), status=400, card_form=form)
    try:
        participant = participant_of(create=True)
        card = service.add_card(workshop, participant, column_key=form.column_key.data, text=form.text.data)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links, participant_of, card_form=form)
    return _done(links, _("Your card has been added."), anchor=f"card-{card.id}")


def _edit_card(workshop: Workshop, links: Links, participant: Participant | None, card_id: int):
    card = _card_or_404(workshop, card_id)
    form = EditCardForm()
    if not form.validate_on_submit():
        return _render_board(workshop, links, participant, status=400, editing=(card.id, form))
    if participant is None:
        exc = ServiceError(_("Only the person who wrote a card can change it."))
        return _refused_on_board(exc, workshop, links, _fixed(participant), editing=(card.id, form))
    try:
        service.edit_card(card, participant, text=form.text.data)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links, _fixed(participant), editing=(card.id, form))
    return _done(links, _("Your card has been changed."), anchor=f"card-{card.id}")


def _vote(workshop: Workshop, links: Links, participant_of, card_id: int, *, add: bool):
    card = _card_or_404(workshop, card_id)
    try:
        participant = participant_of(create=add)
        if participant is None:
            raise ServiceError(_("You have no dots on this card."))
        if add:
            service.add_vote(card, participant)
        else:
            service.remove_vote(card, participant)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links, participant_of)
    return _done(links, anchor=f"card-{card.id}")


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


# -- the board, for members --------------------------------------------------------------------------------


def _member_links(workshop: Workshop) -> Links:
    return Links(workshop, slug=g.org.slug)


def _member_participant_of(workshop: Workshop):
    def participant_of(create: bool) -> Participant | None:
        if create:
            return service.join_as_member(workshop, current_user)
        return service.member_participant(workshop, current_user)

    return participant_of


def _member_state(workshop: Workshop) -> dict:
    board = service.load_board(workshop, service.member_participant(workshop, current_user))
    join_url = _join_url(workshop) if can(Action.RUN_WORKSHOP) else None
    return service.board_state(board, item_url=item_url, join_url=join_url)


@bp.get(f"{ORG}/<int:workshop_id>")
@org_view(Action.VIEW)
def board(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    return _render_board(
        workshop, _member_links(workshop), service.member_participant(workshop, current_user)
    )


@bp.get(f"{ORG}/<int:workshop_id>/state")
@org_view(Action.VIEW)
def state(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    response = jsonify(_member_state(workshop))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post(f"{ORG}/<int:workshop_id>/join")
@org_view(Action.VIEW)
def join(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    links = _member_links(workshop)
    try:
        service.join_as_member(workshop, current_user)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links)
    return _done(links, _("You have joined the workshop."))


@bp.post(f"{ORG}/<int:workshop_id>/cards")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def add_card(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    return _add_card(workshop, _member_links(workshop), _member_participant_of(workshop))


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/edit")
@org_view(Action.VIEW)
def edit_card(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    participant = service.member_participant(workshop, current_user)
    return _edit_card(workshop, _member_links(workshop), participant, card_id)


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/vote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def vote(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    return _vote(workshop, _member_links(workshop), _member_participant_of(workshop), card_id, add=True)


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/unvote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def unvote(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    return _vote(workshop, _member_links(workshop), _member_participant_of(workshop), card_id, add=False)


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/move")
@org_view(Action.RUN_WORKSHOP)
def move_card(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    card = _card_or_404(workshop, card_id)
    links = _member_links(workshop)
    form = MoveCardForm()
    form.column_key.choices = [(c["key"], service.column_title(workshop, c)) for c in workshop.columns]
    participant = service.member_participant(workshop, current_user)
    if not form.validate_on_submit():
        flash(_("Choose one of the board's columns."), "error")
        return _render_board(workshop, links, participant, status=400)
    try:
        moved = service.move_card(card, form.column_key.data, actor=current_user)
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
    form.into_id.choices = [(str(c.id), c.text[:60]) for c in others]
    if not form.validate_on_submit():
        flash(_("Choose the card to merge it into."), "error")
        return _render_board(workshop, links, participant, status=400)
    target = _card_or_404(workshop, form.into_id.data)
    try:
        service.merge_cards(card, target, combine_text=form.combine.data, actor=current_user)
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


def _goal_choices(workshop: Workshop) -> list[tuple[str, str]]:
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
    return [(str(goal_id), f"{strategy_title} › {title}") for goal_id, title, _sid, strategy_title in rows]


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
        form.strategy_id.choices = [(str(s.id), s.title) for s in _org_strategies()]
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
        "votes": service.card_total(card),
        "choices_missing": choices_missing,
    }
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("workshops/convert.html", **context), 200 if request.method == "GET" else 400
    data = service.Conversion(title=form.title.data, description=form.description.data or "")
    if kind == ConvertedKind.GOAL:
        data.strategy = get_in_org_or_404(Strategy, form.strategy_id.data)
    else:
        data.goal = get_in_org_or_404(Goal, form.goal_id.data, options=(joinedload(Goal.strategy),))
        if kind == ConvertedKind.ACTION_PLAN:
            data.due_date = form.due_date.data
        else:
            data.unit = form.unit.data or ""
    try:
        item = service.convert_card(card, kind, data, actor=current_user, today=date.today())
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
        "board": service.load_board(workshop),
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
    body = service.minutes_xlsx(
        context["board"],
        item_url=lambda card: item_url(card, external=True),
        facilitator_name=context["facilitator"].name if context["facilitator"] else "",
        strategy_title=context["strategy"].title if context["strategy"] else "",
    )
    response = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="workshop-{workshop_id}-minutes.xlsx"'
    return response


# -- the board, for guests (join link) ---------------------------------------------------------------------


def _member_of(workshop: Workshop) -> bool:
    if not current_user.is_authenticated:
        return False
    org = db.session.get(Organisation, workshop.organisation_id)
    return role_in(current_user, org) is not None


@bp.route(GUEST, methods=["GET", "POST"])
def guest_join(token: str):
    workshop = _guest_workshop(token)
    if _member_of(workshop):  # members take part with their own account
        org = db.session.get(Organisation, workshop.organisation_id)
        flash(_("You are a member of %(org)s, so you take part with your own account.", org=org.name), "info")
        return redirect(url_for(".board", slug=org.slug, workshop_id=workshop.id))
    if _guest_participant(workshop) is not None:
        return redirect(url_for(".guest_board", token=token))
    form = JoinForm()
    if form.validate_on_submit():
        try:
            participant = service.join_as_guest(workshop, form.display_name.data)
        except ServiceError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return render_template("workshops/join.html", form=form, workshop=workshop), 400
        db.session.commit()
        _remember_guest(workshop, participant)
        flash(_("Welcome, %(name)s.", name=participant.display_name), "success")
        return redirect(url_for(".guest_board", token=token))
    status = 400 if form.is_submitted() else 200
    return render_template("workshops/join.html", form=form, workshop=workshop), status


def _guest_links(workshop: Workshop, token: str) -> Links:
    return Links(workshop, token=token)


@bp.get(f"{GUEST}/board")
def guest_board(token: str):
    workshop = _guest_workshop(token)
    participant = _guest_participant(workshop)
    if participant is None:
        return redirect(url_for(".guest_join", token=token))
    return _render_board(workshop, _guest_links(workshop, token), participant)


@bp.get(f"{GUEST}/state")
def guest_state(token: str):
    workshop, participant = _joined_guest(token)
    board = service.load_board(workshop, participant)
    response = jsonify(service.board_state(board))
    response.headers["Cache-Control"] = "no-store"
    return response


def _guest_participant_of(participant: Participant):
    return _fixed(participant)


@bp.post(f"{GUEST}/cards")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
def guest_add_card(token: str):
    workshop, participant = _joined_guest(token)
    return _add_card(workshop, _guest_links(workshop, token), _guest_participant_of(participant))


@bp.post(f"{GUEST}/cards/<int:card_id>/edit")
def guest_edit_card(token: str, card_id: int):
    workshop, participant = _joined_guest(token)
    return _edit_card(workshop, _guest_links(workshop, token), participant, card_id)


@bp.post(f"{GUEST}/cards/<int:card_id>/vote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
def guest_vote(token: str, card_id: int):
    workshop, participant = _joined_guest(token)
    links = _guest_links(workshop, token)
    return _vote(workshop, links, _guest_participant_of(participant), card_id, add=True)


@bp.post(f"{GUEST}/cards/<int:card_id>/unvote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
def guest_unvote(token: str, card_id: int):
    workshop, participant = _joined_guest(token)
    links = _guest_links(workshop, token)
    return _vote(workshop, links, _guest_participant_of(participant), card_id, add=False)
