"""Strategies, their goals and the organisation's departments (strategies.py, goals.py), the limits and
write steps they share (rules.py), and publishing a strategy to the public pages (publishing.py)."""

from .goals import create_goal, member_users, update_goal
from .publishing import (
    public_goal,
    public_strategy,
    publish_strategy,
    published_strategies,
    unpublish_strategy,
)
from .rules import DEPARTMENT_NAME_MAX, DEPARTMENT_SHORT_NAME_MAX, OWNER_MAX, TEXT_MAX, TITLE_MAX, FieldError
from .strategies import (
    create_department,
    create_strategy,
    update_department,
    update_strategy,
)

__all__ = [
    "DEPARTMENT_NAME_MAX",
    "DEPARTMENT_SHORT_NAME_MAX",
    "FieldError",
    "OWNER_MAX",
    "TEXT_MAX",
    "TITLE_MAX",
    "create_department",
    "create_goal",
    "create_strategy",
    "member_users",
    "public_goal",
    "public_strategy",
    "publish_strategy",
    "published_strategies",
    "unpublish_strategy",
    "update_department",
    "update_goal",
    "update_strategy",
]
