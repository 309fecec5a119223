"""Imports of measurements, benchmark rankings, action plans and business inquiries from .xlsx and .csv
files.

The flow is the same for the web (upload → preview → confirm) and the CLI:

1. `prepare(kind, data, filename, org=…, actor=…, role=…)` reads the file, finds the header, checks every
   row against the database and returns a `Prepared`: the entries with their status (new, already in the
   database, repeated in the file, invalid), the problems (row and column as Excel shows them, the value
   found, what was expected) and notices. It writes nothing and never raises for bad files: a file that
   cannot be read at all has `fatal` problems.
2. `plan(prepared, on_duplicate)` says what writing would do ("skip" or "replace" duplicates).
3. `write(prepared, org=…, actor=…, on_duplicate=…, accept_valid=…)` writes the valid entries in bulk,
   records the audit events and returns the counts; it refuses (ServiceError) when the file has problems
   and `accept_valid` is not given. It flushes but never commits: the caller commits once.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from ...models import Organisation, Role, User
from ...permissions import Action, can, may_change_national_data
from .. import ServiceError
from . import action_plans, inquiries, measurements, rankings
from .limits import Limits
from .mapping import LayoutError
from .prepared import REPLACE, SKIP, NoProgress, Plan, Prepared, Progress, plan
from .reading import ReadError, read_file
from .validate import Problem

MEASUREMENTS, RANKINGS, ACTION_PLANS, INQUIRIES = "measurements", "rankings", "action-plans", "inquiries"
KINDS = {MEASUREMENTS: measurements, RANKINGS: rankings, ACTION_PLANS: action_plans, INQUIRIES: inquiries}
ON_DUPLICATE = (SKIP, REPLACE)

__all__ = [
    "ACTION_PLANS",
    "INQUIRIES",
    "KINDS",
    "MEASUREMENTS",
    "NATIONAL",
    "ON_DUPLICATE",
    "RANKINGS",
    "REPLACE",
    "SKIP",
    "Plan",
    "Prepared",
    "Problem",
    "Progress",
    "gc_paused",
    "may_import",
    "plan",
    "prepare",
    "IMPORT_ACTION",
    "write",
]


#: Kinds that change national data: imported by superusers (or the command line), never by an organisation.
NATIONAL = frozenset({RANKINGS})


#: The permission each organisation's import asks for: importing measurements is entering them
#: (permissions.py decides for which KPIs); action plans are for those who build the strategy; inquiries
#: for those who may log them.
IMPORT_ACTION: dict[str, Action] = {
    MEASUREMENTS: Action.ENTER_MEASUREMENT,
    ACTION_PLANS: Action.IMPORT_DATA,
    INQUIRIES: Action.LOG_INQUIRY,
}


def may_import(kind: str, role: Role | None, actor: User | None = None) -> bool:
    """Whether `actor` with `role` in the organisation may import `kind`; national kinds need a superuser."""
    if kind in NATIONAL:
        return may_change_national_data(actor)
    return role is not None and kind in IMPORT_ACTION and can(IMPORT_ACTION[kind], role)


def _check_allowed(kind: str, role: Role | None, actor: User | None) -> None:
    """Refuse a user who may not import `kind`; without a user (the command line) everything is allowed."""
    if kind in NATIONAL:
        if actor is not None and not may_change_national_data(actor):
            raise ServiceError(
                _("Only the site administrators can change national data such as the survey rankings.")
            )
    elif role is not None and not may_import(kind, role):
        raise ServiceError(_("Your role does not allow this import."))


def limits() -> Limits:
    return Limits.from_config(current_app.config)


def prepare(
    kind: str,
    data: bytes,
    filename: str,
    *,
    org: Organisation | None,
    actor: User | None,
    role: Role | None,
    options: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> Prepared:
    """Read and check the file; writes nothing. `role` None means the command line (no user limits);
    `org` is None for national data (rankings)."""
    if kind not in KINDS:
        raise ServiceError(_("Unknown kind of import."))
    _check_allowed(kind, role, actor)
    options = dict(options or {})
    progress = progress or NoProgress()
    try:
        with gc_paused():
            sheet = read_file(data, filename, limits=limits())
            return KINDS[kind].validate(
                sheet, filename, org=org, actor=actor, role=role, options=options, progress=progress
            )
    except ReadError as exc:
        return Prepared.failed(kind, filename, [Problem(None, None, None, str(exc))], options)
    except LayoutError as exc:
        return Prepared.failed(kind, filename, exc.problems, options)


def write(
    prepared: Prepared,
    *,
    org: Organisation | None,
    actor: User | None,
    on_duplicate: str = SKIP,
    accept_valid: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the valid entries; the counts created/replaced/skipped/rejected. Refuses a file with problems
    unless `accept_valid`."""
    if prepared.kind in NATIONAL:
        _check_allowed(prepared.kind, None, actor)
    if on_duplicate not in ON_DUPLICATE:
        raise ServiceError(_("Choose whether duplicates are skipped or replaced."))
    if prepared.fatal:
        raise ServiceError(_("Nothing was imported: the file could not be read."))
    if prepared.problems and not accept_valid:
        raise ServiceError(
            _(
                "Nothing was imported: %(count)s row(s) have problems. Correct the file, or confirm that "
                "only the valid rows are imported.",
                count=prepared.count("invalid"),
            )
        )
    chosen = plan(prepared, on_duplicate)
    if not chosen.create and not chosen.replace and not chosen.skipped:
        raise ServiceError(_("Nothing was imported: the file has no valid rows."))
    with gc_paused():
        return KINDS[prepared.kind].write(
            prepared, chosen, org=org, actor=actor, progress=progress or NoProgress()
        )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a file is read, checked or written.

    A large file becomes hundreds of thousands of small objects (cells, entries, records) that all live
    until the import ends; the collector would walk them again and again and find nothing to free (a
    quarter of the time of a 100 000-row import). Reference counting still frees everything else, and
    the collector resumes afterwards (unless it was already off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
