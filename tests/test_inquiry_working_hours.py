"""The 24-hour promise counted in working hours (weekdays, the working day, Danish public holidays), and the
median hours to the first answer, computed in SQL on SQLite and PostgreSQL alike."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, time, timedelta

import pytest

from strategitracker.services import inquiry as service
from strategitracker.services import kpi as kpi_service
from strategitracker.services.inquiry import rules
from tests import factories

DK = rules.LOCAL_TZ
WHOLE_DAY = (time(0, 0), time(0, 0))


def local(*args) -> datetime:
    return datetime(*args, tzinfo=DK)


def test_exactly_24_working_hours_keeps_the_promise_and_a_minute_more_breaks_it(app):
    received = local(2026, 3, 2, 8, 0)  # Monday
    assert rules.working_seconds(received, local(2026, 3, 4, 16, 0)) == 24 * 3600
    assert rules.answered_in_time(received, local(2026, 3, 4, 16, 0), rules.WORKING_DAY)
    assert rules.working_seconds(received, local(2026, 3, 5, 8, 1)) == 24 * 3600 + 60
    assert not rules.answered_in_time(received, local(2026, 3, 5, 8, 1), rules.WORKING_DAY)
    assert rules.answered_in_time(received, received + timedelta(hours=24))  # clock hours
    assert not rules.answered_in_time(received, received + timedelta(hours=24, minutes=1))


def test_a_weekend_does_not_count():
    friday, monday = local(2026, 3, 6, 15, 0), local(2026, 3, 9, 9, 0)
    assert rules.working_seconds(friday, monday) == 2 * 3600
    assert rules.working_seconds(local(2026, 3, 6, 12, 0), local(2026, 3, 9, 12, 0), WHOLE_DAY) == 24 * 3600
    assert rules.answered_in_time(local(2026, 3, 6, 12, 0), local(2026, 3, 9, 12, 0), WHOLE_DAY)
    assert not rules.answered_in_time(local(2026, 3, 6, 12, 0), local(2026, 3, 9, 12, 1), WHOLE_DAY)
    assert not rules.answered_in_time(friday, monday)  # 66 clock hours


@pytest.mark.parametrize(
    ("received", "answered", "holiday"),
    [
        (local(2026, 5, 13, 15, 0), local(2026, 5, 15, 9, 0), "Kristi himmelfartsdag, Thursday 14 May 2026"),
        (local(2025, 12, 24, 15, 0), local(2025, 12, 29, 9, 0), "1. and 2. juledag, Thursday and Friday"),
    ],
)
def test_danish_public_holidays_do_not_count(received, answered, holiday):
    assert rules.working_seconds(received, answered) == 2 * 3600, holiday
    assert not rules.is_working_day(answered.date() - timedelta(days=1 if answered.day == 15 else 3))


def test_outside_the_working_day_nothing_counts_and_times_are_danish():
    evening, next_morning = local(2026, 3, 2, 17, 0), local(2026, 3, 3, 7, 59)
    assert rules.working_seconds(evening, next_morning) == 0
    # stored in UTC: 07:00 UTC on a March Monday is 08:00 in Denmark
    assert rules.working_seconds(datetime(2026, 3, 2, 7, 0, tzinfo=UTC), local(2026, 3, 2, 9, 0)) == 3600


def test_the_working_day_is_read_from_the_settings():
    assert rules.parse_working_day("07:30-15:00") == (time(7, 30), time(15, 0))
    assert rules.parse_working_day("00:00-00:00") == WHOLE_DAY
    assert rules.parse_working_day("16:00-08:00") == rules.WORKING_DAY
    assert rules.parse_working_day("nonsense") == rules.WORKING_DAY


def test_an_unanswered_inquiry_is_late_after_24_working_hours():
    now = local(2026, 3, 9, 10, 0)  # Monday
    start = rules.working_limit_start(now)
    assert start == local(2026, 3, 4, 10, 0).astimezone(UTC)  # Wednesday: 6 + 8 + 8 + 2 hours
    assert rules.working_seconds(start, now) == 24 * 3600


def _kpi(org, derived: str, kind: str, **kw):
    return factories.kpi(
        factories.goal(factories.strategy(org)), kind=kind, frequency="monthly", derived=derived, **kw
    )


def _log(org, actor, received: datetime, answered: datetime | None, **kw):
    return service.log_inquiry(
        org,
        service.InquiryData(
            received_at=received, company_name="Thy Smedie ApS", first_answer_at=answered, **kw
        ),
        actor=actor,
        now=datetime(2026, 12, 1, tzinfo=UTC),
    )


def test_the_working_hours_kpi_leaves_out_weekends_where_the_clock_hours_kpi_does_not(db, org, make_user):
    actor = make_user("editor", org)
    clock = _kpi(org, "answered_24h", "percent")
    working = _kpi(org, "answered_24h_work", "percent")
    _log(org, actor, local(2026, 3, 6, 15, 0), local(2026, 3, 9, 9, 0))  # over a weekend
    _log(org, actor, local(2026, 3, 13, 15, 0), local(2026, 3, 18, 15, 1))  # 24 working hours + 1 minute
    _log(org, actor, local(2026, 3, 10, 9, 0), None)  # long unanswered: late either way
    assert [(r.value, r.basis) for r in kpi_service.kpi_rows(clock)] == [(0.0, 3)]
    assert [(round(r.value, 4), r.basis) for r in kpi_service.kpi_rows(working)] == [(33.3333, 3)]


def test_answering_stores_the_working_time(db, org, make_user):
    actor = make_user("editor", org)
    inquiry = _log(org, actor, local(2026, 5, 13, 15, 0), None)
    assert inquiry.answer_working_seconds is None
    service.answer_now(inquiry, actor=actor, now=local(2026, 5, 15, 9, 0))
    assert inquiry.answer_working_seconds == 2 * 3600


def test_the_median_hours_to_the_first_answer_per_month_with_its_basis(db, org, make_user):
    actor = make_user("editor", org)
    department = factories.department(org)
    median = _kpi(org, "median_hours", "number")
    only_department = _kpi(org, "median_hours", "number", derived_department_id=department.id)
    march = [1.5, 30, 2, 10]  # even: the mean of the middle two
    april = [5, 0.25, 48]  # odd: the middle one
    for day, hours in enumerate(march, start=2):
        received = datetime(2026, 3, 2 * day, 9, 0, tzinfo=UTC)
        _log(
            org,
            actor,
            received,
            received + timedelta(hours=hours),
            department_ids=[department.id] * (day < 4),
        )
    for day, hours in enumerate(april, start=2):
        received = datetime(2026, 4, 2 * day, 9, 0, tzinfo=UTC)
        _log(org, actor, received, received + timedelta(hours=hours))
    _log(org, actor, datetime(2026, 4, 20, 9, 0, tzinfo=UTC), None)  # unanswered: not in the median
    rows = kpi_service.kpi_rows(median)
    assert [(r.period.isoformat(), r.value, r.basis) for r in rows] == [
        ("2026-03-01", statistics.median(march), 4),
        ("2026-04-01", statistics.median(april), 3),
    ]
    assert statistics.median(march) == 6.0 and "4" in rows[0].note
    assert [(r.value, r.basis) for r in kpi_service.kpi_rows(only_department)] == [
        (statistics.median([1.5, 30]), 2)
    ]


def test_a_median_kpi_is_a_number(db, org):
    problem = kpi_service.derived_definition_problem("median_hours", "percent", None, None, org.id)
    assert problem is not None and "median" in problem.lower()
    assert kpi_service.derived_definition_problem("median_hours", "number", None, None, org.id) is None
    assert kpi_service.derived_definition_problem("answered_24h_work", "percent", None, None, org.id) is None


def test_a_changed_working_day_is_counted_again_by_the_command(app, db, org, make_user, runner):
    actor = make_user("editor", org)
    inquiry = _log(
        org, actor, local(2026, 3, 6, 12, 0), local(2026, 3, 9, 12, 0)
    )  # Friday noon to Monday noon
    db.session.commit()
    assert inquiry.answer_working_seconds == 8 * 3600
    app.config["INQUIRY_WORKING_DAY"] = "00:00-00:00"
    try:
        result = runner.invoke(args=["inquiries", "working-hours"])
        assert result.exit_code == 0 and "arbejdstiden for 1 henvendelser er ændret" in result.output
        assert runner.invoke(args=["inquiries", "working-hours"]).output.endswith(
            "arbejdstiden for 0 henvendelser er ændret.\n"
        )
    finally:
        app.config["INQUIRY_WORKING_DAY"] = "08:00-16:00"
    db.session.expire_all()
    assert inquiry.answer_working_seconds == 24 * 3600
