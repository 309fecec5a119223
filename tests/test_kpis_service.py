"""The KPI service: create, edit, archive and restore KPIs, set targets, enter and correct measurements.

Every write leaves its audit event; every refused request raises ServiceError and writes nothing.
"""

from datetime import date

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker import progress
from strategitracker.extensions import db as _db
from strategitracker.models import KPI, AuditEvent, KPITarget, Measurement
from strategitracker.services import ServiceError, archiving, overview
from strategitracker.services import kpi as service
from strategitracker.services.kpi import KPIData
from tests import factories


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


@pytest.fixture
def actor(make_user, org):
    return make_user("facilitator", org)


@pytest.fixture
def goal(org):
    return factories.goal(factories.strategy(org))


def events(action: str) -> list[AuditEvent]:
    return list(
        _db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )


def count(model) -> int:
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def rank_data(**kw) -> KPIData:
    values = dict(
        name="Placering i DI's måling",
        kind="rank",
        direction="lower",
        frequency="yearly",
        baseline_value=92,
        baseline_date=date(2015, 9, 1),
        baseline_out_of=96,
    )
    return KPIData(**(values | kw))


# --- create -------------------------------------------------------------------------------------------------


def test_create_kpi_with_baseline_records_audit(goal, actor, org):
    kpi = service.create_kpi(goal, rank_data(owner="  Direktør  ", owner_user_id=actor.id), actor=actor)
    assert kpi.id and kpi.organisation_id == org.id and kpi.goal_id == goal.id
    assert (kpi.kind, kpi.direction, kpi.baseline_value, kpi.baseline_out_of) == ("rank", "lower", 92, 96)
    assert kpi.owner == "Direktør" and kpi.owner_user_id == actor.id
    (event,) = events("kpi.create")
    assert (event.entity_type, event.entity_id, event.user_id, event.organisation_id) == (
        "kpi",
        kpi.id,
        actor.id,
        org.id,
    )
    assert event.after["name"] == "Placering i DI's måling"
    assert event.after["baseline_date"] == "2015-09-01"


def test_create_kpi_positions_after_existing(goal, actor):
    first = service.create_kpi(goal, KPIData(name="A"), actor=actor)
    second = service.create_kpi(goal, KPIData(name="B"), actor=actor)
    assert second.position == first.position + 1


def test_non_rank_kpi_drops_rank_only_fields(goal, actor):
    kpi = service.create_kpi(
        goal,
        KPIData(
            name="Antal", baseline_value=5, baseline_date=date(2020, 1, 1), baseline_out_of=9, survey="di"
        ),
        actor=actor,
    )
    assert kpi.baseline_out_of is None and kpi.survey is None


@pytest.mark.parametrize(
    "data, message",
    [
        (KPIData(name="  "), "The KPI needs a name."),
        (rank_data(direction="higher"), "A rank KPI must be “lower is better”: rank 1 is the best."),
        (KPIData(name="X", baseline_value=5), "Enter the date of the baseline value."),
        (
            KPIData(name="X", kind="percent", baseline_value=101, baseline_date=date(2020, 1, 1)),
            "Baseline: A percentage must be between 0 and 100.",
        ),
        (rank_data(baseline_out_of=None), "Baseline: Enter N (how many were ranked)."),
        (rank_data(baseline_value=97), "Baseline: The rank cannot be higher than N (96)."),
        (rank_data(baseline_value=0), "Baseline: A rank must be a whole number of 1 or more."),
        (rank_data(baseline_value=2.5), "Baseline: A rank must be a whole number of 1 or more."),
        (rank_data(baseline_value=None), "Enter the baseline rank as well as N."),
        (KPIData(name="X", kind="bogus"), "Choose a valid kind."),
        (KPIData(name="X", frequency="daily"), "Choose a valid frequency."),
        (
            rank_data(survey="di", survey_category="Findes ikke"),
            "Choose a survey category that has survey data.",
        ),
    ],
)
def test_create_kpi_refuses_bad_input(goal, actor, data, message):
    with pytest.raises(ServiceError) as caught:
        service.create_kpi(goal, data, actor=actor)
    assert str(caught.value) == message
    assert count(KPI) == 0 and events("kpi.create") == []


