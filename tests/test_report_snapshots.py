"""Frozen reports: freezing keeps the data, later changes leave it alone, and "since last time" lists them."""

from datetime import date, timedelta
from io import BytesIO

import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import AuditEvent, ReportSnapshot
from strategitracker.services import action_plan as plans
from strategitracker.services import kpi as kpis
from strategitracker.services import report as reports
from tests import factories
from tests.test_reports import seed_report


def _freeze(client, org, strategy, title="Byrådsmøde 12. januar 2027", **extra):
    return client.post(
        f"/o/{org.slug}/strategies/{strategy.id}/snapshots",
        data={"title": title, "report_date": "2027-01-12", "summary": "Godt på vej.", **extra},
    )


def _only_snapshot() -> ReportSnapshot:
    (snapshot,) = _db.session.scalars(sa.select(ReportSnapshot)).all()
    return snapshot


def test_a_frozen_report_keeps_the_old_values_and_since_last_time_lists_the_changes(
    client, org, login, make_user
):
    facilitator = login("facilitator")
    seeded = seed_report(org, make_user)
    strategy, share, plan = seeded["strategy"], seeded["kpis"][1], seeded["plans"][0]
    response = _freeze(client, org, strategy)
    assert response.status_code == 302
    snapshot = _only_snapshot()
    assert snapshot.title == "Byrådsmøde 12. januar 2027"
    assert snapshot.report_date == date(2027, 1, 12)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "85,5 %" in page and "Godt på vej." in page
    frozen = dict(snapshot.document)

    newest = max(share.measurements, key=lambda m: m.period)
    kpis.correct_measurement(newest, newest.period, 70.0, reason="Tastefejl", actor=facilitator)
    plans.record_update(
        plan,
        status="done",
        progress_value=100,
        comment="Færdig",
        actor=facilitator,
        expected_version=plan.version,
        today=date.today(),
        done_on=date.today(),
    )
    _db.session.commit()
    _db.session.expire_all()

    assert _only_snapshot().document == frozen  # nothing touched the stored data
    page = client.get(f"/o/{org.slug}/snapshots/{snapshot.id}").get_data(as_text=True)
    assert "85,5 %" in page and "70 %" not in page
    assert "Færdig" not in page  # the comment written after freezing

    since = client.get(f"/o/{org.slug}/snapshots/{snapshot.id}/changes")
    assert since.status_code == 200
    text = since.get_data(as_text=True)
    assert 'data-kind="measurement_corrected"' in text and "85,5 % → 70 %" in text
    assert 'data-kind="plan_status"' in text and "Erhvervskontakten" in text
    live = client.get(f"/o/{org.slug}/strategies/{strategy.id}/report").get_data(as_text=True)
    assert "Siden sidst" in live and 'data-kind="measurement_corrected"' in live


def test_document_changes_names_every_kind_of_change():
    def kpi(status="on_track", measurements=(), targets=(), id=1):
        return {
            "id": id,
            "name": "Andel",
            "unit": "%",
            "kind": "percent",
            "status": status,
            "measurements": [{"period": p, "value": v} for p, v in measurements],
            "targets": [{"target_date": d, "value": v, "set_on": s} for d, v, s in targets],
        }

    def plan(status="in_progress", overdue=False, id=1):
        return {"id": id, "title": "Plan", "status": status, "overdue": overdue, "due_date": "2026-01-01"}

    old = {
        "goals": [
            {
                "id": 1,
                "title": "Mål",
                "status": "on_track",
                "kpis": [kpi(measurements=[("2025-01-01", 10)], targets=[("2027-01-01", 50, "2024-01-01")])],
                "plans": [plan(), plan(id=2)],
            }
        ]
    }
    new = {
        "goals": [
            {
                "id": 1,
                "title": "Mål",
                "status": "at_risk",
                "kpis": [
                    kpi(
                        "at_risk",
                        [("2025-01-01", 12), ("2026-01-01", 20)],
                        [("2027-01-01", 50, "2024-01-01"), ("2027-01-01", 60, "2025-06-01")],
                    ),
                    kpi(id=2),
                ],
                "plans": [plan("done"), plan(overdue=True, id=2), plan(id=3)],
            },
            {"id": 2, "title": "Nyt mål", "status": "no_data", "kpis": [], "plans": []},
        ]
    }
    changes = reports.document_changes(old, new)
    kinds = [c.kind for c in changes]
    assert kinds == [
        "goal_status",
        "kpi_status",
        "measurement_new",
        "measurement_corrected",
        "target_changed",
        "plan_status",
        "plan_overdue",
        "goal_new",
        "kpi_new",
        "plan_new",
    ]
    corrected = changes[kinds.index("measurement_corrected")]
    assert (corrected.old, corrected.new, corrected.period) == (10, 12, "2025-01-01")
    target = changes[kinds.index("target_changed")]
    assert (target.old, target.new) == (50, 60)
    assert reports.document_changes(new, new) == []
    assert [c.kind for c in reports.document_changes(new, old)].count("removed") == 3


