"""Action plans (handleplaner): creating and editing them (plans.py) and every status or progress update,
with its history row and audit event (status.py)."""

from .plans import (
    ActionPlanFields,
    archive_action_plan,
    create_action_plan,
    department_choices,
    load_action_plan_page,
    member_choices,
    restore_action_plan,
    update_action_plan,
)
from .status import StaleVersion, record_update

__all__ = [
    "ActionPlanFields",
    "StaleVersion",
    "archive_action_plan",
    "create_action_plan",
    "department_choices",
    "load_action_plan_page",
    "member_choices",
    "record_update",
    "restore_action_plan",
    "update_action_plan",
]
