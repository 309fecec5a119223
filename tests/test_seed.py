"""The Thisted seed: idempotent, faithful to /work/shared/thisted_facts.md, and usable for logging in."""

import csv
from collections import defaultdict
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from strategitracker.extensions import db as _db
from strategitracker.models import (
    KPI,
    ActionPlan,
    AuditEvent,
    ContactMapEntry,
    Goal,
    Inquiry,
    KPITarget,
    Measurement,
    Membership,
    Municipality,
    Organisation,
    OutreachMeeting,
    SurveyRank,
    User,
)
from strategitracker.services import accounts
from strategitracker.services.kpi import kpi_rows
from strategitracker.services.seed import DEFAULT_SEED_DIR, seed_reference, seed_thisted
from strategitracker.services.survey import Register

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"

# Copied from thisted_facts.md, "Thisted's overall rank": (year, rank, N, source).
DI_OVERALL = [
    (
        2015,
        92,
        96,
        "the case description; "
        'N: danskindustri.dk (2022 analysis "ny-danmarksmester-i-lokal-erhvervsvenlighed")',
    ),
    (
        2016,
        88,
        96,
        'limfjordupdate.dk "thisted-kommune-ser-positivt-paa-di-maaling"; '
        'nordjyske.dk 2017-09 "mors-bedst-i-erhvervsklima"',
    ),
    (2017, 64, 96, 'nordjyske.dk 2017-09 "mors-bedst-i-erhvervsklima"'),
    (2018, 50, 93, 'nordjyske.dk "di-top-i-thy-roser-kommunen"'),
    (
        2019,
        6,
        93,
        'limfjordupdate.dk "erhvervsklima-thisted-stormer-frem-i-ny-undersoegelse"; '
        'danskindustri.dk 2019-09 "fire-nye-kommuner-i-top-ti"',
    ),
    (2020, 16, 93, 'thisted.dk news 2020-11 "virksomheder-stortrives-stadig-i-thy"'),
    (2021, 13, 93, 'nordjyske.dk 2021-09 "ros-til-thisted-og-morsoe-kommuner"'),
    (2022, 19, 93, 'thisted.dk news 2022-09 "erhvervsklima-i-thy-er-fortsat-i-den-gode-ende-i-2022"'),
    (2023, 37, 92, 'nordjyske.dk "endnu-en-topplacering-virksomhederne-er-vilde-med-mors"'),
]

# Copied from thisted_facts.md, "Thisted's category ranks": (year, category, rank, source).
DI_CATEGORIES = [
    (2021, "Digitale rammer", 15, "nordjyske.dk 2021-09"),
    (2021, "Information og dialog", 14, "nordjyske.dk 2021-09"),
    (2022, "Sagsbehandling", 11, "thisted.dk news 2022-09"),
    (2022, "Digitale rammer", 6, "thisted.dk news 2022-09"),
    (2022, "Skatter, gebyrer og erhvervsarealer", 6, "thisted.dk news 2022-09"),
    (2022, "Grøn udvikling", 33, "thisted.dk news 2022-09"),
    (2022, "Information og dialog", 19, "thisted.dk news 2022-09"),
    (2023, "Information og dialog", 55, 'nordjyske.dk 2023 "endnu-en-topplacering…"'),
    (2023, "Arbejdskraft", 26, "nordjyske.dk 2023"),
    (2023, "Sagsbehandling", 29, "nordjyske.dk 2023"),
    (2023, "Uddannelse", 13, "nordjyske.dk 2023"),
]

