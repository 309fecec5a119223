"""Every committed change of the data moves the data version on (models/data_version.py).

The cached parts of pages (page_cache.py) are keyed on that number, so after a correction no one is shown
the figures from before it, in any worker: the next page view reads the new number and builds its parts
again. The listeners sit on SQLAlchemy's Session, so every write path counts without remembering to:

- a flush that adds, deletes or changes a row (`before_flush`);
- a bulk INSERT, UPDATE or DELETE or a raw SQL statement run through the session (`do_orm_execute`); a
  raw statement counts unless it is a plain SELECT.

The version is a new random number, written in the same transaction as the change just before it
commits, and not at all when the transaction is rolled back. A random number, not a counter, so that a
database restored from a backup brings back the number that belongs to its data.

What no page shows does not count: the audit trail, API tokens (their last use) and the time of a user's
last log-in, which changes with every log-in. Writes that bypass the session (a raw engine connection)
are not seen; the application makes none (migrations and the benchmark data generator write before the
app serves).
"""

from __future__ import annotations

import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import TextClause

from ..extensions import db
from ..models import ApiToken, AuditEvent, DataVersion, User
from ..models.data_version import ROW_ID

CHANGED = "data_changed"
#: Tables whose rows no page shows.
UNSHOWN_TABLES = frozenset({AuditEvent.__tablename__, DataVersion.__tablename__, ApiToken.__tablename__})
#: Columns whose change no page shows, per model.
UNSHOWN_COLUMNS: dict[type, frozenset[str]] = {User: frozenset({"last_login_at"})}


def register_change_tracking() -> None:
    """Listen on every Session (once per process; building a second app does not add listeners)."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("do_orm_execute", _do_orm_execute),
        ("before_commit", _before_commit),
        ("after_commit", _forget),
        ("after_rollback", _forget),
    ):
        if not sa.event.contains(Session, name, listener):
            sa.event.listen(Session, name, listener)


def current_version() -> int | None:
    """The data version as committed now (one statement); None if the row is missing."""
    return db.session.scalar(sa.select(DataVersion.version).where(DataVersion.id == ROW_ID))


def _shown(obj: Any) -> bool:
    table = getattr(obj, "__tablename__", None)
    return table not in UNSHOWN_TABLES


def _changed_keys(obj: Any) -> set[str]:
    return {attr.key for attr in sa.inspect(obj).attrs if attr.history.has_changes()}


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(CHANGED):
        return
    if any(_shown(obj) for obj in (*session.new, *session.deleted)):
        session.info[CHANGED] = True
        return
    for obj in session.dirty:
        if not _shown(obj) or not session.is_modified(obj):
            continue
        if _changed_keys(obj) - UNSHOWN_COLUMNS.get(type(obj), frozenset()):
            session.info[CHANGED] = True
            return


def _do_orm_execute(state: ORMExecuteState) -> None:
    if state.is_select or state.session.info.get(CHANGED):
        return
    statement = state.statement
    if isinstance(statement, TextClause):
        if statement.text.lstrip().upper().startswith("SELECT"):
            return
    elif getattr(getattr(statement, "table", None), "name", None) in UNSHOWN_TABLES:
        return
    state.session.info[CHANGED] = True


def _before_commit(session: Session) -> None:
    session.flush()  # the commit would flush after this hook; the changes must be seen first
    if session.info.pop(CHANGED, False):
        session.execute(
            sa.update(DataVersion)
            .where(DataVersion.id == ROW_ID)
            .values(version=secrets.randbits(62))
            .execution_options(synchronize_session=False)
        )


def _forget(session: Session) -> None:
    session.info.pop(CHANGED, None)
