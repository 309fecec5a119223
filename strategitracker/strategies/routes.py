"""The organisation's start page (its strategies) and a strategy's page, forms, archiving and publishing.

Reading is for every member; creating, editing, archiving and restoring need Action.EDIT_STRATEGY and
publishing on the public pages (/public) Action.PUBLISH. Archived strategies stay readable by URL and are
listed separately (`?archived=1`, for those who may restore them).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..charts import chart_labels, chart_locale, kpi_sparklines
from ..extensions import db
from ..models import Goal, Strategy
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import report as reports
from ..services import strategy as strategies
from ..services.overview import strategy_overview
from ..view_helpers import archive_view, show_archived, submit
from . import bp
from .forms import StrategyForm

TEMPLATE = "workspace/strategy_form.html"


def _strategy_url(strategy_id: int) -> str:
    return url_for(".strategy", slug=g.org.slug, strategy_id=strategy_id)


@bp.get("/")
@org_view()
def home():
    archived_only = show_archived()
    goal_count = (
        sa.select(sa.func.count(Goal.id))
        .where(Goal.strategy_id == Strategy.id, Goal.archived_at.is_(None))
        .correlate(Strategy)
        .scalar_subquery()
    )
    archived = Strategy.archived_at.is_not(None) if archived_only else Strategy.archived_at.is_(None)
    rows = db.session.execute(
        sa.select(Strategy, goal_count.label("goal_count"))
        .where(Strategy.organisation_id == g.org.id, archived)
        .order_by(Strategy.period_start.desc(), Strategy.title)
    ).all()
    return render_template("workspace/home.html", rows=rows, show_archived=archived_only)


@bp.get("/strategies/<int:strategy_id>")
@org_view()
def strategy(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    archived_only = show_archived()
    archived_goals: list[Goal] = []
    if archived_only:
        archived_goals = list(
            db.session.scalars(
                sa.select(Goal)
                .where(Goal.strategy_id == strategy.id, Goal.archived_at.is_not(None))
                .order_by(Goal.position, Goal.id)
            )
        )
    return render_template(
        "workspace/strategy.html",
        strategy=strategy,
        overview=strategy_overview(strategy, date.today()),
        show_archived=archived_only,
        archived_goals=archived_goals,
    )


def _strategy_data(form: StrategyForm) -> dict:
    return {
        "title": form.title.data,
        "vision": form.vision.data,
        "period_start": form.period_start.data,
        "period_end": form.period_end.data,
    }


def _form_page(form: StrategyForm, strategy: Strategy | None):
    return render_template(TEMPLATE, form=form, strategy=strategy), 400 if form.is_submitted() else 200


@bp.route("/strategies/new", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def new_strategy():
    form = StrategyForm()
    if not form.validate_on_submit():
        return _form_page(form, None)
    return submit(
        lambda: strategies.create_strategy(g.org, **_strategy_data(form), actor=current_user),
        form=form,
        success=lambda created: _("The strategy %(title)s has been created.", title=created.title),
        done=lambda created: redirect(_strategy_url(created.id)),
        refused=lambda: _form_page(form, None),
    )


@bp.route("/strategies/<int:strategy_id>/edit", methods=["GET", "POST"])
@org_view(Action.EDIT_STRATEGY)
def edit_strategy(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    page = _strategy_url(strategy.id)
    if strategy.archived_at is not None:
        flash(_("The strategy is archived. Restore it before making changes."), "error")
        return redirect(page)
    form = StrategyForm(obj=strategy)
    if not form.validate_on_submit():
        return _form_page(form, strategy)
    return submit(
        lambda: strategies.update_strategy(strategy, **_strategy_data(form), actor=current_user),
        form=form,
        success=_("The strategy has been saved."),
        done=lambda _result: redirect(page),
        refused=lambda: _form_page(form, strategy),
    )


@bp.post("/strategies/<int:strategy_id>/archive")
@org_view(Action.EDIT_STRATEGY)
def archive_strategy(strategy_id: int):
    return archive_view(
        get_in_org_or_404(Strategy, strategy_id),
        True,
        _("The strategy has been archived. You can restore it from the archived strategies."),
        _strategy_url(strategy_id),
    )


@bp.post("/strategies/<int:strategy_id>/restore")
@org_view(Action.EDIT_STRATEGY)
def restore_strategy(strategy_id: int):
    return archive_view(
        get_in_org_or_404(Strategy, strategy_id),
        False,
        _("The strategy has been restored."),
        _strategy_url(strategy_id),
    )


def _publish(strategy_id: int, publish: bool):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    page = _strategy_url(strategy.id)
    change = strategies.publish_strategy if publish else strategies.unpublish_strategy
    if publish:
        message = _("The strategy has been published. Everyone can now see it on the public pages.")
    else:
        message = _("The strategy is no longer published.")
    return submit(
        lambda: change(strategy, actor=current_user),
        success=lambda changed: message if changed else None,
        done=lambda _changed: redirect(page),
        refused=lambda: redirect(page),
    )


@bp.get("/strategies/<int:strategy_id>/publish")
@org_view(Action.PUBLISH)
def confirm_publish(strategy_id: int):
    """Publishing is a second step: the public page as it will look, and a button that confirms it."""
    strategy = get_in_org_or_404(Strategy, strategy_id)
    if strategy.published or strategy.archived_at is not None:
        return redirect(_strategy_url(strategy.id))
    today = date.today()
    overview = strategy_overview(strategy, today)
    preview = Markup(
        render_template(
            "public/_strategy_body.html",
            strategy=strategy,
            organisation=g.org,
            overview=overview,
            sparklines=kpi_sparklines(overview, chart_labels(), chart_locale()),
            today=today,
            council_reports=reports.published_snapshots(strategy),
        )
    )
    return render_template("workspace/confirm_publish.html", strategy=strategy, preview=preview)


@bp.post("/strategies/<int:strategy_id>/publish")
@org_view(Action.PUBLISH)
def publish_strategy(strategy_id: int):
    """Publishes only from the confirm page (`confirmed`); any other post is sent to that page first."""
    if request.form.get("confirmed") != "1":
        get_in_org_or_404(Strategy, strategy_id)
        return redirect(url_for(".confirm_publish", slug=g.org.slug, strategy_id=strategy_id))
    return _publish(strategy_id, True)


@bp.post("/strategies/<int:strategy_id>/unpublish")
@org_view(Action.PUBLISH)
def unpublish_strategy(strategy_id: int):
    return _publish(strategy_id, False)