# Copied from thisted_facts.md, "Peers": municipality -> (official municipality code, {year: rank}, source).
PEERS = {
    "Morsø": (
        773,
        {2016: 63, 2017: 35, 2021: 11, 2022: 2, 2023: 7},
        "nordjyske.dk (2017-09, 2021-09, 2022, 2023)",
    ),
    "Ringkøbing-Skjern": (
        760,
        {2012: 62, 2017: 23, 2018: 5, 2019: 3, 2021: 10, 2022: 13, 2023: 17, 2024: 5},
        "jv.dk; rksk.dk news; ritzau 14020216",
    ),
    "Vejen": (575, {2020: 2, 2021: 4, 2022: 1}, "danskindustri.dk 2022-08 analysis"),
    "Ikast-Brande": (756, {2022: 3, 2023: 1, 2024: 1}, "nordjyske.dk; ritzau 14020216"),
    "Stevns": (
        336,
        {2015: 90, 2018: 70, 2019: 59, 2020: 73, 2021: 66},
        'sn.dk "Stevns-Kommune-kaemper-i-bunden-af-DIs-erhvervsindex"',
    ),
}

ROLE_TITLES = {"Direktør for Teknik, Erhverv og Beskæftigelse", "Chef for Erhverv og Beskæftigelse"}
DEMO_EMAILS = [f"{key}@example.org" for key in ("viewer", "editor", "facilitator", "admin", "superuser")]


def published_n(year: int) -> int | None:
    """N per thisted_facts.md: 96 up to 2017, 93 from 2018, 92 in 2023; not published for 2024."""
    if year <= 2017:
        return 96
    if year == 2023:
        return 92
    if year <= 2023:
        return 93
    return None


def _snapshot() -> dict[str, list[tuple]]:
    snapshot = {}
    for table in _db.metadata.sorted_tables:
        rows = _db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        snapshot[table.name] = [tuple(row) for row in rows]
    return snapshot


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (SEED_DIR / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def seeded(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-adgangskode-1")
    return seed_thisted()


@pytest.fixture
def thisted(seeded) -> Organisation:
    return accounts.get_organisation("thisted")


def test_default_seed_dir_is_the_projects_seed_folder():
    assert DEFAULT_SEED_DIR == SEED_DIR


def test_seeding_twice_changes_nothing(seeded):
    assert seeded.total_created > 0
    first = _snapshot()
    again = seed_thisted()
    assert again.total_created == 0
    assert not again.differing
    assert _snapshot() == first  # same row counts, same values, no extra audit event
    assert {t: len(rows) for t, rows in _snapshot().items()} == {t: len(rows) for t, rows in first.items()}
    assert "intet oprettet" in " ".join(again.report_lines())
    assert "findes allerede" in " ".join(again.report_lines())


def test_row_counts_match_the_seed_files(seeded):
    expected = {
        "department": "departments.csv",
        "goal": "goals.csv",
        "kpi": "kpis.csv",
        "kpi_target": "kpi_targets.csv",
        "measurement": "measurements.csv",
        "survey_rank": "survey_ranks.csv",
        "action_plan": "action_plans.csv",
        "action_plan_update": "action_plan_updates.csv",
    }
    for table, filename in expected.items():
        assert seeded.created[table] == len(_csv_rows(filename)), table
    assert seeded.created["contact_map_entry"] == len(_csv_rows("contact_map.csv"))
    assert seeded.created["inquiry"] == sum(int(r["inquiries"]) for r in _csv_rows("inquiry_log.csv"))
    assert seeded.created["outreach_meeting"] == sum(
        int(r["meetings"]) for r in _csv_rows("outreach_meetings.csv")
    )
    assert seeded.created["municipality"] == len(_csv_rows("municipalities.csv")) == 98
    assert seeded.created["user_account"] == 5
    assert seeded.created["membership"] == 4


def test_seed_run_leaves_one_audit_event_with_counts(seeded, thisted):
    events = _db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "seed.thisted")).all()
    assert len(events) == 1
    assert events[0].organisation_id == thisted.id
    assert events[0].after["created"]["measurement"] == seeded.created["measurement"]


