"""The KPIs of a generated goal, with two dated targets each and monthly measurements over ten years.

The last KPI of each goal is a rank KPI linked to the survey (survey_rows.py); the others alternate between
numbers and percentages, and one of them should go down.
"""

from __future__ import annotations

from datetime import date

from .organisation_rows import OrganisationRows
from .survey_rows import CATEGORIES, CATEGORY_NAMES, MUNICIPALITIES, SURVEY

KPIS, MONTHS = 5, 120


def months_back(today: date, count: int) -> list[date]:
    """The first days of the `count` whole months before today's month, oldest first."""
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        out.append(date(year, month, 1))
    return out[::-1]


def add_kpis(rows: OrganisationRows, goal_id: int, s: int, gi: int) -> None:
    """The KPIs of goal number gi of strategy number s, with their targets and measurements."""
    rng, next_id, periods = rows.rng, rows.next_id, rows.periods
    today, now, user_id = rows.today, rows.now, rows.user_id
    for ki in range(KPIS):
        kpi_id = next_id("kpi")
        rank = ki == KPIS - 1
        kind = "rank" if rank else ("percent" if ki % 2 else "number")
        direction = "lower" if rank or ki == 2 else "higher"
        base = 60.0 if rank else (40.0 if kind == "percent" else 1000.0 + 50 * ki)
        rows.kpis.append(
            {
                "id": kpi_id,
                "organisation_id": rows.org_id,
                "goal_id": goal_id,
                "name": f"Nøgletal {ki + 1} for mål {s + 1}.{gi + 1}",
                "description": "",
                "unit": "" if rank else ("%" if kind == "percent" else "personer"),
                "kind": kind,
                "direction": direction,
                "frequency": "monthly",
                "source": "Danmarks Statistik",
                "owner": "Afdelingschef",
                "owner_user_id": user_id,
                "baseline_value": base,
                "baseline_date": periods[0],
                "baseline_out_of": MUNICIPALITIES if rank else None,
                "baseline_source": "",
                "survey": SURVEY if rank else None,
                "survey_category": CATEGORY_NAMES[gi % CATEGORIES] if rank else None,
                "source_card_id": None,
                "position": ki,
                "archived_at": None,
                "created_at": now,
            }
        )
        step = -0.3 if direction == "lower" else 0.3
        goal_value = base + step * 150 * (1 if kind != "number" else 10)
        if rank:
            goal_value = max(1.0, base - 40)
        if kind == "percent":
            goal_value = min(95.0, goal_value)
        for set_on, value in (
            (periods[0], goal_value * 1.05 if not rank else goal_value + 5),
            (periods[60], goal_value),
        ):
            rows.targets.append(
                {
                    "id": next_id("kpi_target"),
                    "kpi_id": kpi_id,
                    "value": round(value, 1),
                    "target_date": date(today.year + 2, 12, 31),
                    "set_on": set_on,
                    "set_by_id": user_id,
                    "note": "",
                    "source": "",
                    "created_at": now,
                }
            )
        value = base
        for period in periods:
            if rank:
                value = min(98.0, max(1.0, value + rng.choice((-2, -1, -1, 0, 1))))
                shown, out_of = float(int(value)), MUNICIPALITIES
            else:
                scale = 1 if kind == "percent" else 10
                value = value + step * scale * rng.uniform(-1, 2.5)
                if kind == "percent":
                    value = min(100.0, max(0.0, value))
                shown, out_of = round(value, 1), None
            rows.measurements.append(
                {
                    "id": next_id("measurement"),
                    "kpi_id": kpi_id,
                    "period": period,
                    "value": shown,
                    "out_of": out_of,
                    "note": "",
                    "source": "Danmarks Statistik",
                    "entered_by_id": user_id,
                    "entered_at": now,
                    "updated_at": now,
                }
            )
