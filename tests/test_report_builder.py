"""The report builder: the sections a report shows, and each KPI's yearly summary."""

from datetime import date
from io import BytesIO

import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import ReportSnapshot
from strategitracker.progress import Point, yearly
from strategitracker.services import report as reports
from tests import factories
from tests.test_reports import seed_report

COMMENT_COLUMN = '<th scope="col">Seneste kommentar</th>'
KPI_TABLE = "Nøgletal for "
SUMMARY = 'id="summary-heading"'
YEARS = "år for år: årets sidste værdi"


def _freeze(client, org, strategy, **extra):
    return client.post(
        f"/o/{org.slug}/strategies/{strategy.id}/snapshots",
        data={"title": "Byrådsmøde 12. januar 2027", "report_date": "2027-01-12", **extra},
    )


def _docx(response):
    from docx import Document

    assert response.status_code == 200
    return Document(BytesIO(response.data))


def _cells(document) -> list[str]:
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def test_a_year_is_summed_up_by_its_last_value():
    points = [
        Point(date(2024, 10, 1), 80),
        Point(date(2023, 1, 1), 50),
        Point(date(2024, 4, 1), 70),
        Point(date(2023, 7, 1), 60),
        Point(date(2024, 1, 1), 65),
    ]
    summary = yearly(points)
    assert [(y.year, y.last.value, y.last.period, y.count) for y in summary] == [
        (2023, 60, date(2023, 7, 1), 2),
        (2024, 80, date(2024, 10, 1), 3),
    ]
    assert yearly([]) == []


def test_sections_are_known_names_in_report_order_and_every_one_by_default():
    assert reports.chosen_sections(["plans", "nonsense", "charts"]) == ["charts", "plans"]
    assert reports.chosen_sections(None) is None
    assert reports.document_sections({}) == frozenset(reports.SECTIONS)  # a report frozen before the choice
    assert reports.document_sections({"sections": ["years"]}) == {"years"}
    assert reports.sections_error([]) and reports.sections_error(["nonsense"])
    assert reports.sections_error(None) is None and reports.sections_error(["kpis"]) is None


def test_a_frozen_report_shows_only_the_chosen_sections(client, org, login, make_user, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")  # no chart images needed here
    login("facilitator")
    strategy = seed_report(org, make_user)["strategy"]
    chosen = {"choose_sections": "1", "section-years": "1", "section-plans": "1"}
    assert _freeze(client, org, strategy, **chosen).status_code == 302
    snapshot = _db.session.scalar(sa.select(ReportSnapshot))
    assert snapshot.document["sections"] == ["years", "plans"]

    html = client.get(f"/o/{org.slug}/snapshots/{snapshot.id}").get_data(as_text=True)
    assert YEARS in html and "Erhvervskontakten" in html
    assert SUMMARY not in html and KPI_TABLE not in html and 'id="chart-kpi-' not in html
    assert COMMENT_COLUMN not in html and "Seneste kommentar" not in html

    document = _docx(client.get(f"/o/{org.slug}/snapshots/{snapshot.id}/report.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Oversigt" not in headings and "Handleplaner" in headings
    text = "\n".join(p.text for p in document.paragraphs)
    assert YEARS in text and "serveren har ingen browser" not in text  # no charts were asked for
    cells = _cells(document)
    assert "Årets sidste værdi" in cells and "Erhvervskontakten" in cells
    assert "Seneste kommentar" not in cells


def test_every_section_is_kept_when_the_builder_is_not_used(client, org, login, make_user):
    login("facilitator")
    strategy = seed_report(org, make_user)["strategy"]
    assert _freeze(client, org, strategy).status_code == 302
    snapshot = _db.session.scalar(sa.select(ReportSnapshot))
    assert snapshot.document["sections"] == list(reports.SECTIONS)
    html = client.get(f"/o/{org.slug}/snapshots/{snapshot.id}").get_data(as_text=True)
    assert SUMMARY in html and KPI_TABLE in html and YEARS in html and COMMENT_COLUMN in html


def test_a_report_needs_at_least_one_section(client, org, login, make_user):
    login("facilitator")
    strategy = seed_report(org, make_user)["strategy"]
    response = _freeze(client, org, strategy, choose_sections="1", **{"section-nonsense": "1"})
    assert response.status_code == 400
    assert "Vælg mindst ét afsnit til rapporten." in response.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(ReportSnapshot.id))) == 0


def test_the_builder_form_offers_every_section_ticked(client, org, login, make_user):
    login("facilitator")
    strategy = seed_report(org, make_user)["strategy"]
    html = client.get(f"/o/{org.slug}/strategies/{strategy.id}/snapshots").get_data(as_text=True)
    for name in reports.SECTIONS:
        assert f'name="section-{name}" value="1" checked' in html
    assert "Årsoversigt for hvert nøgletal" in html


def test_todays_report_shows_the_sections_asked_for(client, org, login, make_user, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    login("viewer")
    strategy = seed_report(org, make_user)["strategy"]
    url = f"/o/{org.slug}/strategies/{strategy.id}/report"
    full = client.get(url).get_data(as_text=True)
    assert SUMMARY in full and KPI_TABLE in full and 'id="chart-kpi-' in full and YEARS in full
    assert COMMENT_COLUMN in full

    part = client.get(f"{url}?section=summary&section=plans&section=nonsense").get_data(as_text=True)
    assert SUMMARY in part and "Erhvervskontakten" in part
    assert KPI_TABLE not in part and 'id="chart-kpi-' not in part and YEARS not in part
    assert COMMENT_COLUMN not in part
    assert f"{url}.docx?section=summary&amp;section=plans" in part  # Word gets the same sections

    document = _docx(client.get(f"{url}.docx?section=summary&section=plans"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Oversigt" in headings and "Nøgletal" not in headings
    assert "Seneste kommentar" not in _cells(document)


def test_the_word_report_has_each_kpis_yearly_summary(client, org, login, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    login("viewer")
    strategy = factories.strategy(org, title="Strategi")
    kpi = factories.kpi(factories.goal(strategy, title="Mål"), name="Kvartalstal", unit="besøg")
    for year in (2023, 2024):
        for month in (1, 4, 7, 10):
            factories.measurement(kpi, date(year, month, 1), year - 2000 + month)
    _db.session.commit()
    document = _docx(client.get(f"/o/{org.slug}/strategies/{strategy.id}/report.docx"))
    (years,) = [t for t in document.tables if t.rows[0].cells[0].text == "År"]
    rows = [[cell.text for cell in row.cells] for row in years.rows[1:]]
    assert rows == [["2023", "33 besøg", "1. okt. 2023", "4"], ["2024", "34 besøg", "1. okt. 2024", "4"]]