def test_di_overall_rank_kpi_measurements_equal_the_facts(thisted):
    kpi = _db.session.scalar(
        sa.select(KPI).where(
            KPI.organisation_id == thisted.id, KPI.survey == "di", KPI.survey_category == "Overordnet"
        )
    )
    assert kpi.kind == "rank" and kpi.direction == "lower"
    assert (kpi.baseline_value, kpi.baseline_date.isoformat(), kpi.baseline_out_of) == (92, "2015-09-01", 96)
    # One copy: the KPI has no measurements of its own; its series is Thisted's rows of the survey data.
    assert kpi.measurements == []
    series = kpi_rows(kpi)
    assert [(m.period.year, m.value, m.out_of, m.source) for m in series] == DI_OVERALL
    assert all((m.period.month, m.period.day) == (9, 1) for m in series)


def test_di_overall_ranks_in_survey_data_equal_the_facts(thisted):
    rows = _db.session.execute(
        sa.select(SurveyRank.year, SurveyRank.rank, SurveyRank.out_of, SurveyRank.source)
        .join(Municipality)
        .where(Municipality.code == 787, SurveyRank.survey == "di", SurveyRank.category == "Overordnet")
        .order_by(SurveyRank.year)
    ).all()
    assert [tuple(r) for r in rows] == DI_OVERALL
    assert thisted.municipality_code == 787


def test_thisted_category_ranks_equal_the_facts(seeded):
    rows = _db.session.execute(
        sa.select(SurveyRank.year, SurveyRank.category, SurveyRank.rank, SurveyRank.source, SurveyRank.out_of)
        .join(Municipality)
        .where(Municipality.code == 787, SurveyRank.category != "Overordnet")
    ).all()
    assert sorted((y, c, r, s) for y, c, r, s, _n in rows) == sorted(DI_CATEGORIES)
    assert all(n == published_n(y) for y, _c, _r, _s, n in rows)


def test_category_rank_kpis_follow_the_survey_data(thisted):
    kpis = _db.session.scalars(
        sa.select(KPI).where(
            KPI.organisation_id == thisted.id, KPI.kind == "rank", KPI.survey_category != "Overordnet"
        )
    ).all()
    assert {k.survey_category for k in kpis} >= {"Sagsbehandling", "Information og dialog"}
    facts = {(y, c): (r, s) for y, c, r, s in DI_CATEGORIES}
    for kpi in kpis:
        assert kpi.measurements == [] and kpi_rows(kpi)
        for m in kpi_rows(kpi):
            assert facts[(m.period.year, kpi.survey_category)] == (m.value, m.source)
            assert m.out_of == published_n(m.period.year)


def test_peers_are_present_with_official_codes_and_published_ranks(seeded):
    for name, (code, ranks, source) in PEERS.items():
        municipality = _db.session.scalar(sa.select(Municipality).where(Municipality.code == code))
        assert municipality is not None and municipality.name == name
        rows = _db.session.scalars(
            sa.select(SurveyRank).where(
                SurveyRank.municipality_id == municipality.id,
                SurveyRank.survey == "di",
                SurveyRank.category == "Overordnet",
            )
        ).all()
        assert {r.year: r.rank for r in rows} == ranks, name
        for r in rows:
            assert r.source.startswith(source)
            if published_n(r.year) is None:  # N not published: 93 assumed and marked as illustrative
                assert r.out_of == 93 and "illustrativ" in r.source
            else:
                assert r.out_of == published_n(r.year)


def test_other_published_figures(thisted):
    values = {
        (m.kpi.name, m.period.isoformat()): (m.value, m.source)
        for m in _db.session.scalars(
            sa.select(Measurement).join(KPI).where(KPI.organisation_id == thisted.id)
        )
    }
    course = "Medarbejdere, der har gennemført Styrket Erhvervsdialog"
    assert values[(course, "2017-10-01")][0] == 90
    assert "denoffentlige.dk" in values[(course, "2017-10-01")][1]
    assert any(name == course and value == 150 for (name, _p), (value, _s) in values.items())
    assert values[("Gennemsnitlig sagsbehandlingstid for byggesager", "2018-03-01")] == (
        15,
        "thisted.dk news 2018-03-01",
    )


