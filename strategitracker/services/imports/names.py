"""What a row names, found the same way by every import: names compared forgivingly, and the organisation's
departments by name."""

from __future__ import annotations

import re
from functools import lru_cache

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Department

#: How many department names a message lists before "…".
LISTED = 15


@lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """Names compared forgivingly: case, spacing, dash and apostrophe variants do not matter."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u00b4`]", "'", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


class Departments:
    """The organisation's live departments by name (one query); another organisation's never match."""

    def __init__(self, organisation_id: int) -> None:
        rows = db.session.execute(
            sa.select(Department.id, Department.name).where(
                Department.organisation_id == organisation_id, Department.archived_at.is_(None)
            )
        )
        self.ids: dict[str, int] = {}
        self.names: list[str] = []
        for row in rows:
            self.ids[name_key(row.name)] = row.id
            self.names.append(row.name)
        self.names.sort()

    def find(self, name: str) -> int | None:
        """The id of the department so named; None for an unknown or archived one."""
        return self.ids.get(name_key(name))

    def unknown(self, name: str) -> str:
        """The message for a name that is not one of them, listing the first of theirs."""
        listed = (
            ", ".join(self.names[:LISTED]) + (" …" if len(self.names) > LISTED else "") if self.names else "–"
        )
        return _(
            "Unknown department “%(name)s”. The organisation's departments are: %(names)s.",
            name=name,
            names=listed,
        )
