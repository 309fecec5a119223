"""The business inquiry log (Erhvervskontakten): each inquiry from a business, who handles it and when it was
answered."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import TZDateTime, in_check, utcnow
from .organisation import Department
from .user import User


class InquiryChannel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    MEETING = "meeting"
    VISIT = "visit"
    OTHER = "other"


class InquiryOutcome(StrEnum):
    ANSWERED = "answered"
    REFERRED = "referred"
    ALTERNATIVE = "alternative"  # solved with an alternative
    REFUSED = "refused"  # refused with an explanation


inquiry_department = sa.Table(
    "inquiry_department",
    db.metadata,
    sa.Column("inquiry_id", sa.ForeignKey("inquiry.id", ondelete="CASCADE"), primary_key=True, index=True),
    sa.Column("department_id", sa.ForeignKey("department.id"), primary_key=True, index=True),
)


class Inquiry(db.Model):
    """One inquiry from a business. The contact person's name, phone and e-mail are personal data: they are
    never shown on public pages and are blanked (`anonymised_at`) after the retention period."""

    __tablename__ = "inquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(TZDateTime, index=True)
    channel: Mapped[str] = mapped_column(sa.String(10), default=InquiryChannel.PHONE)
    company_name: Mapped[str] = mapped_column(sa.String(200))
    cvr: Mapped[str] = mapped_column(sa.String(8), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    topic: Mapped[str] = mapped_column(sa.String(300), default="")
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    first_answer_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # working time from receipt to the first answer (working days and hours only), written with the answer
    answer_working_seconds: Mapped[int | None] = mapped_column(sa.Integer)
    closed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    outcome: Mapped[str | None] = mapped_column(sa.String(12))
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    #: Last change of the inquiry (its departments included): the API's `updated_since` reads it.
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow, index=True)

    handler: Mapped[User | None] = relationship()
    departments: Mapped[list[Department]] = relationship(
        secondary=inquiry_department, order_by="Department.name"
    )

    __table_args__ = (
        sa.CheckConstraint(in_check("channel", tuple(InquiryChannel)), name="channel_valid"),
        sa.CheckConstraint(
            f"outcome IS NULL OR {in_check('outcome', tuple(InquiryOutcome))}", name="outcome_valid"
        ),
        sa.Index("ix_inquiry_org_received", "organisation_id", "received_at"),
    )
