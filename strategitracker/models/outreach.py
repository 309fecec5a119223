"""Who in the organisation has contact with businesses (the contact map), and the meetings and company visits
where staff go out to businesses ("vi rykker ud")."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import TZDateTime, utcnow
from .organisation import Department
from .user import User


class ContactMapEntry(db.Model):
    """One member's contact with businesses for one department: the topics they handle. The desk routes an
    inquiry on a topic to these people."""

    __tablename__ = "contact_map_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    topics: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    department: Mapped[Department] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("department_id", "user_id"),)

    @property
    def topic_list(self) -> list[str]:
        return [topic.strip() for topic in self.topics.split(",") if topic.strip()]


outreach_participant = sa.Table(
    "outreach_participant",
    db.metadata,
    sa.Column(
        "meeting_id", sa.ForeignKey("outreach_meeting.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
    sa.Column("user_id", sa.ForeignKey("user_account.id"), primary_key=True, index=True),
)

outreach_department = sa.Table(
    "outreach_department",
    db.metadata,
    sa.Column(
        "meeting_id", sa.ForeignKey("outreach_meeting.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
    sa.Column("department_id", sa.ForeignKey("department.id"), primary_key=True, index=True),
)


class OutreachMeeting(db.Model):
    """A meeting with or visit to a business. The contact person's name, phone and e-mail are personal data,
    like an inquiry's: never on public pages, blanked (`anonymised_at`) after the retention period."""

    __tablename__ = "outreach_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    company_name: Mapped[str] = mapped_column(sa.String(200))
    cvr: Mapped[str] = mapped_column(sa.String(8), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    topic: Mapped[str] = mapped_column(sa.String(300), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    participants: Mapped[list[User]] = relationship(secondary=outreach_participant, order_by="User.name")
    departments: Mapped[list[Department]] = relationship(
        secondary=outreach_department, order_by="Department.name"
    )

    __table_args__ = (sa.Index("ix_outreach_meeting_org_held", "organisation_id", "held_on"),)
