"""The contact map that routes inquiries, the outreach meetings and the KPI counting them: permissions, bad
input, other organisations' people and departments, the counts per period and the retention of contact
persons."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import KPI, AuditEvent, ContactMapEntry, OutreachMeeting
from strategitracker.services import ServiceError
from strategitracker.services import inquiry as service
from strategitracker.services import kpi as kpi_service
from strategitracker.services.inquiry import contact_map, meetings, rules
from tests import factories

TODAY = date(2026, 6, 30)


def _meeting(org, actor, held_on: date, **kw) -> OutreachMeeting:
    kw.setdefault("participant_ids", [actor.id])
    data = meetings.MeetingData(held_on=held_on, company_name=kw.pop("company_name", "Thy Smedie ApS"), **kw)
    return meetings.log_meeting(org, data, actor=actor, today=TODAY)


# --- the contact map ----------------------------------------------------------------------------------------


def test_topics_are_cleaned_and_a_second_entry_replaces_the_topics(db, org, make_user):
    actor = make_user("editor", org)
    planner = make_user("editor", org, name="Anna Byg")
    department = factories.department(org, name="Teknik og Miljø")
    first = contact_map.set_entry(
        org, department.id, planner.id, " byggesager,  Byggesager\nmiljø ,", actor=actor
    )
    assert first.topics == "byggesager, miljø" and first.topic_list == ["byggesager", "miljø"]
    again = contact_map.set_entry(org, department.id, planner.id, "Spildevand", actor=actor)
    assert again.id == first.id and again.topics == "Spildevand"
    assert contact_map.topics(org) == ["Spildevand"]
    assert list(contact_map.routes(org)) == [planner.id]
    actions = [e.action for e in _db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["contact_map.create", "contact_map.update"]


def test_the_map_refuses_other_organisations_people_and_departments(db, org, other_org, make_user):
    actor = make_user("editor", org)
    member = make_user("viewer", org)
    department = factories.department(org)
    archived = factories.department(org, archived_at=datetime(2026, 1, 1, tzinfo=UTC))
    foreign_department = factories.department(other_org)
    outsider = make_user("editor", other_org)
    for department_id, user_id, text, field in (
        (foreign_department.id, member.id, "Byg", "department_id"),
        (archived.id, member.id, "Byg", "department_id"),
        (None, member.id, "Byg", "department_id"),
        (department.id, outsider.id, "Byg", "user_id"),
        (department.id, member.id, " , ", "topics"),
        (department.id, member.id, "x" * 501, "topics"),
    ):
        with pytest.raises(ServiceError) as refused:
            contact_map.set_entry(org, department_id, user_id, text, actor=actor)
        assert refused.value.field == field
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ContactMapEntry)) == 0


def test_the_map_page_shows_departments_people_and_topics_and_editors_keep_it(client, login, org, make_user):
    login("editor")
    planner = make_user("viewer", org, name="Anna Byg")
    department = factories.department(org, name="Teknik og Miljø")
    factories.department(org, name="Børn og Familie")
    _db.session.commit()
    url = f"/o/{org.slug}/inquiries/contact-map"
    form = {"department_id": str(department.id), "user_id": str(planner.id), "topics": "Byggesager, miljø"}
    assert client.post(url, data=form).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Teknik og Miljø" in html and "Anna Byg" in html and "Byggesager, miljø" in html
    assert "Børn og Familie" in html  # a department without people shows the gap
    refused = client.post(url, data=form | {"topics": ""})
    assert refused.status_code == 400
    entry = _db.session.scalar(sa.select(ContactMapEntry))
    assert entry.topics == "Byggesager, miljø"
    assert client.post(f"{url}/{entry.id}/delete").status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ContactMapEntry)) == 0


def test_another_organisations_entry_is_not_found(client, login, org, other_org, make_user):
    login("editor")
    member = make_user("editor", other_org)
    entry = ContactMapEntry(
        organisation_id=other_org.id,
        department_id=factories.department(other_org).id,
        user_id=member.id,
        topics="Byg",
    )
    _db.session.add(entry)
    _db.session.commit()
    assert client.post(f"/o/{org.slug}/inquiries/contact-map/{entry.id}/delete").status_code == 404
    assert _db.session.get(ContactMapEntry, entry.id) is not None


def test_the_inquiry_form_offers_the_mapped_handlers_first(client, login, org, make_user):
    actor = login("editor", name="Aage Andersen")
    planner = make_user("viewer", org, name="Zenia Byg")
    department = factories.department(org, name="Teknik og Miljø")
    contact_map.set_entry(org, department.id, planner.id, "Byggesager", actor=actor)
    _db.session.commit()
    html = client.get(f"/o/{org.slug}/inquiries/new").get_data(as_text=True)
    mapped = html.index("Zenia Byg (Teknik og Miljø: Byggesager)")
    assert mapped < html.index(">Aage Andersen</option>")  # first, though later in the alphabet
    assert f'data-departments="{department.id}"' in html and 'data-topics="byggesager"' in html
    assert '<option value="Byggesager">' in html and 'list="contact-map-topics"' in html
    assert "js/inquiry_routing" in html


# --- outreach meetings --------------------------------------------------------------------------------------


def test_a_meeting_is_checked_like_an_inquiry(db, org, other_org, make_user):
    actor = make_user("editor", org)
    outsider = make_user("editor", other_org)
    foreign_department = factories.department(other_org)
    for kw, field in (
        ({"cvr": "12345678"}, "cvr"),
        ({"company_name": " "}, "company_name"),
        ({"participant_ids": []}, "participant_ids"),
        ({"participant_ids": [actor.id, outsider.id]}, "participant_ids"),
        ({"department_ids": [foreign_department.id]}, "department_ids"),
    ):
        with pytest.raises(ServiceError) as refused:
            _meeting(org, actor, date(2026, 6, 1), **kw)
        assert refused.value.field == field
    with pytest.raises(ServiceError) as refused:
        _meeting(org, actor, date(2026, 7, 1))
    assert refused.value.field == "held_on"
    made = _meeting(org, actor, date(2026, 6, 1), cvr="DK 10150817", contact_name="Hanne Hansen")
    assert made.cvr == "10150817" and [u.id for u in made.participants] == [actor.id]
    audit_text = " ".join(str(e.after) for e in _db.session.scalars(sa.select(AuditEvent)))
    assert "Hanne" not in audit_text


def test_the_meeting_form_shows_the_same_cvr_message_as_the_inquiry_form(client, login, org):
    user = login("editor")
    form = {
        "held_on": "2026-01-05",
        "company_name": "Firma",
        "cvr": "12345678",
        "participant_ids": [str(user.id)],
    }
    with client.application.test_request_context(headers={"Accept-Language": "da"}):
        expected = rules.cvr_problem("12345678")
    response = client.post(f"/o/{org.slug}/inquiries/meetings/new", data=form)
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(OutreachMeeting)) == 0


def test_meetings_are_logged_edited_and_deleted_in_the_browser(client, login, org, make_user):
    user = login("editor")
    colleague = make_user("viewer", org, name="Bo Ude")
    _db.session.commit()
    base = f"/o/{org.slug}/inquiries/meetings"
    page = client.get(f"{base}/new").get_data(as_text=True)
    assert f'<option selected value="{user.id}">' in page  # the one who logs it took part
    form = {
        "held_on": "2026-03-04",
        "company_name": "Thy Smedie ApS",
        "cvr": "10150817",
        "contact_name": "Hanne Hansen",
        "topic": "Udvidelse af produktionen",
        "participant_ids": [str(user.id), str(colleague.id)],
    }
    assert client.post(f"{base}/new", data=form).status_code == 302
    meeting = _db.session.scalar(sa.select(OutreachMeeting))
    assert {u.id for u in meeting.participants} == {user.id, colleague.id}
    listing = client.get(base).get_data(as_text=True)
    assert "Thy Smedie ApS" in listing and "Bo Ude" in listing and "Hanne Hansen" not in listing
    edited = client.post(f"{base}/{meeting.id}", data=form | {"participant_ids": [str(colleague.id)]})
    assert edited.status_code == 302
    _db.session.expire_all()
    assert [u.id for u in meeting.participants] == [colleague.id]
    future = client.post(f"{base}/{meeting.id}", data=form | {"held_on": "2999-01-01"})
    assert future.status_code == 400
    assert client.post(f"{base}/{meeting.id}/delete").status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(OutreachMeeting)) == 0


def test_another_organisations_meeting_is_not_found(client, login, org, other_org):
    login("editor")
    meeting = OutreachMeeting(organisation_id=other_org.id, held_on=date(2026, 1, 6), company_name="Firma")
    _db.session.add(meeting)
    _db.session.commit()
    assert client.get(f"/o/{org.slug}/inquiries/meetings/{meeting.id}").status_code == 404
    assert client.post(f"/o/{org.slug}/inquiries/meetings/{meeting.id}/delete").status_code == 404
    assert _db.session.get(OutreachMeeting, meeting.id) is not None


# --- the KPI "meetings per quarter" -------------------------------------------------------------------------


def _meetings_kpi(org, frequency: str = "quarterly", **kw) -> KPI:
    goal = factories.goal(factories.strategy(org))
    return factories.kpi(goal, kind="number", frequency=frequency, derived="meetings", **kw)


def test_meetings_are_counted_per_quarter_month_and_department(db, org, make_user):
    actor = make_user("editor", org)
    department = factories.department(org)
    quarterly = _meetings_kpi(org)
    monthly = _meetings_kpi(org, frequency="monthly")
    only_department = _meetings_kpi(org, frequency="yearly", derived_department_id=department.id)
    inquiries = factories.kpi(quarterly.goal, kind="number", frequency="quarterly", derived="inquiries")
    for day in (date(2026, 1, 1), date(2026, 3, 31), date(2026, 2, 14)):
        _meeting(org, actor, day)
    _meeting(org, actor, date(2026, 4, 1), department_ids=[department.id])
    assert [(r.period.isoformat(), r.value, r.basis) for r in kpi_service.kpi_rows(quarterly)] == [
        ("2026-01-01", 3.0, 3),
        ("2026-04-01", 1.0, 1),
    ]
    assert [(r.period.isoformat(), r.value) for r in kpi_service.kpi_rows(monthly)] == [
        ("2026-01-01", 1.0),
        ("2026-02-01", 1.0),
        ("2026-03-01", 1.0),
        ("2026-04-01", 1.0),
    ]
    assert [(r.period.isoformat(), r.value) for r in kpi_service.kpi_rows(only_department)] == [
        ("2026-01-01", 1.0)
    ]
    assert kpi_service.kpi_rows(inquiries) == []  # meetings are not inquiries
    assert "3" in kpi_service.kpi_rows(quarterly)[0].note
    assert "meeting" in kpi_service.national_source_problem(quarterly) or "møde" in (
        kpi_service.national_source_problem(quarterly)
    )


def test_the_count_follows_the_meetings_as_they_change(client, login, org):
    user = login("editor")
    kpi = _meetings_kpi(org)
    _db.session.commit()
    base = f"/o/{org.slug}/inquiries/meetings"
    form = {"held_on": "2026-03-04", "company_name": "Thy Smedie ApS", "participant_ids": [str(user.id)]}
    client.post(f"{base}/new", data=form)
    client.post(f"{base}/new", data=form | {"company_name": "Hanstholm Havn"})
    assert [(r.period.isoformat(), r.value) for r in kpi_service.kpi_rows(kpi)] == [("2026-01-01", 2.0)]
    meeting = _db.session.scalar(sa.select(OutreachMeeting).order_by(OutreachMeeting.id))
    client.post(f"{base}/{meeting.id}", data=form | {"held_on": "2026-04-02"})
    assert [(r.period.isoformat(), r.value) for r in kpi_service.kpi_rows(kpi)] == [
        ("2026-01-01", 1.0),
        ("2026-04-01", 1.0),
    ]
    client.post(f"{base}/{meeting.id}/delete")
    assert [(r.period.isoformat(), r.value) for r in kpi_service.kpi_rows(kpi)] == [("2026-01-01", 1.0)]
    page = client.get(f"/o/{org.slug}/kpis/{kpi.id}").get_data(as_text=True)
    assert "beregnes fra de opsøgende møder" in page


def test_the_kpi_form_sets_up_a_meeting_count_and_refuses_a_percentage(client, login, org):
    login("facilitator")
    goal = factories.goal(factories.strategy(org))
    _db.session.commit()
    base = {"name": "Møder pr. kvartal", "kind": "percent", "direction": "higher", "frequency": "quarterly"}
    url = f"/o/{org.slug}/goals/{goal.id}/kpis/new"
    assert client.post(url, data=base | {"derived": "meetings"}).status_code == 400
    assert client.post(url, data=base | {"derived": "meetings", "kind": "number"}).status_code == 302
    assert _db.session.scalar(sa.select(KPI.derived).where(KPI.goal_id == goal.id)) == "meetings"


# --- personal data ------------------------------------------------------------------------------------------


def test_anonymising_blanks_old_meetings_contact_persons_once(db, org, make_user):
    actor = make_user("editor", org)
    old = _meeting(org, actor, date(2024, 5, 31), contact_name="Hanne Hansen", contact_email="h@example.dk")
    kept = _meeting(org, actor, date(2024, 6, 1), contact_name="Jens Jensen")
    now = datetime(2026, 6, 1, 10, tzinfo=UTC)
    assert service.anonymise_expired(now, 24) == (1, date(2024, 6, 1))
    assert service.anonymise_expired(now, 24)[0] == 0
    _db.session.expire_all()
    assert (old.contact_name, old.contact_email, old.company_name) == ("", "", "Thy Smedie ApS")
    assert old.anonymised_at is not None and kept.contact_name == "Jens Jensen"


def _daily_commands() -> list[list[str]]:
    """The flask commands of the daily unit, in order (without the `flask --app strategitracker` prefix)."""
    unit = (
        Path(__file__).resolve().parent.parent / "deploy/systemd/strategitracker-daily.service"
    ).read_text()
    lines = [line.removeprefix("ExecStart=") for line in unit.splitlines() if line.startswith("ExecStart=")]
    return [line.split("--app strategitracker ")[1].split() for line in lines]


def test_the_daily_job_purges_contact_persons_before_sending_reminders(app, db, org, make_user, runner):
    assert _daily_commands() == [["privacy", "purge"], ["reminders", "send"]]
    actor = make_user("editor", org)
    now = datetime.now(UTC)
    old = _meeting(org, actor, date(2020, 1, 6), contact_name="Hanne Hansen")
    inquiry = service.log_inquiry(
        org,
        service.InquiryData(
            received_at=datetime(2020, 1, 6, 9, tzinfo=UTC), company_name="Firma", contact_name="Jens Jensen"
        ),
        actor=actor,
        now=now,
    )
    _db.session.commit()
    for args in _daily_commands():
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    _db.session.expire_all()
    assert (old.contact_name, inquiry.contact_name) == ("", "")
    again = runner.invoke(args=_daily_commands()[0])
    assert "kontaktpersoner på henvendelser og møder fjernet: 0" in again.output