def test_erhvervskontakten_is_computed_from_an_illustrative_log_with_the_same_story(thisted):
    kpi = _db.session.scalar(
        sa.select(KPI).where(KPI.organisation_id == thisted.id, KPI.name.contains("Erhvervskontakten"))
    )
    assert kpi.kind == "percent" and kpi.derived == "answered_24h" and kpi.measurements == []
    story = [
        (r["period"], float(r["answered_within_24h"]), int(r["inquiries"]))
        for r in _csv_rows("inquiry_log.csv")
    ]
    assert story[0] == ("2017-04-01", 84.0, 100) and len(story) >= 30
    assert [(r.period.isoformat(), r.value, r.basis) for r in kpi_rows(kpi)] == story
    notes = set(_db.session.scalars(sa.select(Inquiry.notes).where(Inquiry.organisation_id == thisted.id)))
    assert len(notes) == 1 and "Illustrativ" in notes.pop()
    people = _db.session.execute(
        sa.select(Inquiry.contact_name, Inquiry.contact_phone, Inquiry.contact_email, Inquiry.cvr).distinct()
    ).all()
    assert people == [("", "", "", "")]  # no personal data, no CVR numbers of real businesses
    assert "illustrativ" in kpi.description.lower()


def test_meetings_per_quarter_and_the_contact_map_are_seeded(thisted):
    kpi = _db.session.scalar(
        sa.select(KPI).where(KPI.organisation_id == thisted.id, KPI.derived == "meetings")
    )
    assert kpi.kind == "number" and kpi.frequency == "quarterly"
    story = [(r["period"], float(r["meetings"])) for r in _csv_rows("outreach_meetings.csv")]
    assert [(r.period.isoformat(), r.value) for r in kpi_rows(kpi)] == story
    meetings = _db.session.scalars(sa.select(OutreachMeeting)).all()
    assert all(m.participants and m.departments and "Illustrativ" in m.notes for m in meetings)
    entries = _db.session.scalars(sa.select(ContactMapEntry)).all()
    assert {(e.department.name, e.user.email) for e in entries} == {
        (r["department"], f"{r['demo_user']}@example.org") for r in _csv_rows("contact_map.csv")
    }


def test_every_csv_row_has_a_source_or_is_marked_illustrative():
    files = sorted(SEED_DIR.glob("*.csv"))
    assert {f.name for f in files} >= {
        "organisation.csv",
        "departments.csv",
        "strategy.csv",
        "goals.csv",
        "kpis.csv",
        "kpi_targets.csv",
        "measurements.csv",
        "survey_ranks.csv",
        "municipalities.csv",
        "action_plans.csv",
        "action_plan_updates.csv",
    }
    for path in files:
        rows = _csv_rows(path.name)
        assert rows, path.name
        assert {"source", "note"} <= set(rows[0]), path.name
        for line, row in enumerate(rows, start=2):
            assert row["source"].strip() or "illustrativ" in row["note"].lower(), f"{path.name}:{line}"


def test_owners_are_role_titles(thisted):
    for name in ("goals.csv", "kpis.csv", "action_plans.csv", "action_plan_updates.csv"):
        for row in _csv_rows(name):
            for column, value in row.items():
                if column.startswith(("owner", "author")):
                    assert "@" not in value, (name, column, value)
    for model in (Goal, KPI, ActionPlan):
        owners = set(_db.session.scalars(sa.select(model.owner).where(model.organisation_id == thisted.id)))
        assert owners and owners <= ROLE_TITLES, model.__name__


def test_editor_demo_user_owns_items(thisted):
    editor = accounts.get_user_by_email("editor@example.org")
    for model in (KPI, ActionPlan):
        owned = _db.session.scalars(sa.select(model).where(model.owner_user_id == editor.id)).all()
        assert owned, model.__name__


