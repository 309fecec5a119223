"""Publishing a strategy on the public dashboard (/public): administrators only (Action.PUBLISH)."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..models import Strategy
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import ServiceError
from ..services import strategy as publishing
from . import bp


def _change(strategy_id: int, publish: bool):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    page = url_for(".strategy", slug=g.org.slug, strategy_id=strategy.id)
    change = publishing.publish_strategy if publish else publishing.unpublish_strategy
    try:
        changed = change(strategy, actor=current_user)
    except ServiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(page)
    db.session.commit()
    if changed:
        if publish:
            flash(
                _("The strategy has been published. Everyone can now see it on the public pages."), "success"
            )
        else:
            flash(_("The strategy is no longer published."), "success")
    return redirect(page)


@bp.post("/strategies/<int:strategy_id>/publish")
@org_view(Action.PUBLISH)
def publish_strategy(strategy_id: int):
    return _change(strategy_id, True)


@bp.post("/strategies/<int:strategy_id>/unpublish")
@org_view(Action.PUBLISH)
def unpublish_strategy(strategy_id: int):
    return _change(strategy_id, False)
