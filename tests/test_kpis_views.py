"""KPI pages and forms: the page, create/edit/archive/restore, targets, measurements and corrections.

Every form: valid input works; each invalid input shows its message, answers 400 and changes nothing.
Objects of another organisation (or a measurement of another KPI) answer 404 for GET and POST.
Users log in with English as their language so the messages can be compared.
"""

from datetime import date

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import KPI, AuditEvent, KPITarget, Measurement
from tests import factories
from tests.test_authorization_matrix import snapshot


@pytest.fixture
def as_role(login):
    def do(role: str, responsible_for: tuple[KPI, ...] = ()):
        """Log in as `role`, made the responsible user of `responsible_for` (an editor's own KPIs)."""
        user = login(role, locale="en")
        for kpi in responsible_for:
            kpi.owner_user_id = user.id
        _db.session.commit()
        return user

    return do


@pytest.fixture
def goal(org):
    return factories.goal(factories.strategy(org, title="Fra myndighed til service"), title="Top 10 hos DI")


@pytest.fixture
def rank_kpi(goal):
    kpi = factories.kpi(
        goal,
        name="Placering i DI's måling",
        kind="rank",
        direction="lower",
        baseline_value=92,
        baseline_date=date(2015, 9, 1),
        baseline_out_of=96,
    )
    _db.session.commit()
    return kpi


@pytest.fixture
def percent_kpi(goal):
    kpi = factories.kpi(
        goal,
        name="Svar inden for 24 timer",
        kind="percent",
        frequency="quarterly",
        baseline_value=78,
        baseline_date=date(2017, 1, 1),
    )
    _db.session.commit()
    return kpi


@pytest.fixture
def foreign(other_org):
    """A KPI with a measurement and target in another organisation."""
    goal = factories.goal(factories.strategy(other_org))
    kpi = factories.kpi(goal, baseline_value=1, baseline_date=date(2015, 1, 1))
    measurement = factories.measurement(kpi, date(2016, 1, 1), 2)
    factories.target(kpi, 5, date(2020, 1, 1))
    _db.session.commit()
    return kpi, measurement


def url(org, *parts) -> str:
    return "/".join([f"/o/{org.slug}", *map(str, parts)])


def actions() -> list[str]:
    """The audit actions of KPI writes, oldest first."""
    _db.session.expire_all()
    stmt = sa.select(AuditEvent.action).where(
        AuditEvent.entity_type.in_(["kpi", "kpi_target", "measurement"])
    )
    return list(_db.session.scalars(stmt.order_by(AuditEvent.id)))


def html(response) -> str:
    return response.get_data(as_text=True)


def assert_refused(response, message: str, before) -> None:
    assert response.status_code == 400, html(response)[:2000]
    assert message in html(response).replace("&#34;", '"').replace("&#39;", "'")
    assert snapshot() == before


# --- the KPI page -------------------------------------------------------------------------------------------


def test_kpi_page_shows_everything(client, as_role, org, rank_kpi, goal):
    facilitator = as_role("facilitator")
    old = factories.target(rank_kpi, 25, date(2027, 9, 1), set_on=date(2016, 6, 1), set_by_id=facilitator.id)
    factories.target(rank_kpi, 10, date(2027, 9, 1), set_on=date(2019, 10, 1), note="Skærpet efter 6. plads")
    factories.measurement(rank_kpi, date(2018, 9, 1), 50, out_of=93, entered_by_id=facilitator.id)
    factories.measurement(rank_kpi, date(2019, 9, 1), 6, out_of=93, note="Flot!", source="nordjyske.dk")
    _db.session.commit()
    response = client.get(url(org, "kpis", rank_kpi.id))
    assert response.status_code == 200
    page = html(response)
    for text in [
        "Placering i DI",
        "Top 10 hos DI",
        f'href="/o/{org.slug}/goals/{goal.id}"',
        "Rank (1 is best)",
        "Lower is better",
        "Yearly",
        "no. 92 of 96",  # baseline
        "no. 6 of 93",  # latest
        "Superseded",
        "Current",
        "Skærpet efter 6. plads",
        "Flot!",
        "nordjyske.dk",
        facilitator.name,
        "Set a target",
        "Enter a measurement",
        "Correct",
        "Edit KPI",
        "N (how many were ranked)",
    ]:
        assert text in page, text
    assert page.index("2019") < page.index("2018", page.index("measurements-heading"))  # newest first
    assert old.id  # the superseded target is still a row


