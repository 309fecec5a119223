"""Organisations (municipalities) and their departments (forvaltninger)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import Archivable, TZDateTime, utcnow


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    municipality_code: Mapped[int | None] = mapped_column(unique=True)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    # Links the public pages and the log-in page show in their footer (a public body must publish both);
    # without one the site-wide default of the configuration is shown.
    accessibility_statement_url: Mapped[str | None] = mapped_column(sa.String(500))
    privacy_notice_url: Mapped[str | None] = mapped_column(sa.String(500))

    departments: Mapped[list[Department]] = relationship(
        back_populates="organisation", order_by="Department.name"
    )

    __table_args__ = (
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
        sa.CheckConstraint(
            "municipality_code IS NULL OR (municipality_code >= 100 AND municipality_code <= 999)",
            name="municipality_code_range",
        ),
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Department(Archivable, db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str | None] = mapped_column(sa.String(40))

    organisation: Mapped[Organisation] = relationship(back_populates="departments")

    __table_args__ = (sa.UniqueConstraint("organisation_id", "name"),)
