"""A facilitator's controls while a workshop runs: its phases, revealing the results, the join link,
archiving, and the projector view with the join link's QR code.
"""

from __future__ import annotations

import io

import segno
from flask import Response, abort, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import Phase, Workshop
from ..permissions import Action, org_view, wants_json
from ..services import workshop as service
from ..view_helpers import submit
from . import bp
from .common import ORG, Links, join_url, member_state, workshop_or_404
from .forms import RevealForm


def _facilitator_change(workshop_id: int, change, message: str | None = None):
    """Run a facilitator's change (phase, results, link, archive); JSON for the projector's keys."""
    workshop = workshop_or_404(workshop_id)
    links = Links(workshop, slug=g.org.slug)
    as_json = wants_json()  # the projector's keys
    return submit(
        lambda: change(workshop),
        success=message,
        done=lambda _result: jsonify(member_state(workshop)) if as_json else _after_change(workshop, links),
        refused=lambda: redirect(links.board()),
        as_json=as_json,
    )


def _after_change(workshop: Workshop, links: Links):
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
        workshop_or_404(workshop_id)
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


# -- the projector and the join link's QR code -------------------------------------------------------------


@bp.get(f"{ORG}/<int:workshop_id>/projector")
@org_view(Action.RUN_WORKSHOP)
def projector(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    return render_template(
        "workshops/projector.html",
        workshop=workshop,
        join_url=join_url(workshop),
        link_active=service.link_is_active(workshop),
        phase_label=service.PHASE_LABELS[Phase(workshop.phase)],
    )


@bp.get(f"{ORG}/<int:workshop_id>/qr.svg")
@org_view(Action.RUN_WORKSHOP)
def qr_code(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    if not service.link_is_active(workshop):
        abort(410)
    out = io.BytesIO()
    segno.make(join_url(workshop), error="m").save(
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
