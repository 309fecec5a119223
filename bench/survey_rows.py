"""The national survey data, written once: municipalities and their survey rankings per year and category."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

MUNICIPALITIES, SURVEY_YEARS, CATEGORIES = 98, 15, 10
SURVEY = "DI Lokalt Erhvervsklima"
CATEGORY_NAMES = [
    "Samlet placering",
    "Infrastruktur og transport",
    "Kommunal service",
    "Arbejdskraft",
    "Skatter og gebyrer",
    "Erhvervsvenlighed",
    "Byggesagsbehandling",
    "Kommunens image",
    "Information og dialog",
    "Udbud og indkøb",
]


def municipality_rows(next_id: Callable[[str], int]) -> list[dict[str, Any]]:
    """Municipality codes 101.. (organisation n has code 100 + n)."""
    return [
        {"id": next_id("municipality"), "code": 101 + i, "name": f"Bench Kommune {i + 1:03d}"}
        for i in range(MUNICIPALITIES)
    ]


def rank_rows(
    municipalities: list[dict[str, Any]], rng: random.Random, next_id: Callable[[str], int], today: date
) -> Iterator[dict[str, Any]]:
    """Ranks 1..98 per year and category, shuffled; lazily, as there are many."""
    for year in range(today.year - SURVEY_YEARS, today.year):
        for category in CATEGORY_NAMES[:CATEGORIES]:
            order = list(range(1, MUNICIPALITIES + 1))
            rng.shuffle(order)
            for m, rank in zip(municipalities, order, strict=True):
                yield {
                    "id": next_id("survey_rank"),
                    "survey": SURVEY,
                    "year": year,
                    "municipality_id": m["id"],
                    "category": category,
                    "rank": rank,
                    "out_of": MUNICIPALITIES,
                    "source": "bench",
                }
