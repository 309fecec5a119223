"""Reading what was sent: one person's e-mails (on "Mine") and an organisation's sending log."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Organisation, SentNotification, User

LOG_PAGE_SIZE = 50


def sent_to(org: Organisation, user: User, limit: int = 20) -> list[SentNotification]:
    """The latest e-mails to `user` about `org`, newest first, with the items they listed."""
    return list(
        db.session.scalars(
            sa.select(SentNotification)
            .where(SentNotification.organisation_id == org.id, SentNotification.user_id == user.id)
            .options(selectinload(SentNotification.items))
            .order_by(SentNotification.created_at.desc(), SentNotification.id.desc())
            .limit(limit)
        )
    )


@dataclass
class LogPage:
    rows: list[SentNotification]
    page: int
    pages: int
    total: int


def sending_log(org: Organisation, page: int = 1, status: str | None = None) -> LogPage:
    """One page of the organisation's e-mails, newest first (optionally only sent or only failed)."""
    where = [SentNotification.organisation_id == org.id]
    if status:
        where.append(SentNotification.status == status)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(SentNotification).where(*where)) or 0
    pages = max(1, -(-total // LOG_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = list(
        db.session.scalars(
            sa.select(SentNotification)
            .where(*where)
            .options(selectinload(SentNotification.user), selectinload(SentNotification.items))
            .order_by(SentNotification.created_at.desc(), SentNotification.id.desc())
            .limit(LOG_PAGE_SIZE)
            .offset((page - 1) * LOG_PAGE_SIZE)
        )
    )
    return LogPage(rows, page, pages, total)
