"""Jinja evaluates a filter on a literal (`{{ 36|percent }}`) once, when a template is compiled, unless the
filter takes the render context: a language filter folded so would show the first reader's language to
everyone after. The language filters are registered so that they are never folded (web/i18n.py)."""

from flask import render_template_string
from flask_babel import force_locale
from jinja2 import nodes
from jinja2.utils import _PassArg

from strategitracker.web.i18n import BABEL_FILTERS, LOCALE_FILTERS

LANGUAGE_FILTERS = set(LOCALE_FILTERS) | set(BABEL_FILTERS)


def _foldable(app, name: str) -> bool:
    return _PassArg.from_obj(app.jinja_env.filters[name]) is not _PassArg.context


def test_every_language_filter_is_run_when_the_page_is_drawn(app):
    registered = LANGUAGE_FILTERS & set(app.jinja_env.filters)
    assert set(LOCALE_FILTERS) <= registered
    assert [name for name in sorted(registered) if _foldable(app, name)] == []


def test_no_template_applies_a_foldable_language_filter_to_a_literal(app):
    """A literal under a language filter is only safe while the filter cannot be folded."""
    env = app.jinja_env
    found = []
    for name in env.list_templates(filter_func=lambda n: n.endswith((".html", ".txt"))):
        tree = env.parse(env.loader.get_source(env, name)[0])
        for node in tree.find_all(nodes.Filter):
            if isinstance(node.node, nodes.Const) and node.name in env.filters and _foldable(app, node.name):
                if node.name in LANGUAGE_FILTERS:
                    found.append(f"{name}:{node.lineno} {node.name}")
    assert found == []


def test_a_template_compiled_for_a_danish_reader_writes_english_for_an_english_one(app):
    source = (
        "{{ 36|percent }} | {{ 1234.5|number }} | {{ 13.7|rank }} | {{ '2023-09-01'|day('long') }}"
        " | {{ _('Strategies') }}"
    )
    with app.test_request_context():
        template = app.jinja_env.from_string(source)  # compiled once, in Danish
        with force_locale("da"):
            danish = template.render()
        with force_locale("en"):
            english = template.render()
    assert danish == "36 % | 1.234,5 | 14 | 1. september 2023 | Strategier"
    assert english == "36% | 1,234.5 | 14 | September 1, 2023 | Strategies"  # a call is never folded


def test_the_character_counter_groups_digits_in_the_readers_language(app):
    """The counter's digit group separator comes from `1000|number`, a literal: it follows each reader."""
    source = '{% from "_macros.html" import char_counter %}{{ char_counter(f) }}'
    field = type("Field", (), {"id": "note", "render_kw": {"data-max-chars": 5000}})()
    with app.test_request_context():
        with force_locale("da"):
            danish = render_template_string(source, f=field)
        with force_locale("en"):
            english = render_template_string(source, f=field)
    assert 'data-group="."' in danish and "5.000" in danish
    assert 'data-group=","' in english and "5,000" in english
