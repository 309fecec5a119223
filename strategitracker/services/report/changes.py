"""Since last time: what changed between two report documents (a frozen report and today, or two frozen
reports). Pure: plain documents in, a list of changes out; items are matched by their ids."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]


@dataclass(frozen=True)
class Change:
    """One change. `kind` names it; `old`/`new` are plain values (a status, a number, a date)."""

    kind: str
    title: str
    goal: str = ""
    old: Any = None
    new: Any = None
    period: str | None = None
    #: The KPI whose unit and kind the values are written in (None for goals and plans).
    kpi: Doc | None = None


#: The order in which the section lists the kinds of change.
KINDS = (
    "goal_status",
    "kpi_status",
    "measurement_new",
    "measurement_corrected",
    "target_changed",
    "plan_status",
    "plan_overdue",
    "goal_new",
    "kpi_new",
    "plan_new",
    "removed",
)


def _current_targets(kpi: Doc) -> dict[str, float]:
    """The target in force for each target date: the newest `set_on` wins."""
    latest: dict[str, tuple[str, float]] = {}
    for t in kpi.get("targets", []):
        if t["target_date"] not in latest or t["set_on"] >= latest[t["target_date"]][0]:
            latest[t["target_date"]] = (t["set_on"], t["value"])
    return {day: value for day, (_, value) in latest.items()}


def _kpi_changes(old: Doc, new: Doc, goal: str) -> list[Change]:
    changes = []
    name = new["name"]
    if old["status"] != new["status"]:
        changes.append(Change("kpi_status", name, goal, old["status"], new["status"], kpi=new))
    before = {m["period"]: m["value"] for m in old.get("measurements", [])}
    for m in new.get("measurements", []):
        if m["period"] not in before:
            changes.append(Change("measurement_new", name, goal, None, m["value"], m["period"], new))
        elif before[m["period"]] != m["value"]:
            changes.append(
                Change("measurement_corrected", name, goal, before[m["period"]], m["value"], m["period"], new)
            )
    old_targets, new_targets = _current_targets(old), _current_targets(new)
    for day in sorted(set(old_targets) | set(new_targets)):
        if old_targets.get(day) != new_targets.get(day):
            changes.append(
                Change("target_changed", name, goal, old_targets.get(day), new_targets.get(day), day, new)
            )
    return changes


def _plan_changes(old: Doc, new: Doc, goal: str) -> list[Change]:
    changes = []
    if old["status"] != new["status"]:
        changes.append(Change("plan_status", new["title"], goal, old["status"], new["status"]))
    if new["overdue"] and not old["overdue"]:
        changes.append(Change("plan_overdue", new["title"], goal, None, new["due_date"]))
    return changes


def _goal_changes(old: Doc, new: Doc) -> list[Change]:
    goal = new["title"]
    changes = []
    if old["status"] != new["status"]:
        changes.append(Change("goal_status", goal, goal, old["status"], new["status"]))
    changes += _matched(old["kpis"], new["kpis"], goal, "kpi_new", "name", _kpi_changes)
    changes += _matched(old["plans"], new["plans"], goal, "plan_new", "title", _plan_changes)
    return changes


def _matched(olds, news, goal: str, new_kind: str, title_key: str, compare) -> list[Change]:
    """Compare the items found in both by id; list those only in `news` as new, those only in `olds` as
    removed (archived, moved or deleted)."""
    before = {item["id"]: item for item in olds}
    after_ids = {item["id"] for item in news}
    changes: list[Change] = []
    for item in news:
        if item["id"] in before:
            changes += compare(before[item["id"]], item, goal)
        else:
            changes.append(Change(new_kind, item[title_key], goal))
    changes += [Change("removed", item[title_key], goal) for item in olds if item["id"] not in after_ids]
    return changes


def document_changes(old: Doc, new: Doc) -> list[Change]:
    """Every change from `old` to `new`, grouped by kind in the order of KINDS."""
    changes = _matched(
        old["goals"], new["goals"], "", "goal_new", "title", lambda o, n, _goal: _goal_changes(o, n)
    )
    order = {kind: index for index, kind in enumerate(KINDS)}
    return sorted(changes, key=lambda c: order[c.kind])
