"""The web flow: upload → preview (problems with row and column, paged) → confirm writes; cancel does not."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from strategitracker.models import AuditEvent, Measurement, SurveyRank
from strategitracker.services.imports import pending
from tests.conftest import PASSWORD
from tests.imports.conftest import measurements_of, to_csv
from tests.support import fresh_client

RANK = "Placering i DI's måling – samlet"
NUMBER = "Antal virksomhedsbesøg"


def upload(client, slug: str, data: bytes, filename: str = "m.csv", kind: str = "measurements", **fields):
    return client.post(
        f"/o/{slug}/imports/{kind}",
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


def token_of(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return parse_qs(urlsplit(response.location).query)["token"][0]


def stored_files(app, token: str) -> list[Path]:
    return sorted(Path(app.instance_path, "imports").glob(f"{token}.*"))


@pytest.fixture
def facilitator(login, world):
    return login("facilitator", locale="en")


GOOD = to_csv([["Nøgletal", "Periode", "Værdi", "N"], [RANK, "2019", "6", "93"], [RANK, "2020", "16", "93"]])
WITH_PROBLEM = to_csv(
    [["Nøgletal", "Periode", "Værdi", "N"], [RANK, "2019", "6", "93"], [RANK, "2020", "x", "93"]]
)


def test_upload_preview_confirm_writes_and_cleans_up(app, client, db, world, facilitator):
    token = token_of(upload(client, world.org.slug, GOOD, "di.csv"))
    assert len(stored_files(app, token)) == 3
    assert measurements_of(db, world.rank) == []  # nothing before the confirmation
    page = client.get(f"/o/{world.org.slug}/imports/preview?token={token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Check the import" in html and "di.csv" in html and "2019-09-01" in html
    response = client.post(
        f"/o/{world.org.slug}/imports/confirm", data={"token": token, "on_duplicate": "skip"}
    )
    assert response.status_code == 303
    assert [m[:3] for m in measurements_of(db, world.rank)] == [(_d(2019), 6.0, 93), (_d(2020), 16.0, 93)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import.measurements"))
    assert event.after["created"] == 2 and event.after["file"] == "di.csv" and event.user_id == facilitator.id
    assert stored_files(app, token) == []
    followed = client.get(response.location)
    assert "di.csv was imported: 2 created, 0 replaced, 0 skipped, 0 rejected." in followed.get_data(
        as_text=True
    )
    # confirming again (a double click) finds nothing to do
    again = client.post(f"/o/{world.org.slug}/imports/confirm", data={"token": token})
    assert again.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Measurement)) == 2


def _d(year: int):
    from datetime import date

    return date(year, 9, 1)


def test_preview_shows_problems_with_row_and_column_and_confirming_needs_the_checkbox(
    app, client, db, world, facilitator
):
    token = token_of(upload(client, world.org.slug, WITH_PROBLEM))
    html = client.get(f"/o/{world.org.slug}/imports/preview?token={token}").get_data(as_text=True)
    assert "Row 3, column C “Værdi”: found “x”: Expected a number such as 1234,5 or 1.234,5." in html
    response = client.post(f"/o/{world.org.slug}/imports/confirm", data={"token": token})
    assert response.status_code == 400
    assert "Tick this box to import only the valid rows" in response.get_data(as_text=True)
    assert measurements_of(db, world.rank) == []
    response = client.post(f"/o/{world.org.slug}/imports/confirm", data={"token": token, "accept_valid": "y"})
    assert response.status_code == 303
    assert [m[:3] for m in measurements_of(db, world.rank)] == [(_d(2019), 6.0, 93)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import.measurements"))
    assert event.after["rejected"] == 1


def test_cancel_writes_nothing_and_forgets_the_upload(app, client, db, world, facilitator, counts):
    before = counts()
    token = token_of(upload(client, world.org.slug, GOOD))
    response = client.post(f"/o/{world.org.slug}/imports/cancel", data={"token": token})
    assert response.status_code == 303
    assert counts() == before
    assert stored_files(app, token) == []
    assert client.get(f"/o/{world.org.slug}/imports/preview?token={token}").status_code == 404


def test_another_users_token_is_not_found(app, client, db, world, facilitator, make_user, counts):
    token = token_of(upload(client, world.org.slug, GOOD))
    other = make_user("admin", world.org, locale="en")
    db.session.commit()
    intruder = fresh_client(app)
    assert intruder.post("/login", data={"email": other.email, "password": PASSWORD}).status_code == 302
    before = counts()
    slug = world.org.slug
    assert intruder.get(f"/o/{slug}/imports/preview?token={token}").status_code == 404
    assert intruder.post(f"/o/{slug}/imports/confirm", data={"token": token}).status_code == 404
    assert intruder.post(f"/o/{slug}/imports/cancel", data={"token": token}).status_code == 404
    assert counts() == before
    assert len(stored_files(app, token)) == 3  # still there for its owner
    assert client.get(f"/o/{slug}/imports/preview?token={token}").status_code == 200


def test_a_token_is_not_valid_in_another_organisation(app, client, db, world, facilitator, other_org):
    from tests import factories

    factories.membership(facilitator, other_org, "admin")
    db.session.commit()
    token = token_of(upload(client, world.org.slug, GOOD))
    assert client.get(f"/o/{other_org.slug}/imports/preview?token={token}").status_code == 404
    assert client.post(f"/o/{other_org.slug}/imports/confirm", data={"token": token}).status_code == 404


def test_an_expired_upload_sends_the_user_back_with_a_message(app, client, db, world, facilitator):
    token = token_of(upload(client, world.org.slug, GOOD))
    with app.app_context():
        pending.delete(token)
    response = client.get(f"/o/{world.org.slug}/imports/preview?token={token}")
    assert response.status_code == 302
    assert "no longer available" in client.get(response.location).get_data(as_text=True)


def test_data_changed_after_the_preview_is_shown_again_before_anything_is_written(
    app, client, db, world, facilitator
):
    token = token_of(upload(client, world.org.slug, GOOD))
    db.session.add(Measurement(kpi_id=world.rank.id, period=_d(2019), value=7, out_of=93))
    db.session.commit()
    response = client.post(f"/o/{world.org.slug}/imports/confirm", data={"token": token})
    assert response.status_code == 303 and "preview" in response.location
    assert "The data changed after the preview" in client.get(response.location).get_data(as_text=True)
    assert [m[1] for m in measurements_of(db, world.rank)] == [7.0]
    response = client.post(
        f"/o/{world.org.slug}/imports/confirm", data={"token": token, "on_duplicate": "replace"}
    )
    assert response.status_code == 303
    assert [m[1] for m in measurements_of(db, world.rank)] == [6.0, 16.0]


def test_unreadable_files_are_refused_on_the_upload_page(app, client, db, world, facilitator, counts):
    before, files = counts(), set(Path(app.instance_path, "imports").glob("*"))
    response = upload(client, world.org.slug, b"PK\x03\x04 broken", "m.xlsx")
    assert response.status_code == 400
    assert "could not be opened as an Excel workbook" in response.get_data(as_text=True)
    response = upload(client, world.org.slug, to_csv([["Nøgletal", "Værdi"], [RANK, "1"]]))
    assert response.status_code == 400
    assert "The column “Periode (Period)” is missing." in response.get_data(as_text=True)
    assert client.post(f"/o/{world.org.slug}/imports/measurements", data={}).status_code == 400
    response = upload(client, world.org.slug, GOOD, "m.pdf")
    assert response.status_code == 400 and "Choose an Excel workbook" in response.get_data(as_text=True)
    assert counts() == before
    assert set(Path(app.instance_path, "imports").glob("*")) == files  # nothing kept


def test_files_above_the_upload_limit_get_a_clear_413(app, client, db, world, facilitator, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_UPLOAD_BYTES", 1024 * 1024)
    response = upload(client, world.org.slug, b"x" * (2 * 1024 * 1024), "big.csv")
    assert response.status_code == 413
    assert "The file is larger than 1 MB" in response.get_data(as_text=True)


def test_preview_pages_through_the_rows_and_filters_them(app, client, db, world, facilitator):
    monthly = "Henvendelser pr. måned"
    rows = [["KPI", "Period", "Value"]] + [
        [monthly, f"{i % 12 + 1:02d}-{2000 + i // 12}", str(i)] for i in range(250)
    ]
    rows[5][2] = "fem"
    token = token_of(upload(client, world.org.slug, to_csv(rows)))
    base = f"/o/{world.org.slug}/imports/preview?token={token}"
    html = client.get(base + "&page=3").get_data(as_text=True)
    assert "Rows 201–250 of 250" in html and "Page 3 of 3" in html
    html = client.get(base + "&show=invalid").get_data(as_text=True)
    assert "Rows 1–1 of 1" in html and "fem" in html
    assert client.get(base + "&page=abc").status_code == 200


def admin_upload(client, data: bytes, filename: str = "di.csv", **fields):
    return client.post(
        "/admin/rankings",
        data={"file": (io.BytesIO(data), filename), **fields},
        content_type="multipart/form-data",
    )


RANKINGS = to_csv([["Kommune", "Kommunekode", "2019", "2020"], ["Thisted", "787", "6", "16"]])


def test_superusers_import_rankings_under_the_site_administration(app, client, db, world, login, register):
    admin = login("superuser", locale="en")
    index = client.get(f"/o/{world.org.slug}/imports/").get_data(as_text=True)
    assert 'href="/admin/rankings"' in index  # an organisation's import page points superusers there
    assert client.get("/admin/rankings").status_code == 200
    response = admin_upload(client, RANKINGS, survey="di", category="Overordnet", out_of="93", source="DI")
    token = token_of(response)
    assert response.location.startswith("/admin/rankings/preview")
    html = client.get(f"/admin/rankings/preview?token={token}").get_data(as_text=True)
    assert "Check the import" in html and "Thisted" in html and "/admin/rankings/confirm" in html
    confirmed = client.post("/admin/rankings/confirm", data={"token": token})
    assert confirmed.status_code == 303 and confirmed.location == "/admin/national-log"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRank)) == 2
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "national.import_rankings"))
    assert event.organisation_id is None and event.user_id == admin.id
    log = client.get("/admin/national-log").get_data(as_text=True)
    assert "Survey rankings imported" in log and admin.email in log


@pytest.mark.parametrize("role", ["facilitator", "admin"])
def test_members_of_an_organisation_cannot_change_national_ranks(
    app, client, db, world, login, register, role
):
    login(role, locale="en")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert client.get("/admin/rankings").status_code == 403
    assert admin_upload(client, RANKINGS, category="Overordnet", out_of="93").status_code == 403
    assert client.post("/admin/rankings/confirm", data={"token": "x" * 43}).status_code == 403
    assert client.get("/admin/national-log").status_code == 403
    assert client.get(f"/o/{world.org.slug}/imports/rankings").status_code == 404
    index = client.get(f"/o/{world.org.slug}/imports/").get_data(as_text=True)
    assert "rankings" not in index
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SurveyRank)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_editors_see_others_kpis_as_problems_and_cannot_import_rankings(app, client, db, world, login):
    editor = login("editor", locale="en")
    world.rank.owner_user_id = editor.id
    db.session.commit()
    data = to_csv([["KPI", "Period", "Value", "N"], [RANK, "2019", "6", "93"], [NUMBER, "2019", "4", ""]])
    token = token_of(upload(client, world.org.slug, data))
    html = client.get(f"/o/{world.org.slug}/imports/preview?token={token}").get_data(as_text=True)
    assert "only for KPIs you are responsible for" in html
    index = client.get(f"/o/{world.org.slug}/imports/").get_data(as_text=True)
    assert "/imports/measurements" in index and "/imports/rankings" not in index
    assert upload(client, world.org.slug, data, kind="action-plans").status_code == 403


def test_viewers_get_403(app, client, db, world, login):
    login("viewer")
    for path in ("", "measurements", "action-plans"):
        assert client.get(f"/o/{world.org.slug}/imports/{path}").status_code == 403
    assert upload(client, world.org.slug, GOOD).status_code == 403


def test_the_whole_flow_works_with_csrf_protection(app, client, db, world, facilitator, monkeypatch):
    import re

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    token_re = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
    slug = world.org.slug
    page = client.get(f"/o/{slug}/imports/measurements").get_data(as_text=True)
    csrf = token_re.search(page).group(1)
    response = upload(client, slug, GOOD, csrf_token=csrf)
    token = token_of(response)
    html = client.get(response.location).get_data(as_text=True)
    assert html.count('name="token"') == 2 and html.count('id="token"') <= 1
    csrf = token_re.search(html).group(1)
    response = client.post(f"/o/{slug}/imports/cancel", data={"token": token})
    assert response.status_code == 400  # no CSRF token
    response = client.post(f"/o/{slug}/imports/confirm", data={"token": token, "csrf_token": csrf})
    assert response.status_code == 303
    assert len(measurements_of(db, world.rank)) == 2