def test_a_superseded_target_is_kept(thisted):
    targets = _db.session.scalars(
        sa.select(KPITarget).join(KPI).where(KPI.organisation_id == thisted.id)
    ).all()
    by_date = defaultdict(list)
    for t in targets:
        by_date[(t.kpi_id, t.target_date)].append(t)
    superseded = [ts for ts in by_date.values() if len(ts) > 1]
    assert superseded
    for ts in superseded:
        assert len({t.set_on for t in ts}) == len(ts)


def test_action_plans_agree_with_their_history(thisted):
    plans = _db.session.scalars(sa.select(ActionPlan).where(ActionPlan.organisation_id == thisted.id)).all()
    assert {p.status for p in plans} >= {"done", "in_progress", "delayed", "not_started"}
    for plan in plans:
        assert plan.updates, plan.title
        last = plan.updates[-1]
        assert (last.new_status, last.progress) == (plan.status, plan.progress), plan.title
        assert (plan.done_on is not None) == (plan.status == "done"), plan.title
        previous = None
        for update in plan.updates:
            assert update.old_status == previous, plan.title
            previous = update.new_status
            if update.new_status == "delayed":
                assert update.comment.strip()


def test_demo_users_and_memberships(thisted):
    for role in ("viewer", "editor", "facilitator", "admin"):
        user = accounts.get_user_by_email(f"{role}@example.org")
        membership = _db.session.scalar(
            sa.select(Membership).where(
                Membership.user_id == user.id, Membership.organisation_id == thisted.id
            )
        )
        assert membership.role == role and not user.is_superuser
    superuser = accounts.get_user_by_email("superuser@example.org")
    assert superuser.is_superuser


def test_demo_password_from_environment_is_honoured(seeded):
    for email in DEMO_EMAILS:
        user = accounts.get_user_by_email(email)
        assert check_password_hash(user.password_hash, "demo-adgangskode-1")
    text = "\n".join(seeded.report_lines())
    assert "demo-adgangskode-1" not in text
    assert "DEMO_PASSWORD" in text


def test_random_password_is_printed_once(db, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    result = seed_thisted()
    assert result.password and any(result.password in line for line in result.report_lines())
    user = _db.session.scalar(sa.select(User).where(User.email == "viewer@example.org"))
    assert check_password_hash(user.password_hash, result.password)
    again = seed_thisted()
    assert again.password is None
    assert not any(result.password in line for line in again.report_lines())


def test_cli_seed_thisted_prints_how_to_log_in(app, runner, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-adgangskode-2")
    result = runner.invoke(args=["seed", "thisted"])
    assert result.exit_code == 0, result.output
    login_url = f"http://127.0.0.1:{app.config['PORT']}/login"
    assert f"Log ind på {login_url}" in result.output
    for email in DEMO_EMAILS:
        assert email in result.output
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRank)) == len(
        _csv_rows("survey_ranks.csv")
    )
    again = runner.invoke(args=["seed", "thisted"])
    assert again.exit_code == 0, again.output
    assert "intet oprettet" in again.output
    assert f"Log ind på {login_url}" in again.output


# Official codes (Danmarks Statistik / DAGI) and regions, checked by hand against the published list.
OFFICIAL = {
    101: ("København", "Region Hovedstaden"),
    147: ("Frederiksberg", "Region Hovedstaden"),
    173: ("Lyngby-Taarbæk", "Region Hovedstaden"),
    336: ("Stevns", "Region Sjælland"),
    400: ("Bornholm", "Region Hovedstaden"),
    480: ("Nordfyns", "Region Syddanmark"),
    492: ("Ærø", "Region Syddanmark"),
    563: ("Fanø", "Region Syddanmark"),
    575: ("Vejen", "Region Syddanmark"),
    580: ("Aabenraa", "Region Syddanmark"),
    657: ("Herning", "Region Midtjylland"),
    741: ("Samsø", "Region Midtjylland"),
    756: ("Ikast-Brande", "Region Midtjylland"),
    760: ("Ringkøbing-Skjern", "Region Midtjylland"),
    773: ("Morsø", "Region Nordjylland"),
    787: ("Thisted", "Region Nordjylland"),
    810: ("Brønderslev", "Region Nordjylland"),
    820: ("Vesthimmerlands", "Region Nordjylland"),
    825: ("Læsø", "Region Nordjylland"),
}


