"""Frozen reports: the report's data written down once as plain JSON, and read back unchanged.

`report_document` turns a `StrategyReport` into a document of plain values (statuses, values, targets,
progress, action-plan states, the comments shown, the summary written for the meeting). The snapshot keeps
that document, never HTML, and nothing changes it afterwards: the page and the comparison are drawn from it
alone, so a frozen report reads the same after any change to the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import to_user_timezone

from ... import progress
from ...extensions import db
from ...models import ActionPlan, ActionPlanUpdate, ReportSnapshot, Strategy, User
from .. import ServiceError, audit
from ..overview import GoalView, KPIView
from .council import StrategyReport

#: The document's layout; a reader of an older layout can tell from it.
DOCUMENT_VERSION = 1
TITLE_MAX = 200
SUMMARY_MAX = 5000
#: The parts of a report, in the order it shows them: since last time, the goals' status summary, each goal's
#: KPI table, the KPI charts with their latest values, each KPI's yearly summary, the action plans and the
#: plans' latest comments. A report builder may leave any of them out.
SECTIONS = ("changes", "summary", "kpis", "charts", "years", "plans", "comments")


def chosen_sections(names: Iterable[str] | None) -> list[str] | None:
    """The known sections among `names`, in report order; None (every section) for None. Unknown names
    are left out (they can only come from a changed URL)."""
    if names is None:
        return None
    wanted = set(names)
    return [name for name in SECTIONS if name in wanted]


def document_sections(document: Mapping[str, Any]) -> frozenset[str]:
    """The sections a report document shows: those chosen when it was made; every one when none were."""
    chosen = document.get("sections")
    return frozenset(SECTIONS if chosen is None else chosen)


def snapshot_title_error(title: str) -> str | None:
    """The snapshot's title: required, at most TITLE_MAX characters."""
    if not title.strip():
        return _("Give the frozen report a title, e.g. the meeting it is for.")
    if len(title.strip()) > TITLE_MAX:
        return _("The title can be at most %(max)d characters.", max=TITLE_MAX)
    return None


def snapshot_summary_error(summary: str) -> str | None:
    if len(summary) > SUMMARY_MAX:
        return _("The summary can be at most %(max)d characters.", max=SUMMARY_MAX)
    return None


