"""The data table beside every chart: its rows (strategitracker.chart_table) and the macro around them."""

from dataclasses import dataclass

from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from strategitracker.charts.tables import chart_table_body

COLUMNS = [("period_label", "Period"), ("value", "Value"), ("note", "Note")]


def test_first_column_is_the_row_header_and_the_rest_are_cells():
    html = chart_table_body(
        [{"period_label": "1. sep. 2019", "value": "nr. 6 af 93", "note": "Top ti"}], COLUMNS
    )
    assert isinstance(html, Markup)
    assert html.strip() == '<tr><th scope="row">1. sep. 2019</th><td>nr. 6 af 93</td><td>Top ti</td></tr>'


def test_one_row_per_row_in_order():
    rows = [{"period_label": str(year), "value": str(rank)} for year, rank in [(2018, 50), (2019, 6)]]
    html = chart_table_body(rows, COLUMNS)
    assert html.count("<tr>") == 2
    assert html.index(">2018<") < html.index(">2019<")
    assert html.count("<td></td>") == 2  # no note: an empty cell, not "None"


def test_user_text_is_escaped_in_every_cell():
    evil = "<script>alert('x')</script> & \"quotes\""
    html = chart_table_body([{"period_label": evil, "value": evil, "note": evil}], COLUMNS)
    assert "<script>" not in html
    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quotes&#34;"
    assert html.count(escaped) == 3
    assert f'<th scope="row">{escaped}</th>' in html


def test_none_missing_numbers_and_markup():
    html = chart_table_body(
        [{"period_label": Markup("<a href='/x'>Plan</a>"), "value": 6, "note": None}], COLUMNS
    )
    assert "<th scope=\"row\"><a href='/x'>Plan</a></th>" in html  # markup (a macro's output) stays markup
    assert "<td>6</td><td></td>" in html
    assert chart_table_body([{"period_label": "x"}], COLUMNS).count("<td></td>") == 2


@dataclass
class Plan:
    title: str
    status: str


def test_rows_may_be_objects_and_keys_callables():
    def status_cell(plan):
        return Markup("<span class='badge'>%s</span>") % plan.status

    html = chart_table_body(
        [Plan("Cykelstier & stier", "<b>I gang</b>")],
        [("title", "Action plan"), (status_cell, "Status"), ("missing", "Missing")],
    )
    assert '<th scope="row">Cykelstier &amp; stier</th>' in html
    assert "<td><span class='badge'>&lt;b&gt;I gang&lt;/b&gt;</span></td>" in html
    assert html.endswith("<td></td></tr>")


def test_no_rows_no_html():
    assert chart_table_body([], COLUMNS) == ""
    assert chart_table_body(iter([]), COLUMNS) == ""
    assert chart_table_body([{"a": 1}], []) == ""


TEMPLATE = """{% from "charts/_chart.html" import chart %}
{{ chart("chart-x", {"data": []}, "Rank <by> year", table_rows=rows, columns=columns) }}"""


def test_the_macro_wraps_the_rows_in_a_captioned_table_in_details(app):
    rows = [{"year": "2019", "m0": "nr. 6 af 93"}, {"year": "2020", "m0": "<nr. 16>"}]
    with app.test_request_context(), force_locale("en"):
        html = render_template_string(TEMPLATE, rows=rows, columns=[("year", "Year"), ("m0", "Thisted")])
    assert '<details class="chart-table" id="chart-x-table">' in html
    assert "<caption>Rank &lt;by&gt; year</caption>" in html
    assert '<th scope="col">Year</th><th scope="col">Thisted</th>' in html
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert body.count("<tr>") == 2
    assert '<tr><th scope="row">2019</th><td>nr. 6 af 93</td></tr>' in body
    assert "<td>&lt;nr. 16&gt;</td>" in body
    assert "No data" not in html


def test_the_macro_says_no_data_for_an_empty_table(app):
    with app.test_request_context(), force_locale("da"):
        html = render_template_string(TEMPLATE, rows=[], columns=[("year", "År"), ("m0", "Thisted")])
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert body.count("<tr>") == 1
    assert '<td colspan="2">Ingen data</td>' in body


def test_a_closed_table_waits_as_text_that_no_cell_can_end(app):
    rows = [{"year": "</script><script>alert(1)</script>", "m0": "<!--<script>"}]
    with app.test_request_context(), force_locale("en"):
        html = render_template_string(TEMPLATE, rows=rows, columns=[("year", "Year"), ("m0", "Thisted")])
    start = html.index('<script type="text/html" class="chart-table-content">')
    text = html[start:].split(">", 1)[1]
    held = text[: text.index("</script>")]  # where a browser ends the script's text
    assert "<table" in held and "</table>" in held  # the whole table is in it
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in held and "&lt;!--&lt;script&gt;" in held
