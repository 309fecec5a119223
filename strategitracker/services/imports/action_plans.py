"""Importing action plans (handleplaner) into the organisation's goals.

A row gives the title and the goal (by title, within the organisation), and optionally description,
owner (role title), owner e-mail (a member: links the plan to that user), department (by name; it must
exist in the organisation), status (code, Danish or English label: "Ikke startet", "I gang", "Forsinket",
"Afsluttet", "Udgået"), start and due date, progress (0–100 %), done-on date and a note.

The action plans' own rules (services/action_plan/rules.py) hold here too, with the same messages: a plan
whose history gets a delayed entry needs a note saying why; a done plan has progress 100 (a done row without
progress gets 100, one with another figure is refused) and a done-on date (from the file, or kept when the
plan already was done; a done row without one is refused); the responsible person is an active member.

Rules of the import itself: the same title within the same goal is the same plan (a duplicate: skipped, or
its fields replaced; columns the file does not have keep their stored values); every new plan, and every
replaced plan whose status or progress changes, gets a history entry whose comment is the note (else
"Imported from <file>"); a start date given as a month or year means its first day, a due or done-on date
its last day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import (
    ActionPlan,
    ActionPlanUpdate,
    Goal,
    Organisation,
    Role,
    Status,
    Strategy,
    User,
)
from .. import audit
from ..accounts.member_rules import active_member_ids_by_email, member_roles, not_member_message
from ..action_plan.rules import (
    comment_length_problem,
    dates_problem,
    delayed_comment_problem,
    done_on_problem,
    done_progress_problem,
    owner_role_problem,
)
from .columns import ACTION_PLAN_COLUMNS, ACTION_PLAN_IGNORED, status_code
from .mapping import RowCheck, find_layout
from .names import Departments, name_key
from .prepared import INVALID, Entry, Plan, Prepared, Progress, mark
from .reading import Sheet
from .validate import MAX_TEXT, Problem, detect_style, display, last_day, shorten
from .write import record_import, record_replacements

KIND = "action-plans"
FIELDS = (
    "description",
    "owner",
    "owner_user_id",
    "department_id",
    "status",
    "start_date",
    "due_date",
    "progress",
    "done_on",
    "note",
)


def preview_columns() -> list[str]:
    return [
        _("Action plan"),
        _("Goal"),
        _("Owner"),
        _("Department"),
        _("Status"),
        _("Start"),
        _("Due"),
        _("Progress"),
    ]


class _Lookups:
    """The organisation's goals, departments and members, each loaded in one query."""

    def __init__(self, org: Organisation) -> None:
        goals = db.session.execute(
            sa.select(Goal.id, Goal.title, Goal.archived_at, Strategy.archived_at.label("strategy_archived"))
            .join(Strategy, Goal.strategy_id == Strategy.id)
            .where(Goal.organisation_id == org.id)
        )
        self.goals: dict[str, list[Any]] = {}
        for goal in goals:
            self.goals.setdefault(name_key(goal.title), []).append(goal)
        self.departments = Departments(org.id)
        self.members = active_member_ids_by_email(org.id)
        self.roles = member_roles(org.id)


def validate(
    sheet: Sheet,
    filename: str,
    *,
    org: Organisation,
    actor: User | None,
    role: Role | None,
    options: dict[str, Any],
    progress: Progress,
) -> Prepared:
    layout = find_layout(sheet, ACTION_PLAN_COLUMNS, ACTION_PLAN_IGNORED, required=(("title",), ("goal",)))
    data = sheet.rows[layout.first_data :]
    lookups = _Lookups(org)
    numeric = [layout.columns["progress"]] if "progress" in layout.columns else []
    style = detect_style(
        (cells[i] for _n, cells in data for i in numeric if i < len(cells)), sheet.number_style
    )
    prepared = Prepared(kind=KIND, filename=filename, options=options, preview_columns=preview_columns())
    prepared.notices = sheet.notices + layout.notices
    progress.stage(_("Checking rows"), len(data))
    for number, cells in data:
        check = RowCheck(sheet, layout, number, cells)
        prepared.take(_entry(check, style, lookups), check.problems)
    progress.advance(len(data))
    _match_existing(prepared.entries, org)
    today = date.today()
    for entry in prepared.entries:
        if entry.record is not None:
            _check_rules(entry, layout, prepared, today)
    prepared.problems.sort(key=lambda problem: problem.row or 0)
    mark(prepared.entries)
    return prepared