def test_freezing_needs_a_title_and_a_facilitator(client, org, login, make_user):
    login("editor")
    seeded = seed_report(org, make_user)
    assert _freeze(client, org, seeded["strategy"]).status_code == 403
    client.post("/logout")
    login("facilitator")
    response = _freeze(client, org, seeded["strategy"], title="  ")
    assert response.status_code == 400
    assert "Giv den fastfrosne rapport en titel" in response.get_data(as_text=True)
    response = _freeze(client, org, seeded["strategy"], title="x" * 201)
    assert response.status_code == 400
    assert _db.session.scalar(sa.select(sa.func.count(ReportSnapshot.id))) == 0


def test_an_admin_publishes_a_frozen_report_and_the_audit_log_says_so(client, org, login, make_user):
    login("facilitator")
    seeded = seed_report(org, make_user)
    _freeze(client, org, seeded["strategy"])
    snapshot = _only_snapshot()
    assert client.post(f"/o/{org.slug}/snapshots/{snapshot.id}/publish").status_code == 403
    client.post("/logout")
    login("admin")
    assert client.post(f"/o/{org.slug}/snapshots/{snapshot.id}/publish").status_code == 302
    _db.session.expire_all()
    assert _only_snapshot().published
    actions = set(_db.session.scalars(sa.select(AuditEvent.action)))
    assert {"report.freeze", "report.publish"} <= actions


def test_a_frozen_report_of_another_organisation_is_not_found(client, org, other_org, login, make_user):
    login("facilitator", other_org)
    strategy = factories.strategy(other_org)
    _freeze(client, other_org, strategy)
    snapshot = _only_snapshot()
    client.post("/logout")
    login("admin")
    assert client.get(f"/o/{org.slug}/snapshots/{snapshot.id}").status_code == 404
    assert client.get(f"/o/{other_org.slug}/snapshots/{snapshot.id}").status_code == 404


def test_comparing_two_frozen_reports_and_the_list(client, org, login, make_user):
    login("facilitator")
    seeded = seed_report(org, make_user)
    strategy = seeded["strategy"]
    _freeze(client, org, strategy, title="Første")
    factories.measurement(seeded["kpis"][0], date.today() - timedelta(days=1), 4, out_of=93)
    _db.session.commit()
    _freeze(client, org, strategy, title="Anden")
    first, second = _db.session.scalars(sa.select(ReportSnapshot).order_by(ReportSnapshot.id)).all()
    text = client.get(f"/o/{org.slug}/snapshots/{first.id}/changes?to={second.id}").get_data(as_text=True)
    assert 'data-kind="measurement_new"' in text
    page = client.get(f"/o/{org.slug}/snapshots/{second.id}").get_data(as_text=True)
    assert "Siden sidst" in page and 'data-kind="measurement_new"' in page
    listing = client.get(f"/o/{org.slug}/strategies/{strategy.id}/snapshots").get_data(as_text=True)
    assert "Første" in listing and "Anden" in listing
    assert client.get(f"/o/{org.slug}/snapshots/{first.id}/changes?to=abc").status_code == 404


def _docx(response):
    from docx import Document

    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Document(BytesIO(response.data))


