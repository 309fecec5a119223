"""National benchmark survey data (DI's ranks) as organisations read it, for peer comparisons (peers.py), and
the register of municipalities that names whose ranks they are (municipalities.py)."""

from .municipalities import Register, municipality_key, register_size
from .peers import categories_with_data, municipalities_with_data, municipality_of, rank_series

__all__ = [
    "Register",
    "categories_with_data",
    "municipalities_with_data",
    "municipality_key",
    "municipality_of",
    "rank_series",
    "register_size",
]