def _plan_rule_problems(entry: Entry, today: date) -> list[tuple[str, Any, str]]:
    """The action plans' rules on the plan as the row leaves it: (column, value, message) for each broken."""
    record, existing = entry.record, entry.existing or {}
    merged = {name: record.get(name, existing.get(name)) for name in FIELDS}
    status = merged["status"] or Status.NOT_STARTED.value
    problems = []
    if problem := done_progress_problem(status, record.get("progress")):
        problems.append(("progress", record.get("progress"), problem))
    if problem := done_on_problem(status, merged["done_on"], today):
        problems.append(("done_on", audit.jsonable(merged["done_on"]) or "", problem))
    history = not existing or any(
        name in record and record[name] != existing[name] for name in ("status", "progress")
    )
    if history and (problem := delayed_comment_problem(status, merged["note"])):
        problems.append(("note", "", problem))
    return problems


def _check_rules(entry: Entry, layout, prepared: Prepared, today: date) -> None:
    """Refuse the row (nothing of it written) when the plan it leaves breaks one of the plans' rules."""
    found = []
    for column, value, message in _plan_rule_problems(entry, today):
        where = column if column in layout.columns else "status" if "status" in layout.columns else None
        label = layout.label(where) if where is not None else None
        found.append(Problem(entry.row, label, display(value) if value not in (None, "") else None, message))
    if found:
        prepared.problems.extend(found)
        entry.status, entry.record = INVALID, None
        entry.messages = tuple(p.describe() for p in found)


def _goal(check: RowCheck, lookups: _Lookups) -> Any:
    title = check.text("goal", required=True)
    if not title:
        return None
    found = lookups.goals.get(name_key(title), [])
    if not found:
        check.problem(
            "goal",
            title,
            _("Unknown goal “%(title)s”: the organisation has no goal by that title.", title=title),
        )
        return None
    if len(found) > 1:
        check.problem("goal", title, _("Several goals are called “%(title)s”.", title=title))
        return None
    goal = found[0]
    if goal.archived_at is not None or goal.strategy_archived is not None:
        check.problem(
            "goal",
            title,
            _("The goal “%(title)s” is archived. Restore it before importing.", title=goal.title),
        )
        return None
    return goal


def _entry(check: RowCheck, style: str, lookups: _Lookups) -> Entry:
    title = check.text("title", required=True, max_length=300)
    goal = _goal(check, lookups)
    record: dict[str, Any] = {}
    _texts(check, record)
    _owner(check, lookups, record)
    _department(check, lookups, record)
    status = _status(check)
    _dates_and_progress(check, style, status, record)
    cells = (
        title or display(check.layout.cell(check.cells, "title")),
        goal.title if goal is not None else display(check.layout.cell(check.cells, "goal")),
        shorten(record.get("owner", "")),
        display(check.layout.cell(check.cells, "department")),
        status or display(check.layout.cell(check.cells, "status")),
        audit.jsonable(record.get("start_date")) or "",
        audit.jsonable(record.get("due_date")) or "",
        display(record.get("progress", "")),
    )
    entry = Entry(row=check.row, cells=tuple(str(c) for c in cells))
    if check.ok and goal is not None and title:
        entry.key = (goal.id, name_key(title))
        entry.record = {"goal_id": goal.id, "title": title, **record}
    return entry


def _texts(check: RowCheck, record: dict[str, Any]) -> None:
    """The free-text columns the file has: description, owner (a title) and the note."""
    for column, limit in (("description", MAX_TEXT), ("owner", 200)):
        if check.has(column):
            record[column] = check.text(column, max_length=limit) or ""
    if check.has("note"):  # the note becomes a history comment: the comments' rule and message
        note = check.text("note") or ""
        if problem := comment_length_problem(note):
            check.problem("note", note, problem)
        else:
            record["note"] = note


def _owner(check: RowCheck, lookups: _Lookups, record: dict[str, Any]) -> None:
    """The responsible person by e-mail: an active member of the organisation who may update the plan (the
    action plans' owner rule)."""
    if not check.has("owner_email"):
        return
    email = (check.text("owner_email", max_length=254) or "").lower()
    record["owner_user_id"] = lookups.members.get(email) if email else None
    if email and record["owner_user_id"] is None:
        check.problem("owner_email", email, not_member_message())
    elif email and (problem := owner_role_problem(lookups.roles.get(record["owner_user_id"]))):
        check.problem("owner_email", email, problem)


def _department(check: RowCheck, lookups: _Lookups, record: dict[str, Any]) -> None:
    if not check.has("department"):
        return
    name = check.text("department") or ""
    record["department_id"] = lookups.departments.find(name) if name else None
    if name and record["department_id"] is None:
        check.problem("department", name, lookups.departments.unknown(name))


