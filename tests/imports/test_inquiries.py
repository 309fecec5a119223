"""Importing business inquiries: the Danish headers of a phone system's export, Danish and ISO times, the
inquiry log's own rules per row, all or nothing, and the derived KPI computed from what was imported."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, Inquiry, Role
from strategitracker.permissions import Action, can
from strategitracker.services import ServiceError, imports
from strategitracker.services import inquiry as inquiry_service
from strategitracker.services import kpi as kpi_service
from tests import factories
from tests.imports.conftest import to_csv
from tests.imports.test_views import token_of, upload

HEADER = [
    "Modtaget",
    "Kanal",
    "Virksomhed",
    "CVR",
    "Emne",
    "Forvaltning",
    "Første svar",
    "Afsluttet",
    "Udfald",
]


def _may_2026(answered_hours: list[float]) -> list[list[str]]:
    """One row per inquiry received in May 2026 (Danish time), answered after the given hours."""
    rows = []
    for n, hours in enumerate(answered_hours):
        received = datetime(2026, 5, 11 + n % 3, 9, n)
        answered = received + timedelta(hours=hours)
        rows.append(
            [
                received.strftime("%d-%m-%Y %H:%M"),
                "Telefon" if n % 2 else "E-mail",
                f"Virksomhed {n} ApS",
                "10150817" if n % 2 else "",
                "Byggetilladelse",
                "Teknik og Miljø",
                answered.strftime("%d-%m-%Y %H:%M") if n % 2 else answered.isoformat(timespec="minutes"),
                "",
                "",
            ]
        )
    return rows


TEN = [1, 2, 3, 23.5, 24, 0.5, 5, 25, 30, 48]  # seven within 24 hours (24 itself counts), three late


def _derived_kpi(org, derived="answered_24h", kind="percent"):
    goal = factories.goal(factories.strategy(org))
    return factories.kpi(
        goal, name="Svar inden for 24 timer", kind=kind, frequency="monthly", derived=derived
    )


def _count(model) -> int:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _prepare(org, data: bytes, filename="henvendelser.csv", actor=None, role=None):
    with force_locale("en"):
        return imports.prepare(imports.INQUIRIES, data, filename, org=org, actor=actor, role=role)


def test_ten_imported_inquiries_of_a_month_seven_in_time_give_70_percent(client, login, org):
    login("editor")
    factories.department(org, name="Teknik og Miljø")
    kpi = _derived_kpi(org)
    _db.session.commit()
    listing = client.get(f"/o/{org.slug}/inquiries/").get_data(as_text=True)
    assert f"/o/{org.slug}/imports/inquiries" in listing  # reachable from the inquiry pages
    token = token_of(upload(client, org.slug, to_csv([HEADER, *_may_2026(TEN)]), "telefoni.csv", "inquiries"))
    preview = client.get(f"/o/{org.slug}/imports/preview?token={token}").get_data(as_text=True)
    assert "Virksomhed 9 ApS" in preview and _count(Inquiry) == 0
    done = client.post(f"/o/{org.slug}/imports/confirm", data={"token": token, "on_duplicate": "skip"})
    assert done.status_code == 303
    assert _count(Inquiry) == 10
    rows = kpi_service.kpi_rows(kpi)
    assert [(r.period.isoformat(), r.value, r.basis) for r in rows] == [("2026-05-01", 70.0, 10)]
    page = client.get(f"/o/{org.slug}/kpis/{kpi.id}").get_data(as_text=True)
    assert "70\xa0%" in page or "70 %" in page
    assert "Beregnet ud fra 10 henvendelser" in page or "10 henvendelser" in page
    stored = _db.session.scalar(sa.select(Inquiry).where(Inquiry.company_name == "Virksomhed 1 ApS"))
    assert stored.received_at.replace(tzinfo=UTC) == datetime(
        2026, 5, 12, 7, 1, tzinfo=UTC
    )  # Danish summer time
    assert (
        stored.channel == "phone"
        and stored.cvr == "10150817"
        and [d.name for d in stored.departments] == ["Teknik og Miljø"]
    )
    assert stored.answer_working_seconds == 2 * 3600
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import.inquiries"))
    assert event.after["created"] == 10 and event.after["file"] == "telefoni.csv"


def test_a_file_without_the_headers_is_refused_naming_the_columns(db, org):
    prepared = _prepare(org, to_csv([["Dato", "Firma?", "X"], ["31-12-2025 14:05", "A", "1"]]))
    assert prepared.fatal and "Modtaget" in prepared.fatal[0].message
    with pytest.raises(ServiceError):
        imports.write(prepared, org=org, actor=None)
    assert _count(Inquiry) == 0


def test_a_bad_cvr_number_or_time_refuses_the_whole_file_naming_the_row(db, org):
    rows = _may_2026([1, 2, 3])
    rows[1][3] = "12345678"  # fails modulus 11
    rows[2][0] = "31-02-2026 10:00"  # no such day
    prepared = _prepare(org, to_csv([HEADER, *[r[:5] + [""] + r[6:] for r in rows]]))
    with force_locale("en"):
        described = [p.describe() for p in prepared.problems]
    assert any(
        d.startswith("Row 3, column D “CVR”") and "is not a valid CVR number" in d for d in described
    ), described
    assert any(d.startswith("Row 4, column A “Modtaget”") and "31-12-2026 14:05" in d for d in described)
    with pytest.raises(ServiceError, match="Intet blev importeret"):
        imports.write(prepared, org=org, actor=None)
    assert _count(Inquiry) == 0


def test_the_rules_of_the_form_hold_per_row(db, org):
    """An answer before receipt, a future time, an outcome without closing and an unknown channel."""
    rows = [
        ["31-03-2026 10:00", "Telefon", "A ApS", "", "", "", "30-03-2026 10:00", "", ""],
        ["31-03-2099 10:00", "Telefon", "B ApS", "", "", "", "", "", ""],
        ["31-03-2026 10:00", "Telefon", "C ApS", "", "", "", "", "31-03-2026 11:00", ""],
        ["31-03-2026 10:00", "Brevdue", "D ApS", "", "", "", "", "", ""],
    ]
    prepared = _prepare(org, to_csv([HEADER, *rows]))
    by_row = {p.row: p.message for p in prepared.problems}
    with force_locale("en"):
        assert by_row[2] == "This time cannot be before the inquiry was received."
        assert by_row[3] == "The time received cannot be in the future."
        assert by_row[4] == "Choose how the inquiry ended before closing it."
    assert by_row[5].startswith("Expected a channel")


def test_danish_and_english_words_and_codes_for_channel_and_outcome(db, org):
    closed = "2026-03-03T10:00"
    rows = [
        ["2026-03-02T10:00", "Virksomhedsbesøg", "A ApS", "", "", "", "", closed, "Løst med et alternativ"],
        ["2026-03-02 11:00", "company visit", "B ApS", "", "", "", "", closed, "Solved with an alternative"],
        ["2026-03-02T12:00:00+00:00", "visit", "C ApS", "", "", "", "", closed + "Z", "alternative"],
        ["02-03-2026 13:00", "møde", "D ApS", "", "", "", "", "", ""],
    ]
    prepared = _prepare(org, to_csv([HEADER, *rows]))
    assert prepared.problems == []
    imports.write(prepared, org=org, actor=None)
    stored = {i.company_name: i for i in _db.session.scalars(sa.select(Inquiry))}
    assert {i.channel for name, i in stored.items() if name != "D ApS"} == {"visit"}
    assert stored["D ApS"].channel == "meeting" and stored["D ApS"].outcome is None
    assert {stored[n].outcome for n in ("A ApS", "B ApS", "C ApS")} == {"alternative"}
    assert stored["C ApS"].received_at.replace(tzinfo=UTC) == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert stored["A ApS"].received_at.replace(tzinfo=UTC) == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_an_xlsx_file_with_typed_times_and_a_numeric_cvr(db, org):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        [
            datetime(2026, 3, 2, 9, 0),
            "Telefon",
            "Thy Smedie ApS",
            10150817,
            "Byggeri",
            "",
            datetime(2026, 3, 2, 15, 30),
            None,
            None,
        ]
    )
    sheet.append(["03-03-2026 09:00", "E-mail", "=HYPERLINK(\"x\")", "", "", "", "", "", ""])  # fmt: skip
    sheet["C3"].data_type = "s"  # text that looks like a formula, as a CRM might write it
    buffer = io.BytesIO()
    book.save(buffer)
    prepared = _prepare(org, buffer.getvalue(), "crm.xlsx")
    assert prepared.problems == [] and prepared.count("new") == 2
    imports.write(prepared, org=org, actor=None)
    smithy = _db.session.scalar(sa.select(Inquiry).where(Inquiry.cvr == "10150817"))
    assert inquiry_service.hours_to_answer(smithy.received_at, smithy.first_answer_at) == 6.5
    assert (
        _db.session.scalar(sa.select(Inquiry.company_name).where(Inquiry.channel == "email"))
        == '=HYPERLINK("x")'
    )


def test_another_organisations_departments_are_not_matched(db, org, other_org):
    factories.department(other_org, name="Teknik og Miljø")
    factories.department(org, name="Erhverv")
    prepared = _prepare(org, to_csv([HEADER, *_may_2026([1])]))
    assert len(prepared.problems) == 1
    problem = prepared.problems[0]
    assert problem.row == 2 and "Unknown department “Teknik og Miljø”" in problem.message
    assert "Erhverv" in problem.message


def test_the_export_imports_again_as_the_same_inquiries_and_elsewhere_as_new_ones(
    client, login, org, other_org
):
    actor = login("editor")
    data = inquiry_service.InquiryData(
        received_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        company_name="=HYPERLINK(1)",
        cvr="10150817",
        first_answer_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        closed_at=datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
        outcome="referred",
        contact_name="Hanne Hansen",
    )
    inquiry_service.log_inquiry(org, data, actor=actor)
    _db.session.commit()
    for file_format in ("csv", "xlsx"):
        exported = client.get(f"/o/{org.slug}/inquiries/export?format={file_format}").data
        again = _prepare(org, exported, f"log.{file_format}")
        assert again.problems == [] and again.count("same") == 1, file_format
        elsewhere = _prepare(other_org, exported, f"log.{file_format}")
        assert elsewhere.count("new") == 1, file_format
    imports.write(elsewhere, org=other_org, actor=None)
    copied = _db.session.scalar(sa.select(Inquiry).where(Inquiry.organisation_id == other_org.id))
    assert copied.company_name == "=HYPERLINK(1)" and copied.outcome == "referred"
    assert copied.contact_name == "Hanne Hansen" and copied.first_answer_at is not None


def test_replacing_changes_only_the_columns_the_file_has(db, org, make_user):
    actor = make_user("editor", org)
    department = factories.department(org, name="Erhverv")
    inquiry_service.log_inquiry(
        org,
        inquiry_service.InquiryData(
            received_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
            company_name="Thy Smedie ApS",
            contact_name="Hanne Hansen",
            department_ids=[department.id],
        ),
        actor=actor,
    )
    file = to_csv(
        [
            ["Modtaget", "Virksomhed", "Første svar"],
            ["02-03-2026 10:00", "thy smedie aps", "02-03-2026 12:00"],
        ]
    )
    prepared = _prepare(org, file)
    assert prepared.count("exists") == 1
    counts = imports.write(prepared, org=org, actor=actor, on_duplicate="replace")
    assert counts["replaced"] == 1 and _count(Inquiry) == 1
    stored = _db.session.scalar(sa.select(Inquiry))
    assert stored.contact_name == "Hanne Hansen" and [d.name for d in stored.departments] == ["Erhverv"]
    assert stored.first_answer_at.replace(tzinfo=UTC) == datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert stored.answer_working_seconds == 2 * 3600


@pytest.mark.parametrize("role", list(Role))
def test_who_may_import_inquiries_is_who_may_log_them(role):
    assert imports.may_import(imports.INQUIRIES, role) == can(Action.LOG_INQUIRY, role)


def test_a_viewer_may_not_import_inquiries(client, login, org):
    login("viewer")
    assert client.get(f"/o/{org.slug}/imports/inquiries").status_code == 403
    response = upload(client, org.slug, to_csv([HEADER, *_may_2026([1])]), "x.csv", "inquiries")
    assert response.status_code == 403
    assert _count(Inquiry) == 0


def test_the_command_line_imports_inquiries(app, db, org, runner, tmp_path):
    db.session.commit()
    path = tmp_path / "telefoni.csv"
    path.write_bytes(to_csv([HEADER, *[r[:5] + [""] + r[6:] for r in _may_2026(TEN)]]))
    dry = runner.invoke(args=["import", "inquiries", str(path), "--org", org.slug, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert _count(Inquiry) == 0
    result = runner.invoke(args=["import", "inquiries", str(path), "--org", org.slug])
    assert result.exit_code == 0, result.output
    assert _count(Inquiry) == 10
    assert runner.invoke(args=["import", "inquiries", str(path), "--org", org.slug]).exit_code == 0
    assert _count(Inquiry) == 10  # the same inquiries are skipped the second time


def test_the_documented_example_file_imports(db, org):
    from pathlib import Path

    factories.department(org, name="Teknik og Miljø")
    factories.department(org, name="Erhverv og Beskæftigelse")
    example = Path(__file__).parents[2] / "docs" / "examples" / "henvendelser.csv"
    prepared = _prepare(org, example.read_bytes(), example.name)
    assert prepared.problems == [] and prepared.count("new") == 4
    imports.write(prepared, org=org, actor=None)
    camping = _db.session.scalar(sa.select(Inquiry).where(Inquiry.cvr == "29189919"))
    assert camping.channel == "visit" and camping.outcome == "alternative"
    assert camping.answer_working_seconds == (30 + 75) * 60  # Friday 15:30–16:00 and Monday 08:00–09:15


def test_form_service_and_import_give_the_same_cvr_message(client, login, org):
    actor = login("editor")
    bad = "12345678"
    form = client.post(
        f"/o/{org.slug}/inquiries/new",
        data={
            "company_name": "Thy Smedie ApS",
            "cvr": bad,
            "channel": "phone",
            "received_at": "2026-03-02T10:00",
        },
    )
    with pytest.raises(ServiceError) as refused:
        inquiry_service.log_inquiry(
            org,
            inquiry_service.InquiryData(
                received_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), company_name="Thy Smedie ApS", cvr=bad
            ),
            actor=actor,
        )
    prepared = imports.prepare(
        imports.INQUIRIES,
        to_csv([["Modtaget", "Virksomhed", "CVR"], ["02-03-2026 10:00", "Thy Smedie ApS", bad]]),
        "cvr.csv",
        org=org,
        actor=actor,
        role=Role.EDITOR,
    )
    message = str(refused.value)
    assert "12345678" in message and prepared.problems[0].message == message
    assert form.status_code == 400 and message in form.get_data(as_text=True)
    assert _count(Inquiry) == 0
