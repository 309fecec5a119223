"""The action plans of a generated goal, each with an update history of one to five status changes."""

from __future__ import annotations

from datetime import date, timedelta

from .organisation_rows import OrganisationRows

PLANS = 20
STATUSES = ["not_started", "in_progress", "in_progress", "in_progress", "delayed", "done", "cancelled"]


def add_action_plans(rows: OrganisationRows, goal_id: int, s: int, gi: int) -> None:
    """The action plans of goal number gi of strategy number s, spread over the departments."""
    rng, next_id, today, now, user_id = rows.rng, rows.next_id, rows.today, rows.now, rows.user_id
    departments = rows.departments
    for pi in range(PLANS):
        plan_id = next_id("action_plan")
        status = rng.choice(STATUSES)
        start = date(rows.start_year + rng.randint(0, 8), rng.randint(1, 12), 1)
        due = start + timedelta(days=rng.randint(90, 1200))
        done_on = min(due, today) if status == "done" else None
        progress = 100 if status == "done" else (0 if status == "not_started" else rng.randint(5, 95))
        history = rng.randint(1, 5)
        rows.plans.append(
            {
                "id": plan_id,
                "organisation_id": rows.org_id,
                "goal_id": goal_id,
                "department_id": departments[pi % len(departments)],
                "title": f"Handleplan {pi + 1}: indsats for mål {s + 1}.{gi + 1}",
                "description": "Konkrete initiativer i samarbejde med lokale virksomheder.",
                "owner": "Teamleder",
                "owner_user_id": user_id if pi % 4 == 0 else None,
                "status": status,
                "start_date": start,
                "due_date": due,
                "progress": progress,
                "done_on": done_on,
                "source_card_id": None,
                "note": "",
                "archived_at": None,
                "created_at": now,
                "updated_at": now,
                "version": history + 1,
            }
        )
        old = None
        for hi in range(history):
            new = status if hi == history - 1 else ("in_progress" if hi else "not_started")
            rows.updates.append(
                {
                    "id": next_id("action_plan_update"),
                    "action_plan_id": plan_id,
                    "author_id": user_id,
                    "author_name": f"Bench Admin {rows.n}",
                    "created_at": now - timedelta(days=30 * (history - hi)),
                    "old_status": old,
                    "new_status": new,
                    "progress": progress if hi == history - 1 else min(progress, 10 * hi),
                    "comment": "Forsinket pga. manglende ressourcer."
                    if new == "delayed"
                    else "Status opdateret.",
                }
            )
            old = new