def test_owner_user_must_be_member_of_the_organisation(goal, actor, make_user, other_org):
    outsider = make_user("admin", other_org)
    with pytest.raises(ServiceError, match="member of the organisation"):
        service.create_kpi(goal, KPIData(name="X", owner_user_id=outsider.id), actor=actor)
    assert count(KPI) == 0


def test_no_kpis_under_an_archived_goal(goal, actor):
    goal.archived_at = goal.created_at
    with pytest.raises(ServiceError, match="The goal is archived"):
        service.create_kpi(goal, KPIData(name="X"), actor=actor)


def test_survey_category_is_kept_for_rank_kpis(goal, actor):
    from strategitracker.models import Municipality, SurveyRank

    municipality = Municipality(code=787, name="Thisted")
    _db.session.add(municipality)
    _db.session.flush()
    _db.session.add(
        SurveyRank(
            survey="di", year=2015, municipality_id=municipality.id, category="Overordnet", rank=92, out_of=96
        )
    )
    kpi = service.create_kpi(goal, rank_data(survey="di", survey_category="Overordnet"), actor=actor)
    assert (kpi.survey, kpi.survey_category) == ("di", "Overordnet")


# --- update, archive, restore -------------------------------------------------------------------------------


def test_update_kpi_records_only_changed_fields(goal, actor):
    kpi = service.create_kpi(goal, rank_data(), actor=actor)
    changed = service.update_kpi(
        kpi, rank_data(name="Ny placering", baseline_value=90), actor=actor, reason="Talt forkert"
    )
    assert changed is True
    assert (kpi.name, kpi.baseline_value) == ("Ny placering", 90)
    (event,) = events("kpi.update")
    assert event.before == {"name": "Placering i DI's måling", "baseline_value": 92}
    assert event.after == {"name": "Ny placering", "baseline_value": 90, "reason": "Talt forkert"}


def test_changing_a_baseline_needs_a_reason_but_setting_the_first_does_not(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="Antal"), actor=actor)
    first = KPIData(name="Antal", baseline_value=5, baseline_date=date(2020, 1, 1))
    assert service.update_kpi(kpi, first, actor=actor) is True
    moved = KPIData(name="Antal", baseline_value=5, baseline_date=date(2021, 1, 1))
    with pytest.raises(ServiceError, match="Baseline: Give a reason"):
        service.update_kpi(kpi, moved, actor=actor, reason=" ")
    with pytest.raises(ServiceError, match="Baseline: Give a reason"):
        service.update_kpi(kpi, KPIData(name="Antal"), actor=actor)  # removing it is a change too


def test_update_without_changes_writes_no_event(goal, actor):
    kpi = service.create_kpi(goal, rank_data(), actor=actor)
    assert service.update_kpi(kpi, rank_data(), actor=actor) is False
    assert events("kpi.update") == []


def test_update_refuses_a_kind_the_measurements_do_not_fit(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="Antal"), actor=actor)
    service.add_measurement(kpi, date(2020, 1, 1), 150, actor=actor)
    with pytest.raises(ServiceError, match="A percentage must be between 0 and 100"):
        service.update_kpi(kpi, KPIData(name="Antal", kind="percent"), actor=actor)
    with pytest.raises(ServiceError, match="The kind cannot be changed"):
        service.update_kpi(kpi, KPIData(name="Antal", kind="rank", direction="lower"), actor=actor)
    _db.session.expire_all()
    assert _db.session.get(KPI, kpi.id).kind == "number"
    assert events("kpi.update") == []


def test_update_refuses_bad_input_and_changes_nothing(goal, actor):
    kpi = service.create_kpi(goal, rank_data(), actor=actor)
    with pytest.raises(ServiceError):
        service.update_kpi(kpi, rank_data(direction="higher"), actor=actor)
    assert events("kpi.update") == []


