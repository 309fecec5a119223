"""The data version: one number that every committed change of the data replaces (change_tracking.py)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

#: The id of the one row; the migration that creates the table writes it.
ROW_ID = 1


class DataVersion(db.Model):
    """Cached parts of pages are keyed on this number, so a change makes them unreachable at once."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