def test_viewer_sees_no_forms(client, login, org, rank_kpi):
    login("viewer", locale="en")
    factories.measurement(rank_kpi, date(2019, 9, 1), 6, out_of=93)
    _db.session.commit()
    page = html(client.get(url(org, "kpis", rank_kpi.id)))
    assert "no. 6 of 93" in page
    for text in ["Set a target", "Enter a measurement", "/edit", "Edit KPI", "/archive"]:
        assert text not in page, text


def test_editor_enters_measurements_but_does_not_edit_the_kpi(client, as_role, org, rank_kpi):
    as_role("editor", responsible_for=(rank_kpi,))
    factories.measurement(rank_kpi, date(2019, 9, 1), 6, out_of=93)
    _db.session.commit()
    page = html(client.get(url(org, "kpis", rank_kpi.id)))
    assert "Enter a measurement" in page and "Correct" in page
    assert "Set a target" not in page and "Edit KPI" not in page


def test_kpi_page_without_data(client, as_role, org, goal):
    as_role("viewer")
    kpi = factories.kpi(goal, name="Tom")
    _db.session.commit()
    page = html(client.get(url(org, "kpis", kpi.id)))
    assert "No measurements yet" in page and "No targets have been set." in page and "No baseline" in page


def test_archived_kpi_page_offers_restore(client, as_role, org, rank_kpi):
    as_role("facilitator")
    client.post(url(org, "kpis", rank_kpi.id, "archive"))
    page = html(client.get(url(org, "kpis", rank_kpi.id)))
    assert "This KPI was archived" in page and "/restore" in page and "Enter a measurement" not in page


def test_kpi_of_another_organisation_is_not_found(client, as_role, org, foreign):
    as_role("admin")
    kpi, _measurement = foreign
    assert client.get(url(org, "kpis", kpi.id)).status_code == 404
    assert client.get(url(org, "kpis", 999999)).status_code == 404


# --- create -------------------------------------------------------------------------------------------------

VALID_KPI = {
    "name": "Antal virksomhedsbesøg",
    "description": "Besøg hos virksomheder",
    "kind": "number",
    "direction": "higher",
    "unit": "besøg",
    "frequency": "quarterly",
    "source": "Egen opgørelse",
    "owner": "Erhvervschef",
    "owner_user_id": "",
    "baseline_value": "1,234.5",  # the English way: the users of these tests read English
    "baseline_date": "2020-01-01",
    "baseline_out_of": "",
    "baseline_source": "Opgørelse 2019",
    "survey_choice": "",
}


def test_new_kpi_form(client, as_role, org, goal):
    as_role("facilitator")
    response = client.get(url(org, "goals", goal.id, "kpis", "new"))
    assert response.status_code == 200
    assert 'name="baseline_value"' in html(response) and "New KPI" in html(response)


def test_create_kpi(client, as_role, org, goal):
    facilitator = as_role("facilitator")
    response = client.post(
        url(org, "goals", goal.id, "kpis", "new"), data=VALID_KPI | {"owner_user_id": str(facilitator.id)}
    )
    assert response.status_code == 302, html(response)[:2000]
    kpi = _db.session.scalar(sa.select(KPI).where(KPI.name == "Antal virksomhedsbesøg"))
    assert response.location.endswith(f"/o/{org.slug}/kpis/{kpi.id}")
    assert (kpi.goal_id, kpi.organisation_id, kpi.frequency, kpi.unit) == (
        goal.id,
        org.id,
        "quarterly",
        "besøg",
    )
    assert (kpi.baseline_value, kpi.baseline_date, kpi.owner_user_id) == (
        1234.5,
        date(2020, 1, 1),
        facilitator.id,
    )
    assert actions() == ["kpi.create"]


