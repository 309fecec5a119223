"""Personal data: the access downloads (JSON and .xlsx), anonymising a former user, the retention purge,
and the privacy and accessibility links in the footer of the public pages and the log-in page."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from strategitracker.extensions import db as _db
from strategitracker.models import (
    ActionPlanUpdate,
    AuditEvent,
    ExternalIdentity,
    Inquiry,
    Membership,
    SentNotification,
    User,
)
from strategitracker.services import ServiceError, audit, privacy
from tests import factories, workshop_factories
from tests.conftest import PASSWORD
from tests.support import fresh_client
from tests.test_authorization_matrix import snapshot

OLD = datetime.now(UTC) - timedelta(days=400)


def _history(org, user, *, comment: str) -> dict:
    """A KPI, target, measurement, plan update, workshop card and e-mail by `user` in `org`."""
    strategy = factories.strategy(org)
    goal = factories.goal(strategy)
    kpi = factories.kpi(goal, owner_user_id=user.id)
    factories.target(kpi, 20, date(2027, 12, 31), set_by_id=user.id, note="mål")
    factories.measurement(kpi, date(2020, 12, 31), 15, entered_by_id=user.id, note="=SUM(A1:A9)")
    plan = factories.action_plan(goal)
    update = ActionPlanUpdate(
        action_plan_id=plan.id,
        author_id=user.id,
        author_name=user.name,
        new_status="in_progress",
        progress=40,
        comment=comment,
    )
    _db.session.add(update)
    workshop = workshop_factories.workshop(org, title=f"Værksted for {org.name}")
    participant = workshop_factories.participant(workshop, user)
    workshop_factories.card(workshop, participant, text=f"Idé i {org.name}")
    _db.session.add(
        SentNotification(
            key=f"digest:{user.id}:{org.id}",
            organisation_id=org.id,
            user_id=user.id,
            kind="digest",
            email=user.email,
            subject=f"Påmindelse til {user.name}",
            body_text=f"Kære {user.name}",
            body_html=f"<p>Kære {user.name}</p>",
            status="sent",
        )
    )
    audit.record("user.password_reset", "user", user.id, organisation_id=org.id, user_id=None)
    _db.session.flush()
    return {"plan": plan, "update": update, "kpi": kpi, "participant": participant}


@pytest.fixture
def people(db, org, other_org, make_user):
    person = make_user("editor", org, name="Anna Ærø Andersen", email="anna@kommune.dk")
    factories.membership(person, other_org, "viewer")
    colleague = make_user("editor", org, name="Bo Bertelsen", email="bo@kommune.dk")
    _history(org, person, comment="Annas kommentar")
    _history(other_org, person, comment="Annas kommentar i anden kommune")
    _history(org, colleague, comment="Bos kommentar")
    audit.record(
        "membership.create",
        "membership",
        999_999,
        organisation_id=org.id,
        user_id=person.id,
        after={"user": colleague.email, "role": "viewer"},
    )
    audit.record("auth.login_failed", "user", person.id, user_id=person.id, after={"email": person.email})
    audit.record("user.create", "user", person.id, after={"email": person.email, "name": person.name})
    _db.session.commit()
    return person, colleague


def _json(response) -> dict:
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "private, no-store"
    return json.loads(response.data)


def _workbook_text(response) -> str:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    return "\n".join(
        "" if cell.value is None else str(cell.value)
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
    )


# --- right of access ---


def test_own_data_as_json_holds_everything_about_the_person_and_nobody_else(client, people):
    person, colleague = people
    client.post("/login", data={"email": person.email, "password": PASSWORD})
    data = _json(client.get("/account/personal-data.json"))
    assert data["profile"][0]["email"] == "anna@kommune.dk"
    assert {m["organisation"] for m in data["memberships"]} == {"Testkommune", "Anden Kommune"}
    assert {u["comment"] for u in data["action_plan_updates"]} == {
        "Annas kommentar",
        "Annas kommentar i anden kommune",
    }
    assert len(data["measurements"]) == len(data["targets"]) == 2
    assert len(data["workshops"]) == len(data["workshop_cards"]) == len(data["notifications"]) == 2
    assert {r["kind"] for r in data["responsibilities"]} == {"Nøgletal"}
    actions = {e["action"] for e in data["audit_events"]}
    assert {"Adgangskode nulstillet", "Logget ind", "Medlem tilføjet"} <= actions  # words, not codes
    text = json.dumps(data, ensure_ascii=False)
    assert "bo@kommune.dk" not in text and "Bo Bertelsen" not in text and "Bos kommentar" not in text
    assert "password_hash" not in text and person.session_token not in text


def test_own_data_as_xlsx_is_readable_and_formula_safe(client, people):
    person, _colleague = people
    client.post("/login", data={"email": person.email, "password": PASSWORD})
    response = client.get("/account/personal-data.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))
    assert {"Profil", "Medlemskaber", "Opdateringer og kommentarer"} <= set(workbook.sheetnames)
    notes = [c.value for row in workbook["Indtastede målinger"].iter_rows() for c in row]
    assert "=SUM(A1:A9)" in notes
    assert all(
        c.data_type == "s"
        for row in workbook["Indtastede målinger"].iter_rows()
        for c in row
        if c.value == "=SUM(A1:A9)"
    )
    text = _workbook_text(response)
    assert "Anna Ærø Andersen" in text and "Annas kommentar i anden kommune" in text
    assert "Bo Bertelsen" not in text and "bo@kommune.dk" not in text


def test_an_admin_downloads_only_what_the_organisation_holds(client, login, people, org, other_org):
    person, colleague = people
    login("admin")
    membership = _db.session.scalar(
        sa.select(Membership).where(Membership.user_id == person.id, Membership.organisation_id == org.id)
    )
    data = _json(client.get(f"/o/{org.slug}/members/{membership.id}/personal-data.json"))
    assert data["profile"][0]["name"] == "Anna Ærø Andersen"
    assert [m["organisation"] for m in data["memberships"]] == ["Testkommune"]
    assert [u["comment"] for u in data["action_plan_updates"]] == ["Annas kommentar"]
    assert "reminder_preference" not in data
    text = json.dumps(data, ensure_ascii=False) + _workbook_text(
        client.get(f"/o/{org.slug}/members/{membership.id}/personal-data.xlsx")
    )
    assert "Anden Kommune" not in text and "Bos kommentar" not in text and "bo@kommune.dk" not in text
    other = _db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == person.id, Membership.organisation_id == other_org.id
        )
    )
    assert client.get(f"/o/{org.slug}/members/{other.id}/personal-data.json").status_code == 404
    assert client.get(f"/o/{other_org.slug}/members/{other.id}/personal-data.json").status_code == 404
    assert client.get(f"/admin/users/{person.id}/personal-data.json").status_code == 403


def test_a_superuser_downloads_anyones_data(client, login, people):
    person, _colleague = people
    login("superuser")
    data = _json(client.get(f"/admin/users/{person.id}/personal-data.json"))
    assert len(data["memberships"]) == 2
    assert "Anna Ærø Andersen" in _workbook_text(client.get(f"/admin/users/{person.id}/personal-data.xlsx"))
    assert client.get("/admin/users/999999/personal-data.json").status_code == 404
    assert client.get(f"/admin/users/{person.id}/personal-data.csv").status_code == 404


# --- anonymisation ---


def _deactivate(user: User) -> None:
    for membership in user.memberships:
        membership.active = False
    _db.session.commit()


def test_anonymising_keeps_the_history_and_removes_the_person(app, client, login, people, org):
    person, colleague = people
    own = fresh_client(app)
    own.post("/login", data={"email": person.email, "password": PASSWORD})
    assert own.get("/account/password").status_code == 200
    _deactivate(person)
    _db.session.add_all(
        [
            ExternalIdentity(user_id=person.id, issuer="https://idp.kommune.dk", subject="anna-sub"),
            ExternalIdentity(user_id=colleague.id, issuer="https://idp.kommune.dk", subject="bo-sub"),
        ]
    )
    _db.session.commit()
    updates_before = _db.session.scalar(sa.select(sa.func.count()).select_from(ActionPlanUpdate))
    superuser = login("superuser")
    response = client.post(f"/admin/users/{person.id}/anonymise", data={"confirm": "y"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert person.name == f"Tidligere bruger #{person.id}"
    assert person.email == f"tidligere-bruger-{person.id}@anonymiseret.invalid"
    assert not person.active and person.password_hash == "" and person.anonymised_at is not None
    # the record stays, under the placeholder
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ActionPlanUpdate)) == updates_before
    update = _db.session.scalar(
        sa.select(ActionPlanUpdate).where(ActionPlanUpdate.comment == "Annas kommentar")
    )
    assert update.author_id == person.id and update.author_name == person.name
    assert (
        _db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.user_id == person.id)
        )
        > 0
    )
    # the person is gone: from the rows, the audit snapshots and the e-mails kept
    for table in _db.metadata.sorted_tables:
        for row in _db.session.execute(sa.select(table)):
            text = json.dumps([str(v) for v in row], ensure_ascii=False)
            assert "Anna Ærø Andersen" not in text and "anna@kommune.dk" not in text, table.name
            assert "anna-sub" not in text, table.name  # the identity provider's id of the person
    # colleagues are untouched
    assert colleague.name == "Bo Bertelsen"
    assert _db.session.scalar(
        sa.select(ExternalIdentity.subject).where(ExternalIdentity.user_id == colleague.id)
    )
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "user.anonymise"))
    assert event.user_id == superuser.id and event.entity_id == person.id
    # no log-in, and the old session has ended
    assert own.get("/account/password").status_code == 302
    for email in ("anna@kommune.dk", person.email):
        response = fresh_client(app).post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 200  # the form again, with the refusal


@pytest.mark.parametrize("case", ["active member", "self", "superuser", "twice"])
def test_anonymising_is_refused_with_a_message(db, org, make_user, people, case):
    person, _colleague = people
    actor = make_user(is_superuser=True)
    if case == "self":
        person = actor
    elif case == "superuser":
        person = make_user(is_superuser=True)
    elif case != "active member":
        _deactivate(person)
        privacy.anonymise(person, actor=actor)
    _db.session.commit()
    before = snapshot()
    with pytest.raises(ServiceError) as refusal:
        privacy.anonymise(person, actor=actor)
    _db.session.rollback()
    assert str(refusal.value)
    assert snapshot() == before


def test_anonymising_without_confirmation_changes_nothing(client, login, people):
    person, _colleague = people
    _deactivate(person)
    login("superuser")
    before = snapshot()
    assert client.post(f"/admin/users/{person.id}/anonymise", data={}).status_code == 302
    assert snapshot() == before
    assert client.post(f"/admin/users/{person.id}/anonymise", data={"confirm": "y"}).status_code == 302
    assert client.get("/admin/users").status_code == 200


# --- retention ---


def test_purge_removes_old_ip_addresses_and_guest_names_once(app, db, org, make_user, runner):
    member = make_user("editor", org, name="Carl Christensen")
    workshop = workshop_factories.workshop(org)
    old_guest = workshop_factories.participant(workshop, display_name="Dorte Gæst", created_at=OLD)
    new_guest = workshop_factories.participant(workshop, display_name="Ny Gæst")
    old_member = workshop_factories.participant(workshop, member, created_at=OLD)
    card = workshop_factories.card(workshop, old_guest, text="Dortes idé")
    join = audit.record(
        "workshop.join",
        "workshop_participant",
        old_guest.id,
        organisation_id=org.id,
        after={"display_name": "Dorte Gæst", "guest": True},
    )
    old_event = AuditEvent(action="auth.login", entity_type="user", ip_address="10.0.0.1", created_at=OLD)
    new_event = AuditEvent(action="auth.login", entity_type="user", ip_address="10.0.0.2")
    _db.session.add_all([old_event, new_event])
    _db.session.commit()
    before = snapshot()

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "IP-adresser fjernet fra revisionsloggen: 1" in result.output
    assert "workshopgæsters navne erstattet: 1" in result.output
    _db.session.expire_all()
    assert old_event.ip_address is None and new_event.ip_address == "10.0.0.2"
    assert old_guest.display_name == f"Gæst #{old_guest.id}"
    assert new_guest.display_name == "Ny Gæst" and old_member.display_name == "Carl Christensen"
    assert card.text == "Dortes idé" and card.author_id == old_guest.id
    assert join.after == {"display_name": f"Gæst #{old_guest.id}", "guest": True}
    purge_event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "privacy.purge"))
    assert purge_event.after == {
        "audit_ip_addresses": 1,
        "workshop_guest_names": 1,
        "inquiry_contact_persons": 0,
    }

    after = snapshot()
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= {"audit_event", "workshop_participant", "data_version"}
    assert len(after["audit_event"]) == len(before["audit_event"]) + 1

    again = runner.invoke(args=["privacy", "purge"])
    assert "IP-adresser fjernet fra revisionsloggen: 0" in again.output
    assert "workshopgæsters navne erstattet: 0" in again.output
    assert snapshot()["audit_event"] == after["audit_event"]


def test_purge_removes_old_inquiries_contact_persons_once(app, db, org, runner):
    now = datetime.now(UTC)
    old = Inquiry(
        organisation_id=org.id,
        received_at=now - timedelta(days=800),
        company_name="Gammel A/S",
        contact_name="Erik Kontakt",
        contact_email="erik@firma.dk",
    )
    recent = Inquiry(
        organisation_id=org.id,
        received_at=now - timedelta(days=30),
        company_name="Ny A/S",
        contact_name="Ida",
    )
    _db.session.add_all([old, recent])
    _db.session.commit()

    result = runner.invoke(args=["privacy", "purge"])
    assert "kontaktpersoner på henvendelser og møder fjernet: 1" in result.output, result.output
    _db.session.expire_all()
    assert (old.contact_name, old.contact_email, old.company_name) == ("", "", "Gammel A/S")
    assert recent.contact_name == "Ida"
    again = runner.invoke(args=["privacy", "purge"])
    assert "kontaktpersoner på henvendelser og møder fjernet: 0" in again.output


# --- the footer's links and the organisation's settings ---

STATEMENT = "https://testkommune.dk/was"
NOTICE = "https://testkommune.dk/privatliv"
SITE_STATEMENT = "https://example.org/tilgaengelighed"


@pytest.fixture
def site_links(app, monkeypatch):
    monkeypatch.setitem(app.config, "ACCESSIBILITY_STATEMENT_URL", SITE_STATEMENT)
    monkeypatch.setitem(app.config, "PRIVACY_NOTICE_URL", "https://example.org/privatliv")


def _footer(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<footer") :]


def test_the_login_page_links_to_the_site_wide_statement_and_notice(client, site_links):
    footer = _footer(client.get("/login"))
    assert f'href="{SITE_STATEMENT}"' in footer and "Tilgængelighedserklæring" in footer
    assert 'href="https://example.org/privatliv"' in footer


def test_public_pages_link_to_the_organisations_statement_and_notice(client, db, org, site_links):
    strategy = factories.strategy(org, published=True)
    org.accessibility_statement_url, org.privacy_notice_url = STATEMENT, NOTICE
    _db.session.commit()
    footer = _footer(client.get(f"/public/{org.slug}/strategies/{strategy.id}"))
    assert f'href="{STATEMENT}"' in footer and f'href="{NOTICE}"' in footer
    assert "Tilgængelighedserklæring" in footer
    assert f'href="{SITE_STATEMENT}"' in _footer(client.get("/public"))
    workshop = workshop_factories.workshop(org)
    _db.session.commit()
    page = client.get(f"/w/{workshop.join_token}").get_data(as_text=True)
    assert page.count(f'href="{NOTICE}"') == 2  # beside the name field and in the footer


def test_without_links_the_footer_shows_none(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "PRIVACY_NOTICE_TEXT", "Kommunen behandler dine oplysninger.")
    footer = _footer(client.get("/login"))
    assert "Tilgængelighedserklæring" not in footer
    assert "Kommunen behandler dine oplysninger." in footer


def test_an_admin_sets_the_organisations_links(client, login, org):
    login("admin")
    assert client.get(f"/o/{org.slug}/settings").status_code == 200
    before = snapshot()
    response = client.post(
        f"/o/{org.slug}/settings",
        data={"accessibility_statement_url": "javascript:alert(1)", "privacy_notice_url": NOTICE},
    )
    assert response.status_code == 400
    assert "https://" in response.get_data(as_text=True)
    assert snapshot() == before
    response = client.post(
        f"/o/{org.slug}/settings", data={"accessibility_statement_url": STATEMENT, "privacy_notice_url": ""}
    )
    assert response.status_code == 302
    _db.session.expire_all()
    assert (org.accessibility_statement_url, org.privacy_notice_url) == (STATEMENT, None)
    event = _db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organisation.links"))
    assert event.after["accessibility_statement_url"] == STATEMENT
