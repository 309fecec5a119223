"""Loading the municipality register (seed/municipalities.csv) into the `municipality` table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from ...extensions import db
from ...models import Municipality
from .. import audit
from .rows import read_rows

REGISTER_FILE = "municipalities.csv"
ALIAS_SEPARATOR = "|"


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