def test_archive_and_restore(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="X"), actor=actor)
    assert archiving.set_archived(kpi, True, actor=actor) is True
    assert kpi.archived_at is not None
    assert archiving.set_archived(kpi, True, actor=actor) is False  # already archived: nothing to do
    (archived,) = events("kpi.archive")
    assert archived.before == {"archived_at": None} and archived.entity_id == kpi.id
    with pytest.raises(ServiceError, match="archived"):
        service.update_kpi(kpi, KPIData(name="Y"), actor=actor)
    with pytest.raises(ServiceError, match="archived"):
        service.add_measurement(kpi, date(2020, 1, 1), 1, actor=actor)
    with pytest.raises(ServiceError, match="archived"):
        service.add_target(kpi, 1, date(2030, 1, 1), actor=actor)
    assert archiving.set_archived(kpi, False, actor=actor) is True
    assert kpi.archived_at is None
    assert archiving.set_archived(kpi, False, actor=actor) is False
    (restored,) = events("kpi.restore")
    assert restored.after["archived_at"] is None


# --- targets ------------------------------------------------------------------------------------------------


def test_new_target_for_same_date_adds_a_row_and_keeps_history(goal, actor):
    kpi = service.create_kpi(goal, rank_data(), actor=actor)
    first = service.add_target(kpi, 25, date(2027, 9, 1), "Ved start", actor=actor, today=date(2016, 6, 1))
    second = service.add_target(kpi, 10, date(2027, 9, 1), "Skærpet", actor=actor, today=date(2019, 10, 1))
    rows = list(_db.session.scalars(sa.select(KPITarget).where(KPITarget.kpi_id == kpi.id)))
    assert {(t.id, t.value) for t in rows} == {(first.id, 25), (second.id, 10)}
    assert (second.set_on, second.set_by_id, second.note) == (date(2019, 10, 1), actor.id, "Skærpet")
    _db.session.expire(kpi)
    current = progress.current_targets(overview.kpi_input(kpi).targets)
    assert [(t.value, t.target_date) for t in current] == [(10, date(2027, 9, 1))]
    first_event, second_event = events("kpi.target_set")
    assert first_event.before is None and first_event.after["value"] == 25
    assert second_event.before["target_id"] == first.id and second_event.before["value"] == 25
    assert second_event.after == {
        "kpi_id": kpi.id,
        "value": 10,
        "target_date": "2027-09-01",
        "set_on": "2019-10-01",
        "set_by_id": actor.id,
        "note": "Skærpet",
    }


def test_same_day_targets_the_later_row_is_current(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="X"), actor=actor)
    service.add_target(kpi, 5, date(2030, 1, 1), actor=actor, today=date(2024, 1, 1))
    service.add_target(kpi, 7, date(2030, 1, 1), actor=actor, today=date(2024, 1, 1))
    _db.session.expire(kpi)
    assert [t.value for t in progress.current_targets(overview.kpi_input(kpi).targets)] == [7]


@pytest.mark.parametrize(
    "kind, value, target_date, message",
    [
        ("percent", 101, date(2030, 1, 1), "A percentage must be between 0 and 100."),
        ("percent", -1, date(2030, 1, 1), "A percentage must be between 0 and 100."),
        ("rank", 0, date(2030, 1, 1), "A rank must be a whole number of 1 or more."),
        ("number", 5, date(2020, 1, 1), "The target date must be after the baseline date"),
        ("number", 5, date(2019, 6, 1), "The target date must be after the baseline date"),
        ("number", float("nan"), date(2030, 1, 1), "Enter a number."),
    ],
)
def test_add_target_refuses_bad_input(goal, actor, kind, value, target_date, message):
    kwargs = {"direction": "lower"} if kind == "rank" else {}
    kpi = service.create_kpi(goal, KPIData(name="X", kind=kind, **kwargs), actor=actor)
    kpi.baseline_date, kpi.baseline_value = date(2020, 1, 1), (5 if kind != "rank" else None)
    with pytest.raises(ServiceError) as caught:
        service.add_target(kpi, value, target_date, actor=actor)
    assert str(caught.value).startswith(message)
    assert count(KPITarget) == 0 and events("kpi.target_set") == []


