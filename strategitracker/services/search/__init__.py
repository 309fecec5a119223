"""Search over an organisation's goals, KPIs, action plans, strategies and workshops, and over the published
strategies of every organisation (query.py)."""

from .query import KINDS, MAX_PER_KIND, MAX_QUERY_LENGTH, Hit, public_search, search

__all__ = ["Hit", "KINDS", "MAX_PER_KIND", "MAX_QUERY_LENGTH", "public_search", "search"]
