"""Recompute KPIs derived from the business inquiry log over 100,000 inquiries and print the time.

    .venv/bin/python -m bench.inquiries [--count 100000] [--url URL]

Uses its own database (default: the SQLite file bench/inquiries.db; every table is dropped and made again),
one organisation with 100,000 inquiries over four years, and six derived KPIs (share answered within 24
hours per month, per quarter and for one department; the same share in working hours per month; the median
hours to the first answer per month; the number per year). The figure is the best of five runs of the one
statement that reads all six series.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from .common import BENCH_DIR, make_app, safe_url

DEFAULT_URL = f"sqlite:///{BENCH_DIR / 'inquiries.db'}"


def _fill(db, count: int) -> list[int]:
    from strategitracker.models import (
        KPI,
        Department,
        Goal,
        Inquiry,
        Organisation,
        Strategy,
        inquiry_department,
    )
    from strategitracker.services.inquiry import rules

    org = Organisation(slug="bench-inquiries", name="Bench Kommune")
    db.session.add(org)
    db.session.flush()
    departments = [Department(organisation_id=org.id, name=f"Forvaltning {n}") for n in range(4)]
    strategy = Strategy(
        organisation_id=org.id,
        title="Erhverv",
        period_start=datetime(2023, 1, 1).date(),
        period_end=datetime(2030, 12, 31).date(),
    )
    db.session.add_all([*departments, strategy])
    db.session.flush()
    goal = Goal(organisation_id=org.id, strategy_id=strategy.id, title="Én indgang")
    db.session.add(goal)
    db.session.flush()
    rng = random.Random(18)
    start = datetime(2023, 1, 1, tzinfo=UTC)
    rows, links = [], []
    for n in range(1, count + 1):
        received = start + timedelta(minutes=rng.randrange(4 * 365 * 24 * 60))
        answer = None if rng.random() < 0.03 else received + timedelta(hours=rng.expovariate(1 / 10))
        outcome = rng.choice(["answered", "referred", "alternative", "refused", None])
        rows.append(
            {
                "id": n,
                "organisation_id": org.id,
                "received_at": received,
                "channel": "phone",
                "company_name": f"Firma {n}",
                "cvr": "",
                "contact_name": "",
                "contact_phone": "",
                "contact_email": "",
                "topic": "",
                "first_answer_at": answer,
                "answer_working_seconds": rules.working_seconds(received, answer) if answer else None,
                "closed_at": answer if outcome else None,
                "outcome": outcome,
                "notes": "",
                "created_at": received,
            }
        )
        links.append({"inquiry_id": n, "department_id": departments[n % 4].id})
    db.session.execute(sa.insert(Inquiry), rows)
    db.session.execute(sa.insert(inquiry_department), links)
    kpis = [
        KPI(
            organisation_id=org.id,
            goal_id=goal.id,
            name="24 t pr. måned",
            kind="percent",
            frequency="monthly",
            derived="answered_24h",
        ),
        KPI(
            organisation_id=org.id,
            goal_id=goal.id,
            name="24 t pr. kvartal",
            kind="percent",
            frequency="quarterly",
            derived="answered_24h",
        ),
        KPI(
            organisation_id=org.id,
            goal_id=goal.id,
            name="24 t, én forvaltning",
            kind="percent",
            frequency="monthly",
            derived="answered_24h",
            derived_department_id=departments[0].id,
        ),
        KPI(
            organisation_id=org.id,
            goal_id=goal.id,
            name="24 arbejdstimer pr. måned",
            kind="percent",
            frequency="monthly",
            derived="answered_24h_work",
        ),
        KPI(
            organisation_id=org.id,
            goal_id=goal.id,
            name="Mediantimer pr. måned",
            kind="number",
            frequency="monthly",
            derived="median_hours",
        ),
        KPI(
            organisation_id=org.id,
            goal_id=goal.id,
            name="Antal pr. år",
            kind="number",
            frequency="yearly",
            derived="inquiries",
        ),
    ]
    db.session.add_all(kpis)
    db.session.commit()
    return [k.id for k in kpis]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--url", default=DEFAULT_URL)
    args = parser.parse_args()
    app = make_app(args.url)
    from strategitracker.extensions import db
    from strategitracker.services import kpi as kpi_service

    with app.app_context():
        db.drop_all()
        db.create_all()
        began = time.perf_counter()
        kpi_ids = _fill(db, args.count)
        print(
            f"{safe_url(args.url)}: {args.count:,} inquiries written in {time.perf_counter() - began:.1f} s"
        )
        timings = []
        for _run in range(5):
            db.session.expire_all()
            began = time.perf_counter()
            series = kpi_service.series_rows(kpi_ids)
            timings.append(time.perf_counter() - began)
        for kpi_id in kpi_ids:
            began = time.perf_counter()
            kpi_service.series_rows([kpi_id])
            print(f"  KPI {kpi_id}: {(time.perf_counter() - began) * 1000:.0f} ms")
        values = sum(len(rows) for rows in series.values())
        best, worst = min(timings) * 1000, max(timings) * 1000
        print(f"{len(kpi_ids)} derived KPIs, {values} values: best {best:.0f} ms, worst {worst:.0f} ms")


if __name__ == "__main__":
    main()