def _dates_and_progress(check: RowCheck, style: str, status: str | None, record: dict[str, Any]) -> None:
    """Start, due and done dates and the progress; done means 100 % when the file leaves progress empty."""
    start = check.date("start_date")
    due = check.date("due_date")
    done = check.date("done_on")
    progress_value = check.whole("progress", style, minimum=0, maximum=100)
    if check.has("start_date"):
        record["start_date"] = start[0] if start else None
    if check.has("due_date"):
        record["due_date"] = last_day(*due) if due else None
    if problem := dates_problem(record.get("start_date"), record.get("due_date")):
        check.problem("due_date", record["due_date"].isoformat(), problem)
    if done is not None:
        record["done_on"] = last_day(*done)
    if status is not None:
        record["status"] = status
        if status != Status.DONE and done is None:
            record["done_on"] = None  # leaving "done" clears the date
    if progress_value is not None:
        record["progress"] = progress_value
    elif status == Status.DONE:
        record["progress"] = 100


def _status(check: RowCheck) -> str | None:
    if not check.has("status"):
        return None
    text = check.text("status")
    if text is None:
        return None
    if not text:
        return Status.NOT_STARTED.value
    code = status_code(text)
    if code is None:
        check.problem(
            "status",
            text,
            _(
                "Expected a status: Ikke startet, I gang, Forsinket, Afsluttet or "
                "Udgået (or not_started, in_progress, delayed, done, cancelled)."
            ),
        )
    return code


def _match_existing(entries: list[Entry], org: Organisation) -> None:
    """The stored plan with each entry's goal and title (one query)."""
    goal_ids = {e.record["goal_id"] for e in entries if e.record is not None}
    stmt = sa.select(ActionPlan).where(
        ActionPlan.organisation_id == org.id,
        ActionPlan.goal_id.in_(goal_ids),
        ActionPlan.archived_at.is_(None),
    )
    stored = {}
    for plan in db.session.scalars(stmt) if goal_ids else ():
        stored.setdefault((plan.goal_id, name_key(plan.title)), plan)
    for entry in entries:
        plan = stored.get(entry.key) if entry.record is not None else None
        if plan is None:
            continue
        entry.existing_id = plan.id
        entry.existing = {name: getattr(plan, name) for name in FIELDS}
        entry.unchanged = all(entry.record[n] == entry.existing[n] for n in FIELDS if n in entry.record)


def write(
    prepared: Prepared, plan: Plan, *, org: Organisation, actor: User | None, progress: Progress
) -> dict:
    user_id = actor.id if actor is not None else None
    author = actor.name if actor is not None else ""
    comment = _("Imported from %(file)s", file=prepared.filename)
    progress.stage(_("Saving"), len(plan.create) + len(plan.replace))
    created = []
    for entry in plan.create:
        record = {"status": Status.NOT_STARTED.value, "progress": 0, **entry.record}
        created.append(ActionPlan(organisation_id=org.id, **record))
    db.session.add_all(created)
    db.session.flush()
    history = [
        ActionPlanUpdate(
            action_plan_id=p.id,
            author_id=user_id,
            author_name=author,
            old_status=None,
            new_status=p.status,
            progress=p.progress,
            comment=p.note or comment,
        )
        for p in created
    ]
    progress.advance(len(created))
    replaced = []
    if plan.replace:
        plans = {
            p.id: p
            for p in db.session.scalars(
                sa.select(ActionPlan).where(ActionPlan.id.in_([e.existing_id for e in plan.replace]))
            )
        }
        for entry in plan.replace:
            target = plans[entry.existing_id]
            before = {n: audit.jsonable(getattr(target, n)) for n in FIELDS}
            for name in FIELDS:
                if name in entry.record and getattr(target, name) != entry.record[name]:
                    setattr(target, name, entry.record[name])
            after = {n: audit.jsonable(getattr(target, n)) for n in FIELDS}
            if before["status"] != after["status"] or before["progress"] != after["progress"]:
                history.append(
                    ActionPlanUpdate(
                        action_plan_id=target.id,
                        author_id=user_id,
                        author_name=author,
                        old_status=before["status"],
                        new_status=target.status,
                        progress=target.progress,
                        comment=target.note or comment,
                    )
                )
            changed = [n for n in FIELDS if before[n] != after[n]]
            replaced.append((target.id, {n: before[n] for n in changed}, {n: after[n] for n in changed}))
        progress.advance(len(plan.replace))
    db.session.add_all(history)
    db.session.flush()
    record_replacements(
        "action_plan.update", "action_plan", replaced, organisation_id=org.id, user_id=user_id
    )
    counts = plan.counts()
    record_import(KIND, prepared.filename, counts, organisation_id=org.id, user_id=user_id)
    return counts
