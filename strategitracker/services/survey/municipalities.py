"""The municipality register: the 98 Danish municipalities with official code, name, region and the other
spellings their names appear under in files (seed/municipalities.csv, from Danmarks Statistik's
classification of municipalities).

The register is national reference data: it is loaded by `flask seed reference` (and `flask seed thisted`,
services/seed/register.py), never by a migration, and an import only finds municipalities in it, never adds
one. A name is matched ignoring case, spaces, hyphens and a "Kommune"/"Regionskommune" word, and "å" is
read as "aa": "Åbenrå", "Aabenraa Kommune" and "AABENRAA" are one municipality; other spellings ("Nordfyn"
for Nordfyns, "Københavns" for København) are the register's aliases.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from ...extensions import db
from ...models import Municipality


def municipality_key(name: str) -> str:
    """The form a municipality's name is compared in (see the module's docstring)."""
    s = name.casefold().replace("å", "aa")
    s = re.sub(r"\b(regions)?kommunes?\b", "", s)
    return re.sub(r"[^0-9a-zæø]", "", s)


class Register:
    """The stored municipalities by code and by the keys of their names and aliases (one query)."""

    def __init__(self) -> None:
        rows = db.session.execute(
            sa.select(Municipality.id, Municipality.code, Municipality.name, Municipality.aliases)
        ).all()
        self.by_code: dict[int, tuple[int, str]] = {r.code: (r.id, r.name) for r in rows}
        self.by_key: dict[str, tuple[int, str]] = {}
        for row in rows:
            for alias in row.aliases or []:
                self.by_key.setdefault(municipality_key(alias), (row.code, row.name))
        for row in rows:  # a name wins over another municipality's alias
            self.by_key[municipality_key(row.name)] = (row.code, row.name)

    def find(self, name: str) -> tuple[int, str] | None:
        """(code, official name) of the municipality called `name`, or None."""
        return self.by_key.get(municipality_key(name))

    def same(self, code: int, name: str) -> bool:
        """Whether `name` is a spelling of the municipality with `code`."""
        found = self.find(name)
        return found is not None and found[0] == code


def register_size() -> int:
    """How many municipalities are stored (98 once the register is loaded)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Municipality)) or 0
