"""The council report: the print-ready page and its Excel export carry the same numbers."""

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from strategitracker.extensions import db as _db
from strategitracker.formatting import format_date
from strategitracker.models import ActionPlanUpdate
from strategitracker.models._types import utcnow
from tests import factories
from tests.support import opened
from tests.test_strategy_pages_query_budget import LARGE, SMALL, build


class Tables(HTMLParser):
    """Every <table> of a page: its caption and its rows as lists of cell texts."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._stack: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append({"caption": "", "rows": [], "class": dict(attrs).get("class", "")})
        elif tag == "caption" and self._stack:
            self._caption = []
        elif tag == "tr" and self._stack:
            self._stack[-1]["rows"].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "caption" and self._caption is not None:
            self._stack[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._stack[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)

    def by_caption(self, caption: str) -> dict:
        (table,) = [t for t in self.tables if t["caption"] == caption]
        return table


NUMBER = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")


def numbers(text: str) -> list[float]:
    """The numbers in a Danish text: "nr. 6 af 93" → [6, 93]; "1.234,5 %" → [1234.5]."""
    return [float(n.replace(".", "").replace(",", ".")) for n in NUMBER.findall(text)]


def seed_report(org, make_user) -> dict:
    today = date.today()
    author = make_user("editor", org, name="Anna Redaktør")
    strategy = factories.strategy(org, title="Erhvervsstrategi 2016–2027", vision="Thy skal være bedst.")
    goal_1 = factories.goal(strategy, title="Et bedre erhvervsklima", owner="Erhvervschef", position=0)
    goal_2 = factories.goal(strategy, title="Flere arbejdspladser", position=1)
    factories.goal(strategy, title="Arkiveret mål", archived_at=utcnow())
    rank = factories.kpi(
        goal_1,
        name="Placering i DI's måling",
        kind="rank",
        direction="lower",
        baseline_value=92,
        baseline_date=date(2015, 9, 1),
        baseline_out_of=96,
        source="Dansk Industri",
    )
    factories.target(rank, 10, date(2027, 9, 1), set_on=date(2016, 1, 1))
    factories.measurement(rank, date(2017, 9, 1), 35, out_of=95)
    factories.measurement(rank, date(2019, 9, 1), 6, out_of=93)
    share = factories.kpi(
        goal_2,
        name="Andel besvaret inden for 24 timer",
        kind="percent",
        unit="%",
        frequency="quarterly",
        baseline_value=62.5,
        baseline_date=date(2016, 1, 1),
    )
    factories.target(share, 95, date(2027, 12, 31), set_on=date(2016, 1, 1))
    factories.target(share, 90, date(2027, 12, 31), set_on=date(2018, 1, 1))  # the current target
    factories.measurement(share, today - timedelta(days=200), 81.25)
    factories.measurement(share, today - timedelta(days=20), 85.5)
    plan_1 = factories.action_plan(
        goal_1,
        title="Erhvervskontakten",
        owner="Erhvervskonsulent",
        status="in_progress",
        progress=40,
        start_date=date(2016, 3, 1),
        due_date=today - timedelta(days=5),
    )
    plan_2 = factories.action_plan(goal_2, title="Dialogkursus", status="done", progress=100)
    for n, comment in enumerate(["Første kommentar", "Seneste kommentar", ""]):
        _db.session.add(
            ActionPlanUpdate(
                action_plan=plan_1,
                author_id=author.id,
                author_name=author.name,
                new_status="in_progress",
                progress=40,
                comment=comment,
                created_at=utcnow() - timedelta(days=10 - n),
            )
        )
    _db.session.commit()
    return {"strategy": strategy, "goals": [goal_1, goal_2], "kpis": [rank, share], "plans": [plan_1, plan_2]}


def test_the_report_shows_every_goal_the_date_and_the_tables(client, org, login, make_user):
    login("viewer")
    seeded = seed_report(org, make_user)
    response = client.get(f"/o/{org.slug}/strategies/{seeded['strategy'].id}/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'lang="da"' in html  # the council report is Danish whatever the reader's language
    assert format_date(date.today(), "da", "long") in html  # the report date
    assert f'datetime="{date.today().isoformat()}"' in html
    for goal in seeded["goals"]:
        assert html.count(f'aria-labelledby="goal-{goal.id}"') == 1
        assert goal.title in html
    assert "Arkiveret mål" not in html
    assert html.count('class="report-goal"') == 2  # one section per goal: a page break before each
    assert 'media="print"' in html and "css/print.css" in html
    for kpi in seeded["kpis"]:
        assert f'data-target="chart-kpi-{kpi.id}"' in html
        # the numbers wait folded as text (a phone reads the page quickly) and are opened for paper
        assert f'<details class="chart-table" id="chart-kpi-{kpi.id}-table">' in html
    plans = html.split(f'id="plans-{seeded["goals"][0].id}">', 1)[1].split("</details>", 1)[0]  # as text too
    assert plans.count('<script type="text/html" class="chart-table-content">') == 1
    assert seeded["plans"][0].title in plans
    tables = Tables(opened(html))
    rank_rows = tables.by_caption("Placering i DI's måling")["rows"]
    assert len(rank_rows) == 1 + 3  # header, baseline and two measurements
    assert numbers(rank_rows[-1][2])[:2] == [6, 93]
    # the action plans with their latest comment (not an older one, not an empty one)
    assert "Seneste kommentar" in html and "Første kommentar" not in html
    assert "Dialogkursus" in html


def test_the_report_is_danish_for_an_english_reader_too(client, org, login, make_user):
    login("viewer", locale="en")
    seeded = seed_report(org, make_user)
    html = client.get(f"/o/{org.slug}/strategies/{seeded['strategy'].id}/report").get_data(as_text=True)
    assert 'lang="da"' in html
    assert format_date(date.today(), "da", "long") in html


def test_the_workbook_has_the_numbers_of_the_page(client, org, login, make_user):
    login("viewer")
    seeded = seed_report(org, make_user)
    base = f"/o/{org.slug}/strategies/{seeded['strategy'].id}/report"
    html = client.get(base).get_data(as_text=True)
    response = client.get(base + ".xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and ".xlsx" in disposition
    assert "rapport-erhvervsstrategi-2016-2027-" in disposition

    workbook = load_workbook(BytesIO(response.data))
    goals_sheet, kpi_sheet, plan_sheet = workbook.worksheets
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])

    # the goals
    goal_rows = list(goals_sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in goal_rows] == [g.title for g in seeded["goals"]]

    # every KPI value of the page's tables, in the same order
    tables = Tables(opened(html))
    kpi_rows = list(kpi_sheet.iter_rows(min_row=2, values_only=True))
    assert len(kpi_rows) == 3 + 3  # baseline and measurements of both KPIs
    for kpi in seeded["kpis"]:
        page_rows = tables.by_caption(kpi.name)["rows"][1:]
        sheet_rows = [row for row in kpi_rows if row[1] == kpi.name]
        assert len(page_rows) == len(sheet_rows)
        for page_row, sheet_row in zip(page_rows, sheet_rows, strict=True):
            goal, _kpi, _unit, _type, period, value, n, target, target_date, status = sheet_row
            assert goal == kpi.goal.title
            assert isinstance(period, datetime)  # a real date in Excel (openpyxl reads it as a datetime)
            assert page_row[0] == format_date(period.date(), "da")
            shown = numbers(page_row[2])
            assert shown[0] == pytest.approx(value, abs=0.05)
            if n is not None:
                assert shown[1] == n
            assert numbers(page_row[3])[0] == pytest.approx(target)
            assert isinstance(target_date, datetime)
            assert status
    share_rows = [row for row in kpi_rows if row[1] == "Andel besvaret inden for 24 timer"]
    assert [row[5] for row in share_rows] == [62.5, 81.25, 85.5]
    assert {row[7] for row in share_rows} == {90}  # the current target, not the superseded one
    rank_rows = [row for row in kpi_rows if row[1] == "Placering i DI's måling"]
    assert [(row[5], row[6]) for row in rank_rows] == [(92, 96), (35, 95), (6, 93)]
    assert kpi_sheet.cell(row=2, column=5).number_format == "dd-mm-yyyy"

    # the action plans with status and latest comment
    plans = {row[1]: row for row in plan_sheet.iter_rows(min_row=2, values_only=True)}
    assert set(plans) == {"Erhvervskontakten", "Dialogkursus"}
    contact = plans["Erhvervskontakten"]
    assert contact[9] == "Seneste kommentar"
    assert contact[8] == 40
    assert isinstance(contact[7], datetime) and contact[7].date() == date.today() - timedelta(days=5)
    assert plans["Dialogkursus"][9] in ("", None)


def test_the_report_needs_a_member(client, org, other_org, login, make_user):
    seeded = seed_report(org, make_user)
    path = f"/o/{org.slug}/strategies/{seeded['strategy'].id}/report"
    assert "/login" in client.get(path).location
    assert "/login" in client.get(path + ".xlsx").location
    login("admin", organisation=other_org)
    assert client.get(path).status_code == 404
    assert client.get(path + ".xlsx").status_code == 404


def test_an_empty_strategy_has_a_report_and_a_workbook(client, org, login):
    login("viewer")
    strategy = factories.strategy(org)
    _db.session.commit()
    assert client.get(f"/o/{org.slug}/strategies/{strategy.id}/report").status_code == 200
    response = client.get(f"/o/{org.slug}/strategies/{strategy.id}/report.xlsx")
    assert len(load_workbook(BytesIO(response.data)).worksheets) == 3


BUDGET = 11  # one of them reads the latest frozen report ("since last time")


def test_the_report_runs_the_same_number_of_statements_at_two_sizes(
    client, org, other_org, login, make_user, count_queries
):
    user = login("viewer")
    factories.membership(user, other_org, "viewer")
    members = [make_user("editor", org) for _ in range(2)]
    small_id, _goal = build(org, members, **SMALL)
    large_id, _goal = build(other_org, members, **LARGE)
    author_id = members[0].id
    plan_ids = _db.session.scalars(sa.text("SELECT id FROM action_plan")).all()
    _db.session.add_all(
        ActionPlanUpdate(
            action_plan_id=plan_id,
            author_id=author_id,
            new_status="in_progress",
            progress=10,
            comment="Kommentar",
        )
        for plan_id in plan_ids
    )
    _db.session.commit()
    paths = {
        "small": f"/o/{org.slug}/strategies/{small_id}/report",
        "large": f"/o/{other_org.slug}/strategies/{large_id}/report",
    }
    counts = {}
    for size, path in paths.items():
        for suffix in ("", ".xlsx"):
            _db.session.expunge_all()
            with count_queries() as statements:
                response = client.get(path + suffix)
            assert response.status_code == 200
            counts[size + suffix] = len(statements)
            if size == "large" and not suffix:
                html = response.get_data(as_text=True)
                assert html.count('class="report-goal"') == LARGE["goals"]
                assert html.count("Kommentar") >= LARGE["goals"] * LARGE["plans"]
    assert counts["small"] == counts["large"] <= BUDGET
    assert counts["small.xlsx"] == counts["large.xlsx"] <= BUDGET


FORMULA_LIKE = ['=HYPERLINK("http://evil.example","klik")', "+45 1234", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1"]


def test_the_workbook_writes_formula_like_text_as_text(client, org, login, make_user):
    """A title, an owner or a comment that starts like a formula must not run when the file is opened."""
    login("viewer")
    author = make_user("editor", org, name="=cmd|' /C calc'!A0")
    strategy = factories.strategy(org, title="Strategi")
    goals = [
        factories.goal(strategy, title=text, owner=FORMULA_LIKE[-1 - n], position=n)
        for n, text in enumerate(FORMULA_LIKE)
    ]
    kpi = factories.kpi(goals[0], name="+KPI", unit="-kr", baseline_value=1, baseline_date=date(2020, 1, 1))
    factories.measurement(kpi, date(2021, 1, 1), 2)
    plan = factories.action_plan(goals[0], title="@plan", owner="=owner", status="in_progress")
    _db.session.add(
        ActionPlanUpdate(
            action_plan=plan,
            author_id=author.id,
            author_name=author.name,
            new_status="in_progress",
            progress=10,
            comment="=1+2",
        )
    )
    _db.session.commit()

    response = client.get(f"/o/{org.slug}/strategies/{strategy.id}/report.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.data))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    # XML reads a lone CR as a line break unless the writer escapes it (openpyxl does so with lxml)
    texts = {cell.value.replace("\r", "\n") for cell in cells if isinstance(cell.value, str)}
    expected = {text.replace("\r", "\n") for text in FORMULA_LIKE}
    assert (expected | {"+KPI", "-kr", "@plan", "=owner", "=1+2"}) - texts == set()


def test_the_report_stays_danish_and_its_page_follows_the_readers_language(client, org, login, make_user):
    login("viewer", locale="en")
    seeded = seed_report(org, make_user)
    html = client.get(f"/o/{org.slug}/strategies/{seeded['strategy'].id}/report").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert ">Log out<" in html and "Download as Word" in html and ">Strategies<" in html  # the navigation
    assert '<article class="report" lang="da"' in html  # the council report itself is Danish
    assert format_date(date.today(), "da", "long") in html
    assert '@bottom-right { content: "Side"' in html  # the paper's running header is Danish too