def test_the_word_report_has_the_tables_and_each_chart_as_an_image(client, org, login, make_user):
    login("viewer")
    seeded = seed_report(org, make_user)
    document = _docx(client.get(f"/o/{org.slug}/strategies/{seeded['strategy'].id}/report.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Erhvervsstrategi 2016–2027" in text and "Mål 1: Et bedre erhvervsklima" in text
    pictures = document.inline_shapes
    assert len(pictures) == 2  # one per KPI
    images = [rel.target_part.blob for rel in document.part.rels.values() if "image" in rel.reltype]
    assert len(images) == 2 and all(blob.startswith(b"\x89PNG") for blob in images)
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert any(cell.startswith("nr. 6 af 93") for row in cells for cell in row)
    assert any("Seneste kommentar" in cell for row in cells for cell in row)


def test_without_a_browser_the_word_report_says_so_and_keeps_the_tables(
    client, org, login, make_user, monkeypatch
):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    login("facilitator")
    seeded = seed_report(org, make_user)
    _freeze(client, org, seeded["strategy"])
    snapshot = _only_snapshot()
    document = _docx(client.get(f"/o/{org.slug}/snapshots/{snapshot.id}/report.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Byrådsmøde 12. januar 2027" in text
    assert "serveren har ingen browser" in text
    assert len(document.inline_shapes) == 0
    assert any("85,5 %" in c.text for t in document.tables for row in t.rows for c in row.cells)


def test_the_workbook_prints_landscape_fitted_to_the_width_with_the_header_on_every_page(
    client, org, login, make_user
):
    from openpyxl import load_workbook

    login("viewer")
    seeded = seed_report(org, make_user)
    response = client.get(f"/o/{org.slug}/strategies/{seeded['strategy'].id}/report.xlsx")
    for sheet in load_workbook(BytesIO(response.data)).worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"


def test_a_kpi_without_values_prints_a_sentence_instead_of_an_empty_chart(client, org, login):
    login("facilitator")
    strategy = factories.strategy(org, title="Strategi")
    goal = factories.goal(strategy, title="Mål")
    kpi = factories.kpi(goal, name="Nyt nøgletal")
    factories.target(kpi, 10, date(2030, 1, 1))
    _db.session.commit()
    html = client.get(f"/o/{org.slug}/strategies/{strategy.id}/report").get_data(as_text=True)
    assert "Ingen målinger endnu" in html and f'id="chart-kpi-{kpi.id}"' not in html
    _freeze(client, org, strategy)
    html = client.get(f"/o/{org.slug}/snapshots/{_only_snapshot().id}").get_data(as_text=True)
    assert "Ingen målinger endnu" in html and f'id="chart-kpi-{kpi.id}"' not in html


def test_the_running_header_cannot_break_out_of_its_css_string():
    from strategitracker.reports.routes import css_string

    assert css_string('Plan "A"; } body { x') == '"Plan \\22 A\\22 \\3b  \\7d  body \\7b  x"'
    assert css_string("Thisted Kommune · 12. januar") == '"Thisted Kommune \\b7  12\\2e  januar"'


def test_a_published_frozen_report_is_public_without_the_comments(client, org, login, make_user):
    login("admin")
    seeded = seed_report(org, make_user)
    strategy = seeded["strategy"]
    _freeze(client, org, strategy)
    snapshot = _only_snapshot()
    strategy.published = True
    _db.session.commit()
    public = f"/public/{org.slug}/strategies/{strategy.id}/reports/{snapshot.id}"
    client.post("/logout")
    assert client.get(public).status_code == 404  # not published yet
    assert "Byrådsmøde" not in client.get(f"/public/{org.slug}/strategies/{strategy.id}").get_data(
        as_text=True
    )
    login("admin")
    client.post(f"/o/{org.slug}/snapshots/{snapshot.id}/publish")
    client.post("/logout")
    listing = client.get(f"/public/{org.slug}/strategies/{strategy.id}").get_data(as_text=True)
    assert "Byrådsmøde 12. januar 2027" in listing
    page = client.get(public)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "85,5 %" in html and "Seneste kommentar" not in html


def test_the_report_table_shows_the_last_eight_measurements_and_excel_has_them_all(client, org, login):
    from openpyxl import load_workbook

    login("facilitator")
    strategy = factories.strategy(org, title="Strategi")
    goal = factories.goal(strategy, title="Mål")
    kpi = factories.kpi(goal, name="Kvartalstal", baseline_value=1, baseline_date=date(2015, 1, 1))
    for year in range(2016, 2026):
        factories.measurement(kpi, date(year, 1, 1), year - 2000)
    _db.session.commit()
    html = client.get(f"/o/{org.slug}/strategies/{strategy.id}/report").get_data(as_text=True)
    assert "Tabellen udelader 2 ældre målinger" in html
    table, years = html.split('class="table table-sm align-middle report-years"')
    assert ">1. jan. 2017<" not in table and ">1. jan. 2018<" in table and ">1. jan. 2015<" in table
    assert "Kvartalstal år for år: årets sidste værdi" in years and ">2016</th><td>16</td>" in years
    workbook = load_workbook(BytesIO(client.get(f"/o/{org.slug}/strategies/{strategy.id}/report.xlsx").data))
    assert workbook["Nøgletal"].max_row == 1 + 1 + 10  # header, baseline, every measurement
    _freeze(client, org, strategy)
    html = client.get(f"/o/{org.slug}/snapshots/{_only_snapshot().id}").get_data(as_text=True)
    assert "Tabellen udelader 2 ældre målinger" in html


def test_the_builder_keeps_the_chosen_goals_with_their_narratives(client, org, login, make_user):
    login("facilitator")
    seeded = seed_report(org, make_user)
    strategy, (goal_1, goal_2) = seeded["strategy"], seeded["goals"]
    form = {"choose_goals": "1", "include-99999": "1"}
    response = _freeze(client, org, strategy, **form)
    assert response.status_code == 400
    assert "Vælg mindst ét mål til rapporten." in response.get_data(as_text=True)
    too_long = {**form, f"include-{goal_1.id}": "1", f"narrative-{goal_1.id}": "x" * 5001}
    assert _freeze(client, org, strategy, **too_long).status_code == 400
    assert _db.session.scalar(sa.select(sa.func.count(ReportSnapshot.id))) == 0
    chosen = {**form, f"include-{goal_1.id}": "1", f"narrative-{goal_1.id}": "Klimaet er blevet bedre."}
    assert _freeze(client, org, strategy, **chosen).status_code == 302
    (goal,) = _only_snapshot().document["goals"]
    assert (goal["id"], goal["narrative"]) == (goal_1.id, "Klimaet er blevet bedre.")
    html = client.get(f"/o/{org.slug}/snapshots/{_only_snapshot().id}").get_data(as_text=True)
    assert "Klimaet er blevet bedre." in html and f'aria-labelledby="goal-{goal_2.id}"' not in html
    document = _docx(client.get(f"/o/{org.slug}/snapshots/{_only_snapshot().id}/report.docx"))
    assert "Klimaet er blevet bedre." in [p.text for p in document.paragraphs]
