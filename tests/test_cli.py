"""The `flask orgs create` and `flask users create` commands.

The messages are checked in English (`force_locale("en")`): outside a request the app falls back to
Danish, whose catalogue may translate them. Rows a test sets up are committed before a command runs,
because a failing command rolls the session back (which, in the test transaction, means back to the
last commit).
"""

from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask_babel import force_locale
from werkzeug.security import check_password_hash

from strategitracker.models import AuditEvent, Membership, Organisation, User

PASSWORD = "et-godt-kodeord"


@pytest.fixture
def invoke(runner) -> Iterator[Callable[..., Result]]:
    def run(*args: str) -> Result:
        with force_locale("en"):
            return runner.invoke(args=list(args))

    yield run


@pytest.fixture
def counts(db) -> Callable[[], dict[str, int]]:
    def count() -> dict[str, int]:
        return {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Organisation, User, Membership, AuditEvent)
        }

    return count


@pytest.fixture
def existing(db, org, make_user) -> User:
    """A committed organisation (`testkommune`, code 999) with one member."""
    user = make_user("viewer", org, email="anna@example.org")
    db.session.commit()
    return user


def _org(db, slug: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))


def _user(db, email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def assert_refused(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is not None and isinstance(result.exception, SystemExit)
    assert "Error: " in result.output
    for fragment in fragments:
        assert fragment in result.output


# flask orgs create


def test_orgs_create(db, invoke, counts):
    before = counts()
    result = invoke("orgs", "create", "thisted", "--name", "Thisted Kommune", "--code", "787")
    assert result.exit_code == 0, result.output
    assert result.output == "Created organisation thisted (Thisted Kommune).\n"
    org = _org(db, "thisted")
    assert (org.name, org.municipality_code) == ("Thisted Kommune", 787)
    assert counts() == {
        **before,
        "organisation": before["organisation"] + 1,
        "audit_event": before["audit_event"] + 1,
    }
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organisation.create"))
    assert (event.entity_id, event.organisation_id) == (org.id, org.id)


def test_orgs_create_without_code_normalises_slug_and_name(db, invoke):
    result = invoke("orgs", "create", "  Morsoe ", "--name", "  Morsø Kommune  ")
    assert result.exit_code == 0, result.output
    org = _org(db, "morsoe")
    assert (org.name, org.municipality_code) == ("Morsø Kommune", None)


@pytest.mark.parametrize("slug", ["bad slug", "-thisted", "thisted-", "thisted!", "æble", "x" * 61, ""])
def test_orgs_create_refuses_an_invalid_slug(db, invoke, counts, slug):
    before = counts()
    result = invoke("orgs", "create", "--name", "Thisted Kommune", "--", slug)  # "--": slug may start "-"
    assert_refused(result, "Invalid short name")
    assert counts() == before


def test_orgs_create_refuses_a_duplicate_slug(db, existing, invoke, counts):
    before = counts()
    result = invoke("orgs", "create", "testkommune", "--name", "Another")
    assert_refused(result, "testkommune", "already in use")
    assert counts() == before
    assert _org(db, "testkommune").name == "Testkommune"


def test_orgs_create_refuses_a_duplicate_slug_in_other_case(db, existing, invoke, counts):
    before = counts()
    assert_refused(invoke("orgs", "create", "TestKommune", "--name", "Another"), "already in use")
    assert counts() == before


def test_orgs_create_refuses_a_duplicate_municipality_code(db, existing, invoke, counts):
    before = counts()
    result = invoke("orgs", "create", "ny", "--name", "Ny Kommune", "--code", "999")
    assert_refused(result, "999", "already used by Testkommune")
    assert counts() == before
    assert _org(db, "ny") is None


@pytest.mark.parametrize("code", ["99", "1000", "-787"])
def test_orgs_create_refuses_a_code_out_of_range(db, invoke, counts, code):
    before = counts()
    assert_refused(invoke("orgs", "create", "ny", "--name", "Ny", "--code", code), "from 100 to 999")
    assert counts() == before


def test_orgs_create_refuses_an_empty_name(db, invoke, counts):
    before = counts()
    assert_refused(invoke("orgs", "create", "ny", "--name", "   "), "needs a name")
    assert counts() == before


def test_orgs_create_usage_errors(db, invoke, counts):
    before = counts()
    missing_name = invoke("orgs", "create", "ny")
    assert missing_name.exit_code == 2
    assert "Missing option '--name'" in missing_name.output
    not_a_number = invoke("orgs", "create", "ny", "--name", "Ny", "--code", "abc")
    assert not_a_number.exit_code == 2
    assert "'abc' is not a valid integer" in not_a_number.output
    assert counts() == before


# flask users create


def test_users_create_member(db, existing, invoke, counts):
    before = counts()
    result = invoke(
        "users", "create", "Bo@Example.org", "--name", "Bo Hansen", "--password", PASSWORD,
        "--org", "testkommune", "--role", "editor",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == "Created user bo@example.org (editor in testkommune).\n"
    user = _user(db, "bo@example.org")
    assert user.name == "Bo Hansen"
    assert not user.is_superuser
    assert check_password_hash(user.password_hash, PASSWORD)
    assert [(m.organisation.slug, m.role, m.active) for m in user.memberships] == [
        ("testkommune", "editor", True)
    ]
    assert counts() == {
        "organisation": before["organisation"],
        "user_account": before["user_account"] + 1,
        "membership": before["membership"] + 1,
        "audit_event": before["audit_event"] + 2,
    }


def test_users_create_superuser(db, invoke, counts):
    before = counts()
    result = invoke(
        "users", "create", "admin@example.org", "--name", "Admin", "--password", PASSWORD, "--superuser"
    )
    assert result.exit_code == 0, result.output
    assert result.output == "Created user admin@example.org (superuser).\n"
    user = _user(db, "admin@example.org")
    assert user.is_superuser
    assert user.memberships == []
    assert counts()["user_account"] == before["user_account"] + 1
    assert counts()["membership"] == before["membership"]


def _create_user(invoke, email: str = "bo@example.org", *options: str) -> Result:
    return invoke("users", "create", email, "--name", "Bo", "--password", PASSWORD, *options)


MEMBER = ("--org", "testkommune", "--role", "viewer")


@pytest.mark.parametrize(
    ("email", "options", "fragments"),
    [
        ("bo@example.org", ("--org", "ukendt", "--role", "viewer"), ["Unknown organisation ukendt."]),
        (
            "bo@example.org",
            ("--org", "testkommune", "--role", "owner"),
            ["Unknown role owner", "viewer, editor"],
        ),
        ("bo@example.org", ("--org", "testkommune", "--role", "Admin"), ["Unknown role Admin"]),
        ("anna@example.org", MEMBER, ["anna@example.org", "already exists"]),
        (" Anna@Example.ORG ", MEMBER, ["anna@example.org", "already exists"]),
        ("anna@example.org", ("--superuser",), ["anna@example.org", "already exists"]),
        ("bo@example", MEMBER, ["The part after the @-sign must be a domain name such as kommune.dk."]),
        ("bo@example.org", ("--superuser", "--org", "testkommune"), ["--superuser", "not both"]),
        ("bo@example.org", ("--superuser", "--org", "testkommune", "--role", "admin"), ["not both"]),
        ("bo@example.org", ("--superuser", "--role", "admin"), ["not both"]),
        ("bo@example.org", ("--org", "testkommune"), ["Give --org and --role"]),
        ("bo@example.org", ("--role", "viewer"), ["Give --org and --role"]),
        ("bo@example.org", (), ["Give --org and --role"]),
    ],
    ids=[
        "unknown-org",
        "bad-role",
        "role-is-case-sensitive",
        "duplicate-email",
        "duplicate-email-other-case",
        "duplicate-email-superuser",
        "invalid-email",
        "superuser-with-org",
        "superuser-with-org-and-role",
        "superuser-with-role",
        "missing-role",
        "missing-org",
        "neither",
    ],
)
def test_users_create_refuses(db, existing, invoke, counts, email, options, fragments):
    before = counts()
    result = _create_user(invoke, email, *options)
    assert_refused(result, *fragments)
    assert counts() == before
    assert _user(db, "bo@example.org") is None


@pytest.mark.parametrize("password", ["", "1234567", "kort"])
def test_users_create_refuses_a_short_password(db, existing, invoke, counts, password):
    before = counts()
    result = invoke("users", "create", "bo@example.org", "--name", "Bo", "--password", password, *MEMBER)
    assert_refused(result, "at least 8 characters")
    assert counts() == before


def test_users_create_accepts_a_password_of_exactly_the_minimum_length(db, existing, invoke):
    result = invoke("users", "create", "bo@example.org", "--name", "Bo", "--password", "12345678", *MEMBER)
    assert result.exit_code == 0, result.output


def test_users_create_refuses_an_empty_name(db, existing, invoke, counts):
    before = counts()
    result = invoke("users", "create", "bo@example.org", "--name", " ", "--password", PASSWORD, *MEMBER)
    assert_refused(result, "needs a name")
    assert counts() == before


def test_users_create_usage_errors(db, invoke, counts):
    before = counts()
    for args in (
        ["users", "create", "bo@example.org", "--password", PASSWORD, "--superuser"],
        ["users", "create", "bo@example.org", "--name", "Bo", "--superuser"],
        ["users", "create", "--name", "Bo", "--password", PASSWORD, "--superuser"],
    ):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert "Missing" in result.output
    assert counts() == before


def test_a_failed_command_leaves_earlier_work_in_place(db, existing, invoke, counts):
    assert invoke("orgs", "create", "thisted", "--name", "Thisted Kommune", "--code", "787").exit_code == 0
    after_first = counts()
    assert_refused(invoke("orgs", "create", "thisted", "--name", "Thisted igen"), "already in use")
    assert counts() == after_first
    assert _org(db, "thisted").name == "Thisted Kommune"
    assert _create_user(invoke, "bo@example.org", "--org", "thisted", "--role", "admin").exit_code == 0
    assert [m.role for m in _user(db, "bo@example.org").memberships] == ["admin"]
