"""Action plans (handleplaner): creating and editing them (plans.py) and every status or progress update,
with its history row and audit event (status.py)."""

from .plans import (
    ActionPlanFields,
    create_action_plan,
    department_choices,
    load_action_plan_page,
    member_choices,
    update_action_plan,
)
from .status import StaleVersion, record_update

__all__ = [
    "ActionPlanFields",
    "StaleVersion",
    "create_action_plan",
    "department_choices",
    "load_action_plan_page",
    "member_choices",
    "record_update",
    "update_action_plan",
]
