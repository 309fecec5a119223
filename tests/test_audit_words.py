"""The audit trail in plain words: every event the code records has words in Danish and English, and the
organisation's log shows them instead of codes (services/audit/words.py)."""

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from strategitracker.models import Archivable
from strategitracker.services import audit, workshop
from strategitracker.services.audit import words
from strategitracker.services.imports import action_plans, measurements, rankings
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
EVENT_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")
#: The helpers that are given an event's name: audit.record and the wrappers around it.
RECORDING = re.compile(r"record|^_close$")


def _strings(node: ast.expr) -> list[str]:
    """The texts an argument can be: a constant, either branch of a conditional, or an f-string's
    expansions (a part that is neither is written as "*")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    if isinstance(node, ast.JoinedStr):
        texts = [""]
        for part in node.values:
            options = _strings(part.value) if isinstance(part, ast.FormattedValue) else _strings(part)
            texts = [text + option for text in texts for option in (options or ["*"])]
        return texts
    return []


def recorded_event_names() -> set[str]:
    """Every event name the application and its migrations record, read from the code."""
    names: set[str] = set()
    for path in [*(ROOT / "strategitracker").rglob("*.py"), *(ROOT / "migrations").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arguments = list(node.args[:2]) if RECORDING.search(called) else []
            arguments += [k.value for k in node.keywords if k.arg == "action"]
            names.update(text for argument in arguments for text in _strings(argument) if "." in text)
    return names


def _expanded(names: set[str]) -> set[str]:
    """The names with a variable part written out: archived kinds and import kinds."""
    kinds = {model.__tablename__ for model in _subclasses(Archivable)}
    imports = {module.KIND.replace("-", "_") for module in (action_plans, measurements, rankings)}
    out = {name for name in names if "*" not in name}
    for name in names - out:
        if name.startswith("*."):
            out |= {f"{kind}.{name[2:]}" for kind in kinds}
        elif name == "import.*":
            out |= {f"import.{kind}" for kind in imports}
        else:
            pytest.fail(f"cannot tell which events {name!r} records: write the event names out")
    return out


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return {c for c in found if hasattr(c, "__tablename__")}


def _catalogue(language: str) -> dict[str, str]:
    path = ROOT / "strategitracker" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {message.id: message.string for message in read_po(handle) if message.id}


def test_the_code_records_events_and_the_reader_finds_them():
    names = _expanded(recorded_event_names())
    assert {"membership.role_change", "workshop.vote_add", "goal.archive", "import.measurements"} <= names
    assert len(names) > 60


def test_every_recorded_event_has_words_in_danish_and_english():
    names = _expanded(recorded_event_names())
    missing = sorted(names - set(words.EVENT_LABELS))
    assert not missing, f"events without words in services/audit/words.py: {missing}"
    danish = _catalogue("da")
    untranslated = sorted(
        name
        for name in names
        if not danish.get(str(words.EVENT_LABELS[name]._args[0]))  # noqa: SLF001
    )
    assert not untranslated, f"events without Danish words: {untranslated}"
    assert all(EVENT_NAME.match(name) for name in names)


def test_fields_values_and_objects_in_words(app):
    with app.test_request_context(), force_locale("da"):
        assert words.event_label("membership.role_change") == "Rolle ændret"
        assert words.field_label("status") == "Status"
        assert words.shown_value("status", "not_started") == "Ikke startet"
        assert words.shown_value("new_status", "in_progress") == "I gang"
        assert words.shown_value("results_revealed", True) == "Ja"
        assert words.shown_value("baseline_value", 3500.0) == "3.500"
        assert words.shown_value("due_date", "2026-11-28") == "28. nov. 2026"
        assert words.entity_words("workshop_card", 3) == "Workshopkort 3"
        assert words.event_label("no.such_event") == "no.such_event"
        assert words.field_label("some_new_field") == "Some new field"
    with app.test_request_context(), force_locale("en"):
        assert words.event_label("membership.role_change") == "Role changed"
        assert words.shown_value("status", "not_started") == "Not started"
        assert words.entity_words("workshop_card", 3) == "Workshop card 3"


def test_the_log_shows_titles_people_and_guests_instead_of_codes(db, org):
    owner = factories.user(name="Ejer Eriksen")
    strategy = factories.strategy(org, title="Erhvervsstrategi")
    goal = factories.goal(strategy, title="Et bedre erhvervsklima")
    audit.record(
        "goal.update",
        "goal",
        goal.id,
        organisation_id=org.id,
        before={"owner_user_id": None},
        after={"owner_user_id": owner.id},
    )
    actor = factories.user()
    ws = workshop.create_workshop(org, title="Strategidag", held_on=date.today(), layout="swot", actor=actor)
    guest = workshop.join_as_guest(ws, "Gitte Gæst")
    workshop.add_card(ws, guest, column_key="strengths", text="Stærke lokale virksomheder")
    page = audit.events_page(org, audit.AuditFilter())
    by_action = {row.event.action: row for row in page.rows}
    goal_row = by_action["goal.update"]
    assert goal_row.plain.entity == "Et bedre erhvervsklima"
    assert [c.after_shown for c in goal_row.changes] == ["Ejer Eriksen"]
    card_row = by_action["workshop.card_add"]
    assert card_row.user is None and card_row.plain.actor == "Gitte Gæst"
    assert card_row.plain.entity == "Stærke lokale virksomheder"
