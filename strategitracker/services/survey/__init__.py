"""National benchmark survey data (DI's ranks) as organisations read it, for peer comparisons."""

from .peers import categories_with_data, municipalities_with_data, municipality_of, rank_series

__all__ = ["categories_with_data", "municipalities_with_data", "municipality_of", "rank_series"]