# --- measurements -------------------------------------------------------------------------------------------


def test_add_measurement_records_audit(goal, actor, org):
    kpi = service.create_kpi(goal, rank_data(), actor=actor)
    m = service.add_measurement(kpi, date(2019, 9, 1), 6, 93, " Top 10! ", "nordjyske.dk", actor=actor)
    assert (m.kpi_id, m.value, m.out_of, m.note, m.source, m.entered_by_id) == (
        kpi.id,
        6,
        93,
        "Top 10!",
        "nordjyske.dk",
        actor.id,
    )
    (event,) = events("measurement.create")
    assert (event.entity_type, event.entity_id, event.organisation_id) == ("measurement", m.id, org.id)
    assert event.after == {
        "kpi_id": kpi.id,
        "period": "2019-09-01",
        "value": 6,
        "out_of": 93,
        "note": "Top 10!",
        "source": "nordjyske.dk",
    }


@pytest.mark.parametrize(
    "kind, value, out_of, message",
    [
        ("rank", 6, None, "Enter N (how many were ranked)."),
        ("rank", 94, 93, "The rank cannot be higher than N (93)."),
        ("rank", 0, 93, "A rank must be a whole number of 1 or more."),
        ("rank", 6, 0, "N must be a whole number of 1 or more."),
        ("percent", 100.5, None, "A percentage must be between 0 and 100."),
        ("number", 5, 10, "Only rank KPIs have N."),
    ],
)
def test_add_measurement_refuses_bad_values(goal, actor, kind, value, out_of, message):
    kwargs = {"direction": "lower"} if kind == "rank" else {}
    kpi = service.create_kpi(goal, KPIData(name="X", kind=kind, **kwargs), actor=actor)
    with pytest.raises(ServiceError) as caught:
        service.add_measurement(kpi, date(2020, 1, 1), value, out_of, actor=actor)
    assert str(caught.value) == message
    assert count(Measurement) == 0 and events("measurement.create") == []


@pytest.mark.parametrize(
    "frequency, first, second",
    [
        ("yearly", date(2019, 9, 1), date(2019, 9, 1)),
        ("yearly", date(2019, 1, 1), date(2019, 12, 31)),
        ("quarterly", date(2019, 4, 1), date(2019, 6, 30)),
        ("monthly", date(2019, 4, 1), date(2019, 4, 30)),
    ],
)
def test_one_measurement_per_period(goal, actor, frequency, first, second):
    kpi = service.create_kpi(goal, KPIData(name="X", frequency=frequency), actor=actor)
    service.add_measurement(kpi, first, 1, actor=actor)
    with pytest.raises(ServiceError, match="There is already a measurement for this period") as caught:
        service.add_measurement(kpi, second, 2, actor=actor)
    assert "Correct" in str(caught.value)
    assert count(Measurement) == 1 and len(events("measurement.create")) == 1


@pytest.mark.parametrize(
    "frequency, first, second",
    [
        ("yearly", date(2019, 12, 31), date(2020, 1, 1)),
        ("quarterly", date(2019, 3, 31), date(2019, 4, 1)),
        ("monthly", date(2019, 4, 30), date(2019, 5, 1)),
    ],
)
def test_next_period_is_accepted(goal, actor, frequency, first, second):
    kpi = service.create_kpi(goal, KPIData(name="X", frequency=frequency), actor=actor)
    service.add_measurement(kpi, first, 1, actor=actor)
    service.add_measurement(kpi, second, 2, actor=actor)
    assert count(Measurement) == 2