def test_create_kpi_with_only_the_name(client, as_role, org, goal):
    """Fields left out of the page (the survey select without survey data) take their defaults."""
    as_role("facilitator")
    response = client.post(url(org, "goals", goal.id, "kpis", "new"), data={"name": "Kun et navn"})
    assert response.status_code == 302, html(response)[:2000]
    kpi = _db.session.scalar(sa.select(KPI).where(KPI.name == "Kun et navn"))
    assert (kpi.kind, kpi.direction, kpi.frequency, kpi.survey) == ("number", "higher", "yearly", None)


def test_create_rank_kpi(client, as_role, org, goal):
    as_role("facilitator")
    data = VALID_KPI | {
        "kind": "rank",
        "direction": "lower",
        "baseline_value": "92",
        "baseline_date": "2015-09-01",
        "baseline_out_of": "96",
    }
    assert client.post(url(org, "goals", goal.id, "kpis", "new"), data=data).status_code == 302
    kpi = _db.session.scalar(sa.select(KPI).where(KPI.goal_id == goal.id))
    assert (kpi.kind, kpi.baseline_value, kpi.baseline_out_of) == ("rank", 92, 96)


RANK = {"kind": "rank", "direction": "lower", "baseline_date": "2015-09-01"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": ""}, "This field is required."),
        (
            {"kind": "rank", "direction": "higher", "baseline_value": ""},
            "A rank KPI must be “lower is better”",
        ),
        ({"baseline_date": ""}, "Enter the date of the baseline value."),
        ({"baseline_value": "tolv"}, "Enter a number such as 3,500 or 3.5."),
        ({"baseline_value": "nan"}, "Enter a number such as 3,500 or 3.5."),
        ({"baseline_date": "31-12-2020"}, "Not a valid date value."),
        ({"kind": "percent", "baseline_value": "101"}, "A percentage must be between 0 and 100."),
        (RANK | {"baseline_value": "97", "baseline_out_of": "96"}, "The rank cannot be higher than N (96)."),
        (RANK | {"baseline_value": "92", "baseline_out_of": ""}, "Enter N (how many were ranked)."),
        (
            RANK | {"baseline_value": "0", "baseline_out_of": "96"},
            "A rank must be a whole number of 1 or more.",
        ),
        (RANK | {"baseline_value": "92", "baseline_out_of": "0"}, "N must be a whole number of 1 or more."),
        ({"kind": "bogus"}, "Not a valid choice."),
        ({"frequency": "daily"}, "Not a valid choice."),
        ({"survey_choice": "di|Findes ikke"}, "Not a valid choice."),
    ],
)
def test_create_kpi_refuses_bad_input(client, as_role, org, goal, change, message):
    as_role("facilitator")
    before = snapshot()
    response = client.post(url(org, "goals", goal.id, "kpis", "new"), data=VALID_KPI | change)
    assert_refused(response, message, before)


def test_owner_from_another_organisation_is_refused(client, as_role, org, goal, make_user, other_org):
    as_role("facilitator")
    outsider = make_user("admin", other_org)
    _db.session.commit()
    before = snapshot()
    response = client.post(
        url(org, "goals", goal.id, "kpis", "new"), data=VALID_KPI | {"owner_user_id": str(outsider.id)}
    )
    assert_refused(response, "The responsible person must be an active member of the organisation.", before)


def test_no_kpi_under_an_archived_goal(client, as_role, org, goal):
    as_role("facilitator")
    goal.archived_at = goal.created_at
    _db.session.commit()
    before = snapshot()
    response = client.post(url(org, "goals", goal.id, "kpis", "new"), data=VALID_KPI)
    assert_refused(response, "The goal is archived. Restore it before changing its KPIs.", before)


