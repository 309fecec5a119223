"""The municipality register: the 98 Danish municipalities with official code, name, region and the other
spellings their names appear under in files (seed/municipalities.csv, from Danmarks Statistik's
classification of municipalities).

The register is national reference data: it is loaded by `flask seed reference` (and `flask seed thisted`),
never by a migration, and an import only finds municipalities in it, never adds one. A name is matched
ignoring case, spaces, hyphens and a "Kommune"/"Regionskommune" word, and "å" is read as "aa": "Åbenrå",
"Aabenraa Kommune" and "AABENRAA" are one municipality; other spellings ("Nordfyn" for Nordfyns,
"Københavns" for København) are the register's aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ..extensions import db
from ..models import Municipality
from . import audit
from .seed_rows import read_rows

REGISTER_FILE = "municipalities.csv"
ALIAS_SEPARATOR = "|"


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


@dataclass
class RegisterResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    differing: list[str] = field(default_factory=list)


def seed_register(seed_dir: Path) -> RegisterResult:
    """Add the register's missing municipalities and fill in the region and aliases of those stored; a
    stored municipality whose name differs from the register is left as it is and reported. Only flushes;
    an audit event "national.register" (site-wide) when something changed."""
    result = RegisterResult()
    stored = {m.code: m for m in db.session.scalars(sa.select(Municipality))}
    for row in read_rows(seed_dir, REGISTER_FILE):
        code = row.get_int("code")
        if not 100 <= code <= 999:
            raise row.error("code", "a municipality code from 100 to 999")
        name, region = row.text("name"), row.text("region")
        raw = row.text("aliases", required=False) or ""
        aliases = [a.strip() for a in raw.split(ALIAS_SEPARATOR) if a.strip()]
        municipality = stored.get(code)
        if municipality is None:
            db.session.add(Municipality(code=code, name=name, region=region, aliases=aliases))
            result.created += 1
        elif municipality.name != name:
            result.differing.append(f"{code} {municipality.name} ({name})")
        elif (municipality.region, municipality.aliases) != (region, aliases):
            municipality.region, municipality.aliases = region, aliases
            result.updated += 1
        else:
            result.unchanged += 1
    db.session.flush()
    if result.created or result.updated:
        audit.record(
            "national.register",
            "municipality",
            after={"file": REGISTER_FILE, "created": result.created, "updated": result.updated},
        )
    return result
