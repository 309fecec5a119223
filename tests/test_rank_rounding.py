"""A rank is a whole number wherever it is shown: the expected place on the way to a target ("13,7") is shown
as the place it amounts to (formatting.format_rank, the one place that writes ranks)."""

from types import SimpleNamespace

import pytest
from flask import render_template_string
from flask_babel import force_locale

from strategitracker.formatting import format_rank
from strategitracker.services.report import kpi_value_text

RANK_KPI = SimpleNamespace(kind="rank", unit="")


@pytest.mark.parametrize(
    ("value", "da", "en"),
    [(13.7, "14", "14"), (13.5, "14", "14"), (13.49, "13", "13"), (1234.6, "1.235", "1,235"), (6, "6", "6")],
)
def test_a_rank_is_a_whole_number(value, da, en):
    assert format_rank(value, "da") == da
    assert format_rank(value, "en") == en


def test_the_kpi_page_macro_and_the_report_write_whole_ranks(app):
    template = '{% from "workspace/_overview_macros.html" import kpi_value %}{{ kpi_value(kpi, value, n) }}'
    with app.test_request_context(), force_locale("da"):
        assert render_template_string(template, kpi=RANK_KPI, value=13.7, n=None) == "nr. 14"
        assert render_template_string(template, kpi=RANK_KPI, value=13.7, n=93) == "nr. 14 af 93"
        assert kpi_value_text({"kind": "rank", "unit": ""}, 13.7, 98, "da") == "nr. 14 af 98"
    with app.test_request_context(), force_locale("en"):
        assert render_template_string(template, kpi=RANK_KPI, value=13.7, n=None) == "no. 14"