def test_new_kpi_under_a_goal_of_another_organisation_is_not_found(client, as_role, org, other_org):
    as_role("admin")
    foreign_goal = factories.goal(factories.strategy(other_org))
    _db.session.commit()
    before = snapshot()
    assert client.get(url(org, "goals", foreign_goal.id, "kpis", "new")).status_code == 404
    assert client.post(url(org, "goals", foreign_goal.id, "kpis", "new"), data=VALID_KPI).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_facilitators_create_kpis(client, as_role, org, goal, role):
    as_role(role)
    assert client.get(url(org, "goals", goal.id, "kpis", "new")).status_code == 403
    assert client.post(url(org, "goals", goal.id, "kpis", "new"), data=VALID_KPI).status_code == 403


# --- edit, archive, restore ---------------------------------------------------------------------------------

RANK_FORM = {
    "name": "Placering i DI's måling",
    "kind": "rank",
    "direction": "lower",
    "frequency": "yearly",
    "baseline_value": "92",
    "baseline_date": "2015-09-01",
    "baseline_out_of": "96",
}


def test_edit_kpi_form_is_prefilled(client, as_role, org, rank_kpi):
    as_role("facilitator")
    page = html(client.get(url(org, "kpis", rank_kpi.id, "edit")))
    assert 'value="92"' in page and 'value="2015-09-01"' in page and 'value="96"' in page
    assert "Edit KPI" in page


def test_edit_kpi(client, as_role, org, rank_kpi):
    as_role("facilitator")
    data = RANK_FORM | {"baseline_value": "90", "baseline_reason": "Talt forkert i 2015"}
    response = client.post(url(org, "kpis", rank_kpi.id, "edit"), data=data)
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(KPI, rank_kpi.id).baseline_value == 90
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "kpi.update"))
    assert event.before == {"baseline_value": 92}
    assert event.after == {"baseline_value": 90, "reason": "Talt forkert i 2015"}


def test_changing_the_baseline_needs_a_reason(client, as_role, org, rank_kpi):
    as_role("facilitator")
    before = snapshot()
    response = client.post(url(org, "kpis", rank_kpi.id, "edit"), data=RANK_FORM | {"baseline_value": "90"})
    assert_refused(response, "Give a reason: it is kept in the audit log.", before)


