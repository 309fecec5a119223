"""What a seed run did, per table, and the lines the command prints about it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _

TABLE_ORDER = (
    "organisation",
    "user_account",
    "membership",
    "department",
    "strategy",
    "goal",
    "kpi",
    "kpi_target",
    "measurement",
    "municipality",
    "survey_rank",
    "action_plan",
    "action_plan_update",
    "contact_map_entry",
    "inquiry",
    "outreach_meeting",
)


@dataclass
class SeedResult:
    """What a seed run did, per table (keys are table names)."""

    organisation_slug: str = ""
    demo_emails: list[str] = field(default_factory=list)
    created: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    # Existing rows whose values differ from the seed files; they are left as they are.
    differing: Counter[str] = field(default_factory=Counter)
    users_created: list[str] = field(default_factory=list)
    users_existing: list[str] = field(default_factory=list)
    password: str | None = None  # only set when generated here (shown once)
    password_from_env: bool = False
    login_url: str = "http://127.0.0.1:5000/login"

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    def _counts(self, counter: Counter[str]) -> str:
        return ", ".join(f"{table} {counter[table]}" for table in TABLE_ORDER if counter[table])

    def report_lines(self) -> list[str]:
        lines: list[str] = []
        slug = self.organisation_slug
        if self.total_created:
            lines.append(
                _(
                    "Seeded the Thisted case (%(slug)s): created %(count)s rows (%(tables)s).",
                    slug=slug,
                    count=self.total_created,
                    tables=self._counts(self.created),
                )
            )
        else:
            lines.append(_("The Thisted case (%(slug)s) is already seeded: nothing created.", slug=slug))
        if self.differing:
            lines.append(
                _(
                    "Left as they are: %(count)s existing rows differ from the seed files (%(tables)s).",
                    count=sum(self.differing.values()),
                    tables=self._counts(self.differing),
                )
            )
        if self.users_created:
            lines.append(_("Demo users created: %(users)s.", users=", ".join(self.users_created)))
            if self.password_from_env:
                lines.append(_("Their password is the value of DEMO_PASSWORD."))
            else:
                lines.append(
                    _(
                        "Their password (shown only now; set DEMO_PASSWORD to choose one): %(password)s",
                        password=self.password,
                    )
                )
        if self.users_existing:
            lines.append(
                _(
                    "Demo users already exist (passwords unchanged): %(users)s.",
                    users=", ".join(self.users_existing),
                )
            )
        lines.append(
            _(
                "Log in at %(url)s as one of: %(emails)s.",
                url=self.login_url,
                emails=", ".join(self.demo_emails),
            )
        )
        return lines