def sections_error(sections: Iterable[str] | None) -> str | None:
    """A report shows at least one of its sections."""
    if sections is not None and not chosen_sections(sections):
        return _("Choose at least one section for the report.")
    return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _point(point: progress.Point | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {"period": _iso(point.period), "value": point.value, "out_of": point.out_of}


def _kpi(view: KPIView) -> dict[str, Any]:
    kpi, summary = view.kpi, view.summary
    target = summary.target
    return {
        "id": kpi.id,
        "name": kpi.name,
        "unit": kpi.unit or "",
        "kind": kpi.kind,
        "source": kpi.source or "",
        "direction": view.data.direction,
        "frequency": view.data.frequency,
        "baseline": _point(summary.baseline),
        "targets": [
            {"value": t.value, "target_date": _iso(t.target_date), "set_on": _iso(t.set_on)}
            for t in view.data.targets
        ],
        "measurements": [
            {"period": m.period.isoformat(), "value": m.value, "out_of": m.out_of, "source": m.source or ""}
            for m in view.measurements
        ],
        "latest": _point(summary.latest),
        "target": {"value": target.value, "target_date": _iso(target.target_date)} if target else None,
        "progress": summary.progress,
        "expected": summary.expected,
        "status": str(summary.status),
    }


def _plan(plan: ActionPlan, comment: ActionPlanUpdate | None, today: date) -> dict[str, Any]:
    return {
        "id": plan.id,
        "title": plan.title,
        "owner": plan.owner or "",
        "department": plan.department.name if plan.department else "",
        "status": plan.status,
        "progress": plan.progress,
        "start_date": _iso(plan.start_date),
        "due_date": _iso(plan.due_date),
        "overdue": progress.is_overdue(plan.status, plan.due_date, today),
        "comment": comment.comment if comment else "",
        "comment_date": _iso(to_user_timezone(comment.created_at).date()) if comment else None,
    }


def _goal(view: GoalView, report: StrategyReport) -> dict[str, Any]:
    goal = view.goal
    return {
        "id": goal.id,
        "title": goal.title,
        "description": goal.description or "",
        "owner": goal.owner or "",
        "status": str(view.status),
        "progress": view.progress,
        "kpis": [_kpi(k) for k in view.kpis],
        "plans": [_plan(p, report.latest_comments.get(p.id), report.today) for p in view.action_plans],
    }


def report_document(
    report: StrategyReport, *, summary: str = "", sections: Iterable[str] | None = None
) -> dict[str, Any]:
    """The report as plain JSON values: what a frozen report keeps, and what "since last time" compares.
    `sections` are the parts shown (SECTIONS; None: all)."""
    strategy = report.strategy
    return {
        "version": DOCUMENT_VERSION,
        "today": report.today.isoformat(),
        "organisation": strategy.organisation.name,
        "strategy": {
            "id": strategy.id,
            "title": strategy.title,
            "vision": strategy.vision or "",
            "period_start": _iso(strategy.period_start),
            "period_end": _iso(strategy.period_end),
        },
        "summary": summary.strip(),
        "sections": list(SECTIONS) if sections is None else chosen_sections(sections),
        "goals": [_goal(g, report) for g in report.overview.goals],
    }


def _chosen(document: dict[str, Any], goals: Mapping[int, str] | None) -> dict[str, Any]:
    """The document with only the chosen goals, each with the narrative written for it."""
    if goals is None:
        return document
    for narrative in goals.values():
        if error := snapshot_summary_error(narrative):
            raise ServiceError(error)
    chosen = [
        {**goal, "narrative": goals[goal["id"]].strip()} for goal in document["goals"] if goal["id"] in goals
    ]
    if not chosen and document["goals"]:
        raise ServiceError(_("Choose at least one goal for the report."))
    return {**document, "goals": chosen}


def freeze_report(
    report: StrategyReport,
    *,
    title: str,
    report_date: date,
    summary: str,
    actor: User,
    goals: Mapping[int, str] | None = None,
    sections: Iterable[str] | None = None,
) -> ReportSnapshot:
    """Keep the report as it is today under `title` (e.g. the meeting it is for) and `report_date`.

    `goals` maps the goals chosen for the report to the narrative written for each; None keeps every goal.
    `sections` are the parts of the report shown (SECTIONS); None shows them all.
    """
    for error in (snapshot_title_error(title), snapshot_summary_error(summary), sections_error(sections)):
        if error:
            raise ServiceError(error)
    strategy = report.strategy
    snapshot = ReportSnapshot(
        organisation_id=strategy.organisation_id,
        strategy_id=strategy.id,
        title=title.strip(),
        report_date=report_date,
        document=_chosen(report_document(report, summary=summary, sections=sections), goals),
        created_by_id=actor.id,
    )
    db.session.add(snapshot)
    db.session.flush()
    audit.record(
        "report.freeze",
        "report_snapshot",
        snapshot.id,
        organisation_id=strategy.organisation_id,
        user_id=actor.id,
        after={"title": snapshot.title, "report_date": report_date.isoformat(), "strategy_id": strategy.id},
    )
    return snapshot


def set_snapshot_published(snapshot: ReportSnapshot, published: bool, *, actor: User) -> bool:
    """Show the frozen report on the public page, or take it off; False when nothing changes."""
    if snapshot.published == published:
        return False
    snapshot.published = published
    db.session.flush()
    audit.record(
        "report.publish" if published else "report.unpublish",
        "report_snapshot",
        snapshot.id,
        organisation_id=snapshot.organisation_id,
        user_id=actor.id,
        before={"published": not published},
        after={"published": published},
    )
    return True


def strategy_snapshots(strategy: Strategy) -> list[ReportSnapshot]:
    """The strategy's frozen reports, newest first (one statement)."""
    return list(
        db.session.scalars(
            sa.select(ReportSnapshot)
            .where(ReportSnapshot.strategy_id == strategy.id)
            .order_by(ReportSnapshot.report_date.desc(), ReportSnapshot.id.desc())
        )
    )


def published_snapshots(strategy: Strategy) -> list[ReportSnapshot]:
    """The frozen reports an administrator has shown on the strategy's public page, newest first."""
    return [s for s in strategy_snapshots(strategy) if s.published]


def published_snapshot(strategy: Strategy, snapshot_id: int) -> ReportSnapshot | None:
    """A published frozen report of `strategy` (the caller has checked that the strategy is public)."""
    return db.session.scalar(
        sa.select(ReportSnapshot).where(
            ReportSnapshot.id == snapshot_id,
            ReportSnapshot.strategy_id == strategy.id,
            ReportSnapshot.published.is_(True),
        )
    )