def test_correct_measurement_keeps_old_values_in_audit(goal, actor, make_user, org):
    kpi = service.create_kpi(goal, rank_data(), actor=actor)
    m = service.add_measurement(kpi, date(2019, 9, 1), 7, 93, "", "kilde A", actor=actor)
    editor = make_user("editor", org)
    assert (
        service.correct_measurement(
            m, date(2019, 9, 1), 6, 94, "Rettet", "kilde B", reason="Forkert N", actor=editor
        )
        is True
    )
    assert (m.value, m.out_of, m.note, m.source) == (6, 94, "Rettet", "kilde B")
    assert m.entered_by_id == actor.id  # who entered it stays; who corrected it is in the audit event
    (event,) = events("measurement.correct")
    assert event.user_id == editor.id and event.entity_id == m.id
    assert event.before == {
        "kpi_id": kpi.id,
        "period": "2019-09-01",
        "value": 7,
        "out_of": 93,
        "note": "",
        "source": "kilde A",
    }
    changed = {"value": 6, "out_of": 94, "note": "Rettet", "source": "kilde B", "reason": "Forkert N"}
    assert event.after == {**event.before, **changed}


def test_correction_without_change_writes_no_event(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="X"), actor=actor)
    m = service.add_measurement(kpi, date(2019, 9, 1), 7, actor=actor)
    assert service.correct_measurement(m, date(2019, 9, 1), 7, None, "", "", reason="x", actor=actor) is False
    assert events("measurement.correct") == []


def test_correction_may_not_move_into_a_taken_period(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="X"), actor=actor)
    service.add_measurement(kpi, date(2019, 9, 1), 7, actor=actor)
    other = service.add_measurement(kpi, date(2020, 9, 1), 8, actor=actor)
    with pytest.raises(ServiceError, match="already a measurement"):
        service.correct_measurement(other, date(2019, 6, 1), 8, reason="x", actor=actor)
    # a correction may keep its own period or move within it
    assert service.correct_measurement(other, date(2020, 10, 1), 9, reason="x", actor=actor) is True


def test_correction_refuses_bad_values(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="X", kind="percent"), actor=actor)
    m = service.add_measurement(kpi, date(2019, 9, 1), 50, actor=actor)
    with pytest.raises(ServiceError, match="between 0 and 100"):
        service.correct_measurement(m, date(2019, 9, 1), 150, reason="x", actor=actor)
    _db.session.expire_all()
    assert _db.session.get(Measurement, m.id).value == 50
    assert events("measurement.correct") == []


def test_delete_measurement_keeps_old_values_and_reason(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="X"), actor=actor)
    m = service.add_measurement(kpi, date(2019, 9, 1), 7, note="n", actor=actor)
    m_id = m.id
    with pytest.raises(ServiceError, match="Give a reason"):
        service.delete_measurement(m, "", actor=actor)
    service.delete_measurement(m, " Forkert år ", actor=actor)
    assert count(Measurement) == 0
    (event,) = events("measurement.delete")
    assert event.entity_id == m_id and event.before["value"] == 7 and event.before["note"] == "n"
    assert event.after == {"reason": "Forkert år"}


def test_delete_target_keeps_old_values_and_reason(goal, actor):
    kpi = service.create_kpi(goal, KPIData(name="X"), actor=actor)
    target = service.add_target(kpi, 10, date(2030, 1, 1), actor=actor)
    target_id = target.id
    service.delete_target(target, "Fejl", actor=actor)
    assert count(KPITarget) == 0
    (event,) = events("kpi.target_delete")
    assert event.entity_id == target_id and event.before["value"] == 10 and event.after == {"reason": "Fejl"}


@pytest.mark.parametrize(
    "frequency, period, accepted",
    [
        ("monthly", date(2024, 5, 31), True),
        ("monthly", date(2024, 6, 1), False),
        ("quarterly", date(2024, 6, 30), True),
        ("quarterly", date(2024, 7, 1), False),
        ("yearly", date(2024, 12, 31), True),
        ("yearly", date(2025, 1, 1), False),
        ("yearly", date(2099, 1, 1), False),
    ],
)
def test_no_measurement_for_a_period_that_has_not_begun(goal, actor, frequency, period, accepted):
    kpi = service.create_kpi(goal, KPIData(name="X", frequency=frequency), actor=actor)
    today = date(2024, 5, 15)
    if accepted:
        service.add_measurement(kpi, period, 1, actor=actor, today=today)
        return
    with pytest.raises(ServiceError, match="has not begun yet"):
        service.add_measurement(kpi, period, 1, actor=actor, today=today)
