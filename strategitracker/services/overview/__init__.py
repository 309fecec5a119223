"""Read models for pages: a strategy or goal with everything its pages show, in a fixed number of queries
(strategy.py), and the "Mine" page of one user (mine.py)."""

from .mine import CLOSED_STATUSES, UPDATE_INTERVAL_DAYS, OwnedItems, OwnedKPI, OwnedPlan, owned_items
from .strategy import GoalView, KPIView, StrategyView, goal_overview, kpi_input, strategy_overview

__all__ = [
    "CLOSED_STATUSES",
    "GoalView",
    "KPIView",
    "OwnedItems",
    "OwnedKPI",
    "OwnedPlan",
    "StrategyView",
    "UPDATE_INTERVAL_DAYS",
    "goal_overview",
    "kpi_input",
    "owned_items",
    "strategy_overview",
]
