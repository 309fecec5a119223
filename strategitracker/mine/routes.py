"""The "Mine" page: the action plans and KPIs the current user is responsible for, and what needs care."""

from datetime import date

from flask import g, render_template
from flask_login import current_user

from ..permissions import org_view
from ..services import overview as service
from ..services import reminder
from . import bp


@bp.get("/mine")
@org_view()
def mine():
    items = service.owned_items(g.org, current_user, date.today())
    return render_template(
        "workspace/mine.html",
        items=items,
        update_interval_days=service.UPDATE_INTERVAL_DAYS,
        sent_to_me=reminder.sent_to(g.org, current_user),
    )
