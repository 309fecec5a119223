"""The migration that makes stored vote events anonymous keeps every row and forgets only who voted."""

from datetime import datetime

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from strategitracker.extensions import db
from tests.test_migrations import fresh_app  # noqa: F401 – the fixture

REVISION = "3b423c112dc5"


def revision_before(app) -> str:
    """The revision this migration follows (read from the scripts: heads are re-chained when merged)."""
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_revision(REVISION).down_revision


def test_stored_vote_events_lose_the_participant_and_are_kept(fresh_app):  # noqa: F811
    with fresh_app.app_context():
        upgrade(revision=revision_before(fresh_app))
        audit = sa.table(
            "audit_event",
            sa.column("id", sa.Integer),
            sa.column("action", sa.String),
            sa.column("entity_type", sa.String),
            sa.column("entity_id", sa.Integer),
            sa.column("user_id", sa.Integer),
            sa.column("ip_address", sa.String),
            sa.column("after", sa.JSON),
            sa.column("created_at", sa.DateTime),
        )
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO user_account (id, email, name, password_hash, locale, active, is_superuser, "
                    "must_change_password, created_at) "
                    "VALUES (7, 'a@example.org', 'A', 'x', 'da', true, false, false, :at)"
                ),
                {"at": datetime(2024, 5, 1)},
            )
            rows = [
                ("workshop.vote_add", 7, {"workshop_id": 3, "participant_id": 11, "dots": 2}),
                ("workshop.vote_remove", None, {"workshop_id": 3, "participant_id": 12, "dots": 0}),
                ("workshop.card_add", 7, {"workshop_id": 3, "participant_id": 11, "text": "Idé"}),
            ]
            for action, user_id, after in rows:
                connection.execute(
                    sa.insert(audit).values(
                        action=action,
                        entity_type="workshop_card",
                        entity_id=5,
                        user_id=user_id,
                        ip_address="192.0.2.7",
                        after=after,
                        created_at=datetime(2024, 5, 1, 10, 0),
                    )
                )
        upgrade(revision=REVISION)
        with db.engine.connect() as connection:
            stored = connection.execute(
                sa.select(audit.c.action, audit.c.user_id, audit.c.ip_address, audit.c.after).order_by(
                    audit.c.id
                )
            ).all()
        assert [tuple(row) for row in stored] == [
            ("workshop.vote_add", None, None, {"workshop_id": 3, "change": 1}),
            ("workshop.vote_remove", None, None, {"workshop_id": 3, "change": -1}),
            ("workshop.card_add", 7, "192.0.2.7", {"workshop_id": 3, "participant_id": 11, "text": "Idé"}),
        ]