def test_the_register_holds_the_98_municipalities_with_official_codes_and_regions():
    rows = _csv_rows("municipalities.csv")
    assert len(rows) == 98 and len({r["code"] for r in rows}) == 98 and len({r["name"] for r in rows}) == 98
    by_code = {int(r["code"]): (r["name"], r["region"]) for r in rows}
    assert {code: by_code[code] for code in OFFICIAL} == OFFICIAL
    assert 411 not in by_code  # Christiansø is administered by the state, not a municipality
    regions = defaultdict(int)
    for _name, region in by_code.values():
        regions[region] += 1
    assert dict(regions) == {
        "Region Hovedstaden": 29,
        "Region Sjælland": 17,
        "Region Syddanmark": 22,
        "Region Midtjylland": 19,
        "Region Nordjylland": 11,
    }
    assert all("Danmarks Statistik" in r["source"] for r in rows)


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Aabenraa", 580),
        ("Åbenrå", 580),
        ("Aabenraa Kommune", 580),
        ("Vesthimmerland", 820),
        ("Vesthimmerlands Kommune", 820),
        ("Nordfyn", 480),
        ("nordfyns", 480),
        ("Lyngby-Taarbæk", 173),
        ("Høje Taastrup", 169),
        ("HØJE-TAASTRUP KOMMUNE", 169),
        ("Ringkøbing Skjern", 760),
        ("Ikast-Brande", 756),
        ("Brønderslev", 810),
        ("Læsø", 825),
        ("Fanø", 563),
        ("Ærø", 492),
        ("Samsø", 741),
        ("Bornholm", 400),
        ("Bornholms Regionskommune", 400),
        ("Københavns Kommune", 101),
        ("København", 101),
        ("Frederiksberg", 147),
        ("Århus", 751),
    ],
)
def test_common_spellings_find_their_municipality(db, spelling, code):
    seed_reference()
    assert Register().find(spelling)[0] == code


def test_christiansoe_is_not_a_municipality(db):
    seed_reference()
    assert Register().find("Christiansø") is None


def test_seed_reference_is_idempotent_and_logged_site_wide(db, runner):
    first = runner.invoke(args=["seed", "reference"])
    assert first.exit_code == 0, first.output
    assert "98 kommuner" in first.output
    events = _db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.startswith("national."))).all()
    assert {e.action for e in events} == {"national.register", "national.seed"}
    assert all(e.organisation_id is None for e in events)
    before = _snapshot()
    again = runner.invoke(args=["seed", "reference"])
    assert again.exit_code == 0, again.output
    assert "0 kommuner og 0 placeringer oprettet" in again.output
    assert _snapshot() == before


def test_seeded_historic_values_have_no_entry_time(seeded, thisted, client, login):
    """The example data's measurements were never typed in here: no entry time, and the KPI page says so
    instead of showing when the seed ran."""
    measurements = _db.session.scalars(
        sa.select(Measurement).join(KPI).where(KPI.organisation_id == thisted.id)
    ).all()
    assert measurements and all(m.entered_at is None for m in measurements)
    kpi = _db.session.get(KPI, measurements[0].kpi_id)
    login("viewer", organisation=thisted)
    html = client.get(f"/o/{thisted.slug}/kpis/{kpi.id}").get_data(as_text=True)
    assert "Ikke registreret (historisk værdi)" in html
