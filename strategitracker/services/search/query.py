"""Finding things by the words in their title and description.

On PostgreSQL the text is matched with full-text search in the Danish configuration, so "Erhvervskontakten"
also finds "erhvervskontakt" and "erhvervskontaktens" (Danish stemming); the title is also matched as a
plain substring so that part of a word finds it too. SQLite, used for development and tests, has no
Danish stemmer: there a case-insensitive substring match on title and description stands in.

One SQL statement per kind, each limited to MAX_PER_KIND rows, whatever the size of the organisation.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ...extensions import db
from ...models import KPI, ActionPlan, Goal, Organisation, Strategy, Workshop

MAX_PER_KIND = 25
MAX_QUERY_LENGTH = 200
KINDS = ("goal", "kpi", "action_plan", "strategy", "workshop")


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    context: str  # where it sits: the strategy (and goal) it belongs to
    archived: bool = False
    organisation_slug: str = ""


def _matches(query: str, title, *texts):
    """The condition that `title` or `texts` contain the words of `query`."""
    plain = [column.icontains(query, autoescape=True) for column in (title, *texts)]
    if db.engine.dialect.name != "postgresql":
        return sa.or_(*plain)
    document = sa.func.concat_ws(" ", title, *texts)
    fulltext = sa.func.to_tsvector("danish", document).bool_op("@@")(
        sa.func.websearch_to_tsquery("danish", query)
    )
    return sa.or_(fulltext, plain[0])


def _clean(query: str) -> str:
    return " ".join(query.replace("\x00", " ").split())[:MAX_QUERY_LENGTH]


def _current(include_archived: bool, *models) -> list:
    return [] if include_archived else [model.archived_at.is_(None) for model in models]


def _plans_and_kpis(org: Organisation, query: str, include_archived: bool) -> dict[str, list[Hit]]:
    found: dict[str, list[Hit]] = {}
    for kind, model, title, text in (
        ("goal", Goal, Goal.title, Goal.description),
        ("kpi", KPI, KPI.name, KPI.description),
        ("action_plan", ActionPlan, ActionPlan.title, ActionPlan.description),
    ):
        stmt = sa.select(model.id, title, Strategy.title, Goal.title, model.archived_at).select_from(model)
        if model is not Goal:
            stmt = stmt.join(Goal, model.goal_id == Goal.id)
        stmt = (
            stmt.join(Strategy, Goal.strategy_id == Strategy.id)
            .where(model.organisation_id == org.id, _matches(query, title, text))
            .where(*_current(include_archived, model, Goal, Strategy))
            .order_by(title, model.id)
            .limit(MAX_PER_KIND)
        )
        found[kind] = [
            Hit(kind, id_, name, strategy if model is Goal else f"{strategy} › {goal}", archived is not None)
            for id_, name, strategy, goal, archived in db.session.execute(stmt)
        ]
    return found


def search(org: Organisation, query: str, *, include_archived: bool = False) -> dict[str, list[Hit]]:
    """What in `org` matches `query`, per kind (five SQL statements; none for an empty query)."""
    query = _clean(query)
    if not query:
        return {kind: [] for kind in KINDS}
    found = _plans_and_kpis(org, query, include_archived)
    strategies = db.session.execute(
        sa.select(Strategy.id, Strategy.title, Strategy.archived_at)
        .where(Strategy.organisation_id == org.id, _matches(query, Strategy.title, Strategy.vision))
        .where(*_current(include_archived, Strategy))
        .order_by(Strategy.title, Strategy.id)
        .limit(MAX_PER_KIND)
    )
    found["strategy"] = [Hit("strategy", i, t, "", a is not None) for i, t, a in strategies]
    workshops = db.session.execute(
        sa.select(Workshop.id, Workshop.title, Workshop.held_on, Workshop.archived_at)
        .where(Workshop.organisation_id == org.id, _matches(query, Workshop.title))
        .where(*_current(include_archived, Workshop))
        .order_by(Workshop.held_on.desc(), Workshop.id)
        .limit(MAX_PER_KIND)
    )
    found["workshop"] = [Hit("workshop", i, t, h.isoformat(), a is not None) for i, t, h, a in workshops]
    return {kind: found[kind] for kind in KINDS}


def public_search(query: str) -> list[Hit]:
    """Published strategies of any organisation whose title, vision or goals match `query` (one statement)."""
    query = _clean(query)
    if not query:
        return []
    goal_match = (
        sa.select(Goal.id)
        .where(
            Goal.strategy_id == Strategy.id,
            Goal.archived_at.is_(None),
            _matches(query, Goal.title, Goal.description),
        )
        .exists()
    )
    rows = db.session.execute(
        sa.select(Strategy.id, Strategy.title, Organisation.name, Organisation.slug)
        .join(Organisation, Strategy.organisation_id == Organisation.id)
        .where(
            Strategy.published.is_(True),
            Strategy.archived_at.is_(None),
            sa.or_(_matches(query, Strategy.title, Strategy.vision), goal_match),
        )
        .order_by(Organisation.name, Strategy.title, Strategy.id)
        .limit(MAX_PER_KIND)
    )
    return [Hit("strategy", i, t, name, organisation_slug=slug) for i, t, name, slug in rows]