@pytest.mark.parametrize(
    "change, message",
    [
        ({"direction": "higher"}, "A rank KPI must be “lower is better”: rank 1 is the best."),
        ({"baseline_value": "97"}, "The rank cannot be higher than N (96)."),
        ({"baseline_out_of": ""}, "Enter N (how many were ranked)."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_edit_kpi_refuses_bad_input(client, as_role, org, rank_kpi, change, message):
    as_role("facilitator")
    before = snapshot()
    assert_refused(
        client.post(url(org, "kpis", rank_kpi.id, "edit"), data=RANK_FORM | change), message, before
    )


def test_edit_refuses_a_kind_the_measurements_do_not_fit(client, as_role, org, rank_kpi):
    as_role("facilitator")
    factories.measurement(rank_kpi, date(2019, 9, 1), 6, out_of=93)
    _db.session.commit()
    before = snapshot()
    data = RANK_FORM | {"kind": "number", "direction": "higher", "baseline_out_of": ""}
    response = client.post(url(org, "kpis", rank_kpi.id, "edit"), data=data)
    assert_refused(response, "The kind cannot be changed", before)


def test_edit_kpi_of_another_organisation_is_not_found(client, as_role, org, foreign):
    as_role("admin")
    kpi, _m = foreign
    before = snapshot()
    assert client.get(url(org, "kpis", kpi.id, "edit")).status_code == 404
    assert client.post(url(org, "kpis", kpi.id, "edit"), data=RANK_FORM).status_code == 404
    assert snapshot() == before


def test_archive_and_restore(client, as_role, org, rank_kpi):
    as_role("facilitator")
    assert client.post(url(org, "kpis", rank_kpi.id, "archive")).status_code == 302
    _db.session.expire_all()
    assert _db.session.get(KPI, rank_kpi.id).archived_at is not None
    assert client.post(url(org, "kpis", rank_kpi.id, "restore")).status_code == 302
    _db.session.expire_all()
    assert _db.session.get(KPI, rank_kpi.id).archived_at is None
    assert actions() == ["kpi.archive", "kpi.restore"]


def test_archived_kpi_takes_no_measurements(client, as_role, org, rank_kpi):
    as_role("facilitator")
    client.post(url(org, "kpis", rank_kpi.id, "archive"))
    before = snapshot()
    response = client.post(
        url(org, "kpis", rank_kpi.id, "measurements"),
        data={"measurement-period": "2019-09-01", "measurement-value": "6", "measurement-out_of": "93"},
    )
    assert_refused(response, "The KPI is archived. Restore it before entering measurements.", before)


@pytest.mark.parametrize("action", ["archive", "restore"])
def test_archive_of_another_organisation_is_not_found(client, as_role, org, foreign, action):
    as_role("admin")
    kpi, _m = foreign
    before = snapshot()
    assert client.post(url(org, "kpis", kpi.id, action)).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_facilitators_edit_and_archive(client, as_role, org, rank_kpi, role):
    as_role(role)
    assert client.get(url(org, "kpis", rank_kpi.id, "edit")).status_code == 403
    assert client.post(url(org, "kpis", rank_kpi.id, "archive")).status_code == 403
    assert client.post(url(org, "kpis", rank_kpi.id, "targets"), data={}).status_code == 403


# --- targets ------------------------------------------------------------------------------------------------


def target_form(value: str, target_date: str, note: str = "") -> dict:
    return {"target-value": value, "target-target_date": target_date, "target-note": note}


def test_set_and_change_a_target_keeps_history(client, as_role, org, rank_kpi):
    facilitator = as_role("facilitator")
    first = client.post(
        url(org, "kpis", rank_kpi.id, "targets"), data=target_form("25", "2027-09-01", "Start")
    )
    assert first.status_code == 302
    second = client.post(
        url(org, "kpis", rank_kpi.id, "targets"), data=target_form("10", "2027-09-01", "Skærpet")
    )
    assert second.status_code == 302
    rows = list(
        _db.session.scalars(
            sa.select(KPITarget).where(KPITarget.kpi_id == rank_kpi.id).order_by(KPITarget.id)
        )
    )
    assert [(t.value, t.target_date, t.set_on, t.set_by_id) for t in rows] == [
        (25, date(2027, 9, 1), date.today(), facilitator.id),
        (10, date(2027, 9, 1), date.today(), facilitator.id),
    ]
    assert actions() == ["kpi.target_set", "kpi.target_set"]
    page = html(client.get(url(org, "kpis", rank_kpi.id)))
    assert page.count("Superseded") == 1 and "Skærpet" in page and "Start" in page
    current_row = page[page.index("Skærpet") - 1500 : page.index("Skærpet")]
    assert "Current" in current_row


@pytest.mark.parametrize(
    "data, message",
    [
        (target_form("", "2027-09-01"), "This field is required."),
        (target_form("0", "2027-09-01"), "A rank must be a whole number of 1 or more."),
        (target_form("2.5", "2027-09-01"), "A rank must be a whole number of 1 or more."),
        (target_form("ti", "2027-09-01"), "Enter a number such as 3,500 or 3.5."),
        (target_form("10", ""), "This field is required."),
        (target_form("10", "2015-09-01"), "The target date must be after the baseline date"),
        (target_form("10", "2014-01-01"), "The target date must be after the baseline date"),
        (target_form("10", "i morgen"), "Not a valid date value."),
    ],
)
def test_set_target_refuses_bad_input(client, as_role, org, rank_kpi, data, message):
    as_role("facilitator")
    before = snapshot()
    assert_refused(client.post(url(org, "kpis", rank_kpi.id, "targets"), data=data), message, before)


def test_percent_target_must_be_a_percentage(client, as_role, org, percent_kpi):
    as_role("facilitator")
    before = snapshot()
    response = client.post(url(org, "kpis", percent_kpi.id, "targets"), data=target_form("101", "2020-01-01"))
    assert_refused(response, "A percentage must be between 0 and 100.", before)


def test_target_on_a_kpi_of_another_organisation_is_not_found(client, as_role, org, foreign):
    as_role("admin")
    kpi, _m = foreign
    before = snapshot()
    assert (
        client.post(url(org, "kpis", kpi.id, "targets"), data=target_form("3", "2030-01-01")).status_code
        == 404
    )
    assert snapshot() == before


# --- measurements -------------------------------------------------------------------------------------------


def measurement_form(
    period: str, value: str, out_of: str = "", note: str = "", source: str = "", reason: str = "Tastefejl"
) -> dict:
    """The fields of a measurement; `reason` is read only by a correction."""
    return {
        "measurement-period": period,
        "measurement-value": value,
        "measurement-out_of": out_of,
        "measurement-note": note,
        "measurement-source": source,
        "measurement-reason": reason,
    }


def test_editors_enter_measurements_only_for_their_own_kpis(client, as_role, org, rank_kpi, percent_kpi):
    """The same rule as the import: an editor enters and corrects measurements for the KPIs they are
    responsible for; the form is not offered on any other KPI, and a post is refused without a write."""
    as_role("editor", responsible_for=(percent_kpi,))
    measured = factories.measurement(rank_kpi, date(2018, 9, 1), 50, out_of=93)
    _db.session.commit()
    assert "Enter a measurement" not in html(client.get(url(org, "kpis", rank_kpi.id)))
    assert "Enter a measurement" in html(client.get(url(org, "kpis", percent_kpi.id)))
    before = snapshot()
    data = measurement_form("2019-09-01", "6", "93")
    assert client.post(url(org, "kpis", rank_kpi.id, "measurements"), data=data).status_code == 403
    edit = url(org, "kpis", rank_kpi.id, "measurements", measured.id, "edit")
    assert client.get(edit).status_code == 403
    assert client.post(edit, data=data).status_code == 403
    assert snapshot() == before


def test_facilitators_enter_measurements_for_every_kpi(client, as_role, org, rank_kpi):
    as_role("facilitator")
    data = measurement_form("2019-09-01", "6", "93")
    assert client.post(url(org, "kpis", rank_kpi.id, "measurements"), data=data).status_code == 302
    assert actions() == ["measurement.create"]


def test_enter_a_rank_measurement(client, as_role, org, rank_kpi):
    editor = as_role("editor", responsible_for=(rank_kpi,))
    data = measurement_form("2019-09-01", "6", "93", "Top 10", "nordjyske.dk")
    response = client.post(url(org, "kpis", rank_kpi.id, "measurements"), data=data)
    assert response.status_code == 302
    m = _db.session.scalar(sa.select(Measurement).where(Measurement.kpi_id == rank_kpi.id))
    assert (m.period, m.value, m.out_of, m.note, m.source, m.entered_by_id) == (
        date(2019, 9, 1),
        6,
        93,
        "Top 10",
        "nordjyske.dk",
        editor.id,
    )
    assert actions() == ["measurement.create"]


def test_rank_form_asks_for_rank_and_n(client, as_role, org, rank_kpi, percent_kpi):
    as_role(
        "editor",
        responsible_for=(
            rank_kpi,
            percent_kpi,
        ),
    )
    page = html(client.get(url(org, "kpis", rank_kpi.id)))
    assert '<label class="form-label" for="measurement-value">Rank</label>' in page
    assert '<label class="form-label" for="measurement-out_of">N (how many were ranked)</label>' in page
    page = html(client.get(url(org, "kpis", percent_kpi.id)))
    assert 'for="measurement-out_of"' not in page


def test_enter_a_percentage_with_a_decimal_comma(client, login, org, percent_kpi):
    editor = login("editor", locale="da")
    percent_kpi.owner_user_id = editor.id  # an editor enters measurements for their own KPIs
    _db.session.commit()
    response = client.post(
        url(org, "kpis", percent_kpi.id, "measurements"), data=measurement_form("2017-03-31", "87,5")
    )
    assert response.status_code == 302
    assert (
        _db.session.scalar(sa.select(Measurement.value).where(Measurement.kpi_id == percent_kpi.id)) == 87.5
    )


@pytest.mark.parametrize(
    "data, message",
    [
        (measurement_form("2019-09-01", "6"), "Enter N (how many were ranked)."),
        (measurement_form("2019-09-01", "94", "93"), "The rank cannot be higher than N (93)."),
        (measurement_form("2019-09-01", "0", "93"), "A rank must be a whole number of 1 or more."),
        (measurement_form("2019-09-01", "6", "0"), "N must be a whole number of 1 or more."),
        (measurement_form("2019-09-01", "6", "mange"), "Not a valid integer value."),
        (measurement_form("", "6", "93"), "This field is required."),
        (measurement_form("2019-09-01", "", "93"), "This field is required."),
        (measurement_form("2019-13-01", "6", "93"), "Not a valid date value."),
        (measurement_form("2018-10-01", "7", "93"), "There is already a measurement for this period"),
    ],
)
def test_enter_measurement_refuses_bad_input(client, as_role, org, rank_kpi, data, message):
    as_role("editor", responsible_for=(rank_kpi,))
    factories.measurement(rank_kpi, date(2018, 9, 1), 50, out_of=93)
    _db.session.commit()
    before = snapshot()
    assert_refused(client.post(url(org, "kpis", rank_kpi.id, "measurements"), data=data), message, before)


def test_duplicate_period_points_to_correct(client, as_role, org, rank_kpi):
    as_role("editor", responsible_for=(rank_kpi,))
    factories.measurement(rank_kpi, date(2019, 9, 1), 6, out_of=93)
    _db.session.commit()
    response = client.post(
        url(org, "kpis", rank_kpi.id, "measurements"), data=measurement_form("2019-09-01", "5", "93")
    )
    assert response.status_code == 400
    assert "use “Correct” on that row" in html(response)


@pytest.mark.parametrize(
    "data, message",
    [
        (measurement_form("2017-03-31", "100.1"), "A percentage must be between 0 and 100."),
        (measurement_form("2017-03-31", "-1"), "A percentage must be between 0 and 100."),
        (measurement_form("2017-03-31", "50", "10"), "Only rank KPIs have N."),
    ],
)
def test_percent_measurement_refuses_bad_input(client, as_role, org, percent_kpi, data, message):
    as_role("editor", responsible_for=(percent_kpi,))
    before = snapshot()
    assert_refused(client.post(url(org, "kpis", percent_kpi.id, "measurements"), data=data), message, before)


def test_viewers_do_not_enter_measurements(client, as_role, org, rank_kpi):
    as_role("viewer")
    before = snapshot()
    response = client.post(
        url(org, "kpis", rank_kpi.id, "measurements"), data=measurement_form("2019-09-01", "6", "93")
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_measurement_on_a_kpi_of_another_organisation_is_not_found(client, as_role, org, foreign):
    as_role("admin")
    kpi, _m = foreign
    before = snapshot()
    response = client.post(url(org, "kpis", kpi.id, "measurements"), data=measurement_form("2019-01-01", "3"))
    assert response.status_code == 404
    assert snapshot() == before


# --- corrections --------------------------------------------------------------------------------------------


@pytest.fixture
def measured(rank_kpi):
    m = factories.measurement(rank_kpi, date(2019, 9, 1), 7, out_of=93, note="", source="kilde A")
    _db.session.commit()
    return m


def test_correction_form_is_prefilled(client, as_role, org, rank_kpi, measured):
    as_role("editor", responsible_for=(rank_kpi,))
    response = client.get(url(org, "kpis", rank_kpi.id, "measurements", measured.id, "edit"))
    assert response.status_code == 200
    page = html(response)
    assert 'value="2019-09-01"' in page and 'value="7"' in page and 'value="93"' in page
    assert "Correct a measurement" in page and "no. 7 of 93" in page


def test_correct_a_measurement(client, as_role, org, rank_kpi, measured):
    editor = as_role("editor", responsible_for=(rank_kpi,))
    data = measurement_form("2019-09-01", "6", "93", "Rettet efter DI's rapport", "kilde B")
    response = client.post(url(org, "kpis", rank_kpi.id, "measurements", measured.id, "edit"), data=data)
    assert response.status_code == 302
    _db.session.expire_all()
    m = _db.session.get(Measurement, measured.id)
    assert (m.value, m.note, m.source) == (6, "Rettet efter DI's rapport", "kilde B")
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "measurement.correct"))
    assert event.user_id == editor.id and event.entity_id == measured.id
    assert (event.before["value"], event.before["out_of"], event.before["source"]) == (7, 93, "kilde A")
    assert (event.after["value"], event.after["note"]) == (6, "Rettet efter DI's rapport")
    assert event.after["reason"] == "Tastefejl"


@pytest.mark.parametrize(
    "data, message",
    [
        (measurement_form("2019-09-01", "6"), "Enter N (how many were ranked)."),
        (measurement_form("2019-09-01", "95", "93"), "The rank cannot be higher than N (93)."),
        (measurement_form("2019-09-01", "", "93"), "This field is required."),
        (measurement_form("2018-09-01", "6", "93"), "There is already a measurement for this period"),
        (
            measurement_form("2019-09-01", "6", "93", reason=" "),
            "Give a reason: it is kept in the audit log.",
        ),
        (measurement_form("2099-01-01", "6", "93"), "lies in a year that has not begun yet."),
    ],
)
def test_correction_refuses_bad_input(client, as_role, org, rank_kpi, measured, data, message):
    as_role("editor", responsible_for=(rank_kpi,))
    factories.measurement(rank_kpi, date(2018, 9, 1), 50, out_of=93)
    _db.session.commit()
    before = snapshot()
    response = client.post(url(org, "kpis", rank_kpi.id, "measurements", measured.id, "edit"), data=data)
    assert_refused(response, message, before)


def test_measurement_of_another_kpi_is_not_found(client, as_role, org, goal, measured):
    as_role("admin")
    other_kpi = factories.kpi(goal, name="Andet")
    _db.session.commit()
    before = snapshot()
    path = url(org, "kpis", other_kpi.id, "measurements", measured.id, "edit")
    assert client.get(path).status_code == 404
    assert client.post(path, data=measurement_form("2019-09-01", "1")).status_code == 404
    assert snapshot() == before


def test_measurement_of_another_organisation_is_not_found(client, as_role, org, rank_kpi, foreign):
    as_role("admin")
    kpi, m = foreign
    before = snapshot()
    for path in [
        url(
            org, "kpis", kpi.id, "measurements", m.id, "edit"
        ),  # the other organisation's KPI and measurement
        url(org, "kpis", rank_kpi.id, "measurements", m.id, "edit"),  # our KPI, their measurement
    ]:
        assert client.get(path).status_code == 404
        assert client.post(path, data=measurement_form("2016-01-01", "1")).status_code == 404
    assert snapshot() == before


def test_viewers_do_not_correct(client, as_role, org, rank_kpi, measured):
    as_role("viewer")
    path = url(org, "kpis", rank_kpi.id, "measurements", measured.id, "edit")
    assert client.get(path).status_code == 403
    assert client.post(path, data=measurement_form("2019-09-01", "1", "93")).status_code == 403
