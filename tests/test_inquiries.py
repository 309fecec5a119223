"""The business inquiry log: CVR numbers, the 24-hour promise at its edges, the desk, the list, permissions
and anonymising contact persons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import KPI, AuditEvent, Inquiry, Measurement
from strategitracker.services import ServiceError
from strategitracker.services import inquiry as service
from tests import factories

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("cvr", ["", "10150817", "29 18 99 19", "DK25313763", "12345674"])
def test_valid_cvr_numbers_pass(app, cvr):
    with app.test_request_context():
        assert service.cvr_problem(cvr) is None


@pytest.mark.parametrize(
    ("cvr", "words"),
    [
        ("12345678", "ikke et gyldigt CVR"),
        ("1234567", "8 cifre"),
        ("123456789", "8 cifre"),
        ("1234567a", "8 cifre"),
        ("١٢٣٤٥٦٧٤", "8 cifre"),
    ],
)
def test_invalid_cvr_numbers_are_refused_with_a_reason(app, cvr, words):
    with app.test_request_context():
        assert words in service.cvr_problem(cvr)


def test_an_answer_at_exactly_24_hours_keeps_the_promise():
    assert service.answered_in_time(RECEIVED, RECEIVED + timedelta(hours=24))
    assert not service.answered_in_time(RECEIVED, RECEIVED + timedelta(hours=24, seconds=1))
    assert not service.answered_in_time(RECEIVED, None)
    assert service.hours_to_answer(RECEIVED, RECEIVED + timedelta(hours=1, minutes=30)) == 1.5


def test_an_open_inquiry_is_late_only_after_24_hours_and_urgent_after_20():
    at_limit = RECEIVED + timedelta(hours=24)
    assert not service.is_late(RECEIVED, None, at_limit)
    assert service.is_late(RECEIVED, None, at_limit + timedelta(minutes=1))
    assert service.time_left(RECEIVED, RECEIVED + timedelta(hours=20)) == timedelta(hours=4)
    assert not service.is_urgent(RECEIVED, RECEIVED + timedelta(hours=20))
    assert service.is_urgent(RECEIVED, RECEIVED + timedelta(hours=20, minutes=1))


def test_times_stored_without_a_zone_are_read_as_utc():
    naive = RECEIVED.replace(tzinfo=None)
    assert service.answered_in_time(naive, RECEIVED + timedelta(hours=2))


def _data(**kw) -> service.InquiryData:
    kw.setdefault("received_at", RECEIVED)
    kw.setdefault("company_name", "Thy Smedie ApS")
    return service.InquiryData(**kw)


def test_logging_checks_departments_handler_and_times_of_the_organisation(db, org, other_org, make_user):
    actor = make_user("editor", org)
    foreign_department = factories.department(other_org)
    outsider = make_user("editor", other_org)
    now = RECEIVED + timedelta(days=1)
    _db.session.commit()
    refusals = [
        (_data(department_ids=[foreign_department.id]), "department_ids"),
        (_data(handler_id=outsider.id), "handler_id"),
        (_data(cvr="12345678"), "cvr"),
        (_data(company_name="  "), "company_name"),
        (_data(first_answer_at=RECEIVED - timedelta(minutes=1)), "first_answer_at"),
        (_data(received_at=now + timedelta(hours=1)), "received_at"),
        (_data(closed_at=RECEIVED + timedelta(hours=1)), "outcome"),
    ]
    for data, field in refusals:
        with pytest.raises(ServiceError) as refused:
            service.log_inquiry(org, data, actor=actor, now=now)
        assert refused.value.field == field
        _db.session.rollback()
    department = factories.department(org)
    inquiry = service.log_inquiry(
        org,
        _data(department_ids=[department.id], handler_id=actor.id, cvr="29 18 99 19"),
        actor=actor,
        now=now,
    )
    assert inquiry.cvr == "29189919"
    assert [d.id for d in inquiry.departments] == [department.id]


def test_anonymising_blanks_old_contact_persons_once(db, org, make_user):
    actor = make_user("editor", org)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    old = service.log_inquiry(
        org,
        _data(contact_name="Hanne Hansen", contact_phone="12345678", contact_email="h@example.dk"),
        actor=actor,
        now=now,
    )
    recent = service.log_inquiry(
        org,
        _data(received_at=datetime(2026, 11, 1, tzinfo=UTC), contact_name="Jens Jensen"),
        actor=actor,
        now=now,
    )
    assert service.anonymise(datetime(2026, 6, 1, tzinfo=UTC), now=now) == 1
    assert service.anonymise(datetime(2026, 6, 1, tzinfo=UTC), now=now) == 0
    _db.session.expire_all()
    assert (old.contact_name, old.contact_phone, old.contact_email) == ("", "", "")
    assert old.anonymised_at is not None and old.company_name == "Thy Smedie ApS"
    assert recent.contact_name == "Jens Jensen"
    audit_text = " ".join(str(e.after) for e in _db.session.scalars(sa.select(AuditEvent)))
    assert "Hanne" not in audit_text and "Jens" not in audit_text


def test_anonymise_command_uses_the_retention_in_months(app, db, org, make_user, runner):
    actor = make_user("editor", org)
    received = datetime.now(UTC) - timedelta(days=400)
    service.log_inquiry(org, _data(received_at=received, contact_name="Hanne Hansen"), actor=actor)
    _db.session.commit()
    result = runner.invoke(args=["inquiries", "anonymise", "--months", "24"])
    assert result.exit_code == 0, result.output
    assert "0" in result.output
    result = runner.invoke(args=["inquiries", "anonymise", "--months", "12"])
    assert "1" in result.output
    result = runner.invoke(args=["inquiries", "anonymise", "--months", "12"])
    assert "0" in result.output
    assert _db.session.scalar(sa.select(Inquiry.contact_name)) == ""


# --- pages ------------------------------------------------------------------------------------------------


def test_a_desk_user_logs_a_call_and_answers_it(client, login, org):
    user = login("editor")
    department = factories.department(org, name="Teknik og Miljø")
    _db.session.commit()
    page = client.get(f"/o/{org.slug}/inquiries/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "autofocus" in html and '<option selected value="phone">' in html
    now = datetime.now(service.LOCAL_TZ).replace(second=0, microsecond=0) - timedelta(hours=21)
    response = client.post(
        f"/o/{org.slug}/inquiries/new",
        data={
            "company_name": "Thy Smedie ApS",
            "cvr": "10150817",
            "contact_name": "Hanne Hansen",
            "topic": "Byggetilladelse",
            "department_ids": [str(department.id)],
            "handler_id": str(user.id),
            "channel": "phone",
            "received_at": now.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    inquiry = _db.session.scalar(sa.select(Inquiry))
    assert inquiry.company_name == "Thy Smedie ApS" and inquiry.first_answer_at is None
    assert service.hours_to_answer(now, inquiry.received_at) == 0
    desk = client.get(f"/o/{org.slug}/inquiries/desk").get_data(as_text=True)
    assert "Thy Smedie ApS" in desk and 'data-urgent="yes"' in desk and "⚠" in desk
    assert "Hanne Hansen" not in desk
    assert client.post(f"/o/{org.slug}/inquiries/{inquiry.id}/answer").status_code == 302
    _db.session.expire_all()
    assert inquiry.first_answer_at is not None
    assert ">Thy Smedie ApS</a>" not in client.get(f"/o/{org.slug}/inquiries/desk").get_data(as_text=True)
    again = client.post(f"/o/{org.slug}/inquiries/{inquiry.id}/answer", follow_redirects=True)
    assert "allerede besvaret" in again.get_data(as_text=True)


def test_the_desk_lists_the_least_time_left_first(client, login, org):
    actor = login("editor")
    now = datetime.now(UTC)
    for name, hours in (("Nyere", 2), ("Ældst", 23), ("Midt", 10)):
        service.log_inquiry(
            org, _data(company_name=name, received_at=now - timedelta(hours=hours)), actor=actor
        )
    _db.session.commit()
    html = client.get(f"/o/{org.slug}/inquiries/desk").get_data(as_text=True)
    assert html.index("Ældst") < html.index("Midt") < html.index("Nyere")


def test_a_bad_cvr_number_is_shown_and_nothing_is_saved(client, login, org):
    login("editor")
    response = client.post(
        f"/o/{org.slug}/inquiries/new",
        data={
            "company_name": "Firma",
            "cvr": "12345678",
            "channel": "phone",
            "received_at": "2026-01-05T09:00",
        },
        headers={"Accept-Language": "da"},
    )
    assert response.status_code == 400
    assert "CVR" in response.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(Inquiry.id))) == 0


def test_the_list_filters_by_state_department_handler_and_period(client, login, org, make_user):
    actor = login("editor")
    other = make_user("editor", org)
    department = factories.department(org)
    now = datetime.now(UTC)
    service.log_inquiry(org, _data(company_name="Sen", received_at=now - timedelta(hours=30)), actor=actor)
    service.log_inquiry(
        org,
        _data(
            company_name="Besvaret",
            received_at=now - timedelta(hours=30),
            first_answer_at=now - timedelta(hours=29),
            department_ids=[department.id],
            handler_id=other.id,
        ),
        actor=actor,
    )
    service.log_inquiry(
        org, _data(company_name="Gammel", received_at=datetime(2025, 1, 10, 12, tzinfo=UTC)), actor=actor
    )
    _db.session.commit()

    def listed(**query) -> set[str]:
        html = client.get(f"/o/{org.slug}/inquiries/", query_string=query).get_data(as_text=True)
        return {name for name in ("Sen", "Besvaret", "Gammel") if f">{name}</a>" in html}

    assert listed() == {"Sen", "Besvaret", "Gammel"}
    assert listed(state="late") == {"Sen", "Gammel"}
    assert listed(department=department.id) == {"Besvaret"}
    assert listed(handler=other.id) == {"Besvaret"}
    assert listed(start="2025-01-10", end="2025-01-10") == {"Gammel"}
    assert listed(start="nonsense", department="x") == {"Sen", "Besvaret", "Gammel"}


def test_viewers_do_not_see_the_log_and_other_organisations_inquiries_are_not_found(
    client, login, org, other_org, make_user
):
    foreign = service.log_inquiry(other_org, _data(), actor=make_user("editor", other_org))
    _db.session.commit()
    login("viewer")
    assert client.get(f"/o/{org.slug}/inquiries/desk").status_code == 403
    assert client.get(f"/o/{org.slug}/inquiries/new").status_code == 403
    assert "/inquiries/" not in client.get(f"/o/{org.slug}/").get_data(as_text=True)
    client.post("/logout")
    login("editor")
    assert client.get(f"/o/{org.slug}/inquiries/{foreign.id}").status_code == 404
    assert client.post(f"/o/{org.slug}/inquiries/{foreign.id}/answer").status_code == 404


def test_editing_records_the_answer_and_the_outcome(client, login, org):
    actor = login("editor")
    inquiry = service.log_inquiry(org, _data(), actor=actor)
    _db.session.commit()
    form = {
        "company_name": "Thy Smedie ApS",
        "channel": "phone",
        "received_at": "2026-03-02T10:00",
        "first_answer_at": "2026-03-02T15:30",
        "closed_at": "2026-03-03T10:00",
        "outcome": "",
    }
    refused = client.post(f"/o/{org.slug}/inquiries/{inquiry.id}", data=form)
    assert refused.status_code == 400
    response = client.post(f"/o/{org.slug}/inquiries/{inquiry.id}", data=form | {"outcome": "alternative"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert inquiry.outcome == "alternative"
    assert service.hours_to_answer(inquiry.received_at, inquiry.first_answer_at) == 5.5


# --- KPIs computed from the log -----------------------------------------------------------------------------


def _derived_kpi(org, derived: str, frequency: str = "monthly", **kw):
    goal = factories.goal(factories.strategy(org))
    return factories.kpi(
        goal,
        kind="percent" if derived != "inquiries" else "number",
        frequency=frequency,
        derived=derived,
        **kw,
    )


def _log_month(org, actor, answered_hours: list[float | None], day: int = 3):
    for n, hours in enumerate(answered_hours):
        received = datetime(2026, 3, day, 8, n, tzinfo=UTC)
        answered = received + timedelta(hours=hours) if hours is not None else None
        service.log_inquiry(
            org,
            _data(received_at=received, first_answer_at=answered),
            actor=actor,
            now=datetime(2026, 5, 1, tzinfo=UTC),
        )


def test_share_answered_in_time_is_computed_per_month_with_its_basis(db, org, make_user):
    from strategitracker.services import kpi as kpi_service

    actor = make_user("editor", org)
    kpi = _derived_kpi(org, "answered_24h")
    _log_month(org, actor, [1, 2, 24, 5, 23.9, 0.5, 3, 24.02, 30, None])
    _log_month(org, actor, [1], day=31)  # 31 March 08:00 UTC: still March
    rows = kpi_service.kpi_rows(kpi)
    assert [(r.period.isoformat(), round(r.value, 4), r.basis) for r in rows] == [("2026-03-01", 72.7273, 11)]
    assert "11" in rows[0].note


def test_an_open_inquiry_counts_as_late_once_24_hours_have_passed_at_each_reading(db, org, make_user):
    """The statement behind a KPI's values is built once; the moment it compares with is taken anew on
    every reading, so an unanswered inquiry that was not yet due becomes late on a later one."""
    from strategitracker.services import kpi as kpi_service

    actor = make_user("editor", org)
    kpi = _derived_kpi(org, "answered_24h")
    _log_month(org, actor, [1, None])  # 3 March 2026 08:00 and 08:01 UTC; the second still open
    received = datetime(2026, 3, 3, 8, 1, tzinfo=UTC)

    def reading(now):
        return [(r.value, r.basis) for r in kpi_service.series_rows([kpi.id], now=now).get(kpi.id, [])]

    assert reading(received + timedelta(hours=23)) == [(100.0, 1)]  # only the answered one is due yet
    assert reading(received + timedelta(hours=24, minutes=1)) == [(50.0, 2)]
    assert reading(received + timedelta(hours=23)) == [(100.0, 1)]


def test_count_and_quarter_and_department(db, org, make_user):
    from strategitracker.services import kpi as kpi_service

    actor = make_user("editor", org)
    department = factories.department(org)
    count = _derived_kpi(org, "inquiries", frequency="quarterly")
    only_department = _derived_kpi(org, "inquiries", frequency="yearly", derived_department_id=department.id)
    _log_month(org, actor, [1, 2, 3])
    service.log_inquiry(
        org,
        _data(received_at=datetime(2026, 4, 2, tzinfo=UTC), department_ids=[department.id]),
        actor=actor,
        now=datetime(2026, 5, 1, tzinfo=UTC),
    )
    assert [(r.period.isoformat(), r.value) for r in kpi_service.kpi_rows(count)] == [
        ("2026-01-01", 3.0),
        ("2026-04-01", 1.0),
    ]
    assert [(r.period.isoformat(), r.value) for r in kpi_service.kpi_rows(only_department)] == [
        ("2026-01-01", 1.0)
    ]


def test_a_derived_kpi_takes_no_typed_values(db, org):
    from strategitracker.services import kpi as kpi_service

    kpi = _derived_kpi(org, "answered_24h")
    assert "inquiry log" in kpi_service.national_source_problem(
        kpi
    ) or "henvendelses" in kpi_service.national_source_problem(kpi)


def test_logging_and_answering_a_call_changes_that_months_derived_kpi(client, login, org):
    from strategitracker.services import kpi as kpi_service

    login("editor")
    kpi = _derived_kpi(org, "inquiries")
    _db.session.commit()
    received = datetime.now(service.LOCAL_TZ).replace(second=0, microsecond=0) - timedelta(minutes=5)
    form = {
        "company_name": "Thy Smedie ApS",
        "channel": "phone",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
    }
    assert client.post(f"/o/{org.slug}/inquiries/new", data=form).status_code == 302
    rows = kpi_service.kpi_rows(kpi)
    assert [(r.value, r.basis) for r in rows] == [(1.0, 1)]
    kpi.kind, kpi.derived = "percent", "answered_24h"
    _db.session.commit()
    assert kpi_service.kpi_rows(kpi) == []  # less than 24 hours old and unanswered: not counted yet
    inquiry = _db.session.scalar(sa.select(Inquiry))
    assert client.post(f"/o/{org.slug}/inquiries/{inquiry.id}/answer").status_code == 302
    assert [(r.value, r.basis) for r in kpi_service.kpi_rows(kpi)] == [(100.0, 1)]


def test_the_kpi_form_sets_up_a_derived_kpi_and_refuses_a_mismatched_kind(client, login, org):
    login("facilitator")
    goal = factories.goal(factories.strategy(org))
    _db.session.commit()
    base = {
        "name": "Svar inden for 24 timer",
        "kind": "number",
        "direction": "higher",
        "frequency": "monthly",
        "derived": "answered_24h",
    }
    refused = client.post(f"/o/{org.slug}/goals/{goal.id}/kpis/new", data=base)
    assert refused.status_code == 400
    assert (
        client.post(f"/o/{org.slug}/goals/{goal.id}/kpis/new", data=base | {"kind": "percent"}).status_code
        == 302
    )
    kpi = _db.session.scalar(sa.select(KPI).where(KPI.goal_id == goal.id))
    assert kpi.derived == "answered_24h"
    entry = client.post(
        f"/o/{org.slug}/kpis/{kpi.id}/measurements", data={"period": "2026-01-01", "value": "50"}
    )
    assert entry.status_code in (302, 400)
    assert "beregnes fra henvendelsesloggen" in client.get(f"/o/{org.slug}/kpis/{kpi.id}").get_data(
        as_text=True
    )
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Measurement)) == 0


def test_the_export_writes_the_filtered_log_with_formula_like_text_as_text(client, login, org):
    from io import BytesIO

    from openpyxl import load_workbook

    actor = login("editor")
    service.log_inquiry(org, _data(company_name="=HYPERLINK(1)", contact_name="Hanne Hansen"), actor=actor)
    _db.session.commit()
    xlsx = client.get(f"/o/{org.slug}/inquiries/export")
    assert xlsx.status_code == 200 and "no-store" in xlsx.headers["Cache-Control"]
    sheet = load_workbook(BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:9] == (
        "Modtaget",
        "Kanal",
        "Virksomhed",
        "CVR",
        "Emne",
        "Forvaltning",
        "Første svar",
        "Afsluttet",
        "Udfald",
    )
    assert rows[1][2] == "=HYPERLINK(1)" and rows[1][10] == "Hanne Hansen"
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    csv = client.get(f"/o/{org.slug}/inquiries/export?format=csv").get_data(as_text=True)
    assert csv.startswith("\ufeffModtaget;Kanal;Virksomhed") and "'=HYPERLINK(1)" in csv
    assert "02-03-2026" not in csv and "2026-03-02T10:00:00" in csv
