"""Publishing a strategy: a published, non-archived strategy is shown to everyone under /public.

Administrators publish and unpublish (Action.PUBLISH). Each change is flushed (not committed) and leaves an
audit event ("strategy.publish" / "strategy.unpublish"); publishing an archived strategy is refused. The
read side (which strategies the public pages may show) lives here too, so the rule is written once.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from ...extensions import db
from ...models import Goal, Organisation, Strategy, User
from ...models._types import utcnow
from .. import ServiceError, audit


def _set_published(strategy: Strategy, published: bool, *, actor: User) -> bool:
    """Publish or unpublish; False (and no event) when the strategy already is in that state."""
    if strategy.published == published:
        return False
    before = {
        "published": strategy.published,
        "published_at": strategy.published_at.isoformat() if strategy.published_at else None,
    }
    strategy.published = published
    strategy.published_at = utcnow() if published else None
    db.session.flush()
    audit.record(
        "strategy.publish" if published else "strategy.unpublish",
        "strategy",
        strategy.id,
        organisation_id=strategy.organisation_id,
        user_id=actor.id,
        before=before,
        after={
            "published": strategy.published,
            "published_at": strategy.published_at.isoformat() if strategy.published_at else None,
        },
    )
    return True


def publish_strategy(strategy: Strategy, *, actor: User) -> bool:
    """Make the strategy public. Refused for an archived strategy (restore it first)."""
    if strategy.archived_at is not None:
        raise ServiceError(_("The strategy is archived. Restore it before publishing it."))
    return _set_published(strategy, True, actor=actor)


def unpublish_strategy(strategy: Strategy, *, actor: User) -> bool:
    """Take the strategy off the public pages (also allowed when it is archived)."""
    return _set_published(strategy, False, actor=actor)


# -- what the public may see ---------------------------------------------------------------------------------


def _public() -> sa.ColumnElement[bool]:
    return sa.and_(Strategy.published.is_(True), Strategy.archived_at.is_(None))


def published_strategies() -> list[tuple[Strategy, int]]:
    """Every organisation's published, non-archived strategies with their number of (live) goals.

    One statement; ordered by organisation name, then newest period first.
    """
    goal_count = (
        sa.select(sa.func.count(Goal.id))
        .where(Goal.strategy_id == Strategy.id, Goal.archived_at.is_(None))
        .correlate(Strategy)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Strategy, goal_count.label("goal_count"))
        .join(Strategy.organisation)
        .where(_public())
        .options(contains_eager(Strategy.organisation))
        .order_by(Organisation.name, Organisation.id, Strategy.period_start.desc(), Strategy.title)
    ).all()
    return [(strategy, count) for strategy, count in rows]


def public_strategy(org_slug: str, strategy_id: int) -> Strategy | None:
    """The strategy if it belongs to the organisation `org_slug` and is published and not archived."""
    return db.session.scalar(
        sa.select(Strategy)
        .join(Strategy.organisation)
        .where(Organisation.slug == org_slug, Strategy.id == strategy_id, _public())
        .options(contains_eager(Strategy.organisation))
    )


def public_goal(strategy: Strategy, goal_id: int) -> Goal | None:
    """The goal if it is a live (not archived) goal of `strategy`, a strategy `public_strategy` found."""
    return db.session.scalar(
        sa.select(Goal).where(Goal.id == goal_id, Goal.strategy_id == strategy.id, Goal.archived_at.is_(None))
    )
