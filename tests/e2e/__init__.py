"""Browser tests: Playwright for Python driving Debian's Chromium against a live server.

Helpers shared by the browser tests live here; the fixtures are in conftest.py.
"""

import json
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "e2e-correct-horse-battery"
BLOCKING_IMPACTS = ("serious", "critical")

# Accessible names in both UI languages (the Danish catalogue may not be filled in yet).
EMAIL_LABEL = re.compile(r"^\s*E-?mail(adresse)?\s*$", re.IGNORECASE)
PASSWORD_LABEL = re.compile(r"^\s*(Password|Adgangskode)\s*$", re.IGNORECASE)
LOG_IN_BUTTON = re.compile(r"^\s*(Log in|Log ind)\s*$", re.IGNORECASE)
LOG_OUT_BUTTON = re.compile(r"^\s*(Log out|Log ud)\s*$", re.IGNORECASE)

# The organisation's pages, each opened as the member who sees all of its controls (the admin; the editor
# for "my action plans"): name -> (role, endpoint, the URL values taken from the world).
WORKSPACE_PAGES: dict[str, tuple[str, str, Callable]] = {
    "home": ("admin", "strategies.home", lambda w: {}),
    "home-with-archived": ("admin", "strategies.home", lambda w: {"archived": 1}),
    "strategy": ("admin", "strategies.strategy", lambda w: {"strategy_id": w.strategy_id}),
    "strategy-with-archived": (
        "admin",
        "strategies.strategy",
        lambda w: {"strategy_id": w.strategy_id, "archived": 1},
    ),
    "new-strategy": ("admin", "strategies.new_strategy", lambda w: {}),
    "edit-strategy": ("admin", "strategies.edit_strategy", lambda w: {"strategy_id": w.strategy_id}),
    "confirm-publish": ("admin", "strategies.confirm_publish", lambda w: {"strategy_id": w.strategy_id}),
    "goal": ("admin", "goals.goal", lambda w: {"goal_id": w.goal_id}),
    "new-goal": ("admin", "goals.new_goal", lambda w: {"strategy_id": w.strategy_id}),
    "edit-goal": ("admin", "goals.edit_goal", lambda w: {"goal_id": w.goal_id}),
    "departments": ("admin", "departments.departments", lambda w: {}),
    "new-inquiry": ("editor", "inquiries.new", lambda w: {}),
    "contact-map": ("editor", "inquiries.contact_map", lambda w: {}),
    "meetings": ("editor", "inquiries.meetings", lambda w: {}),
    "new-meeting": ("editor", "inquiries.new_meeting", lambda w: {}),
    "edit-meeting": ("editor", "inquiries.edit_meeting", lambda w: {"meeting_id": w.meeting_id}),
    "departments-with-archived": ("admin", "departments.departments", lambda w: {"archived": 1}),
    "edit-department": ("admin", "departments.edit_department", lambda w: {"department_id": w.department_id}),
    "kpi": ("admin", "kpis.kpi", lambda w: {"kpi_id": w.kpi_id}),
    "import-inquiries": ("admin", "imports.inquiries", lambda w: {}),
    "new-kpi": ("admin", "kpis.new_kpi", lambda w: {"goal_id": w.goal_id}),
    "edit-kpi": ("admin", "kpis.edit_kpi", lambda w: {"kpi_id": w.kpi_id}),
    "edit-measurement": (
        "admin",
        "kpis.edit_measurement",
        lambda w: {"kpi_id": w.kpi_id, "measurement_id": w.measurement_id},
    ),
    "delete-measurement": (
        "admin",
        "kpis.delete_measurement",
        lambda w: {"measurement_id": w.measurement_id},
    ),
    "delete-target": ("admin", "kpis.delete_target", lambda w: {"target_id": w.target_id}),
    "action-plan": ("admin", "action_plans.action_plan", lambda w: {"action_plan_id": w.plan_id}),
    "action-plan-as-editor": ("editor", "action_plans.action_plan", lambda w: {"action_plan_id": w.plan_id}),
    "new-action-plan": ("admin", "action_plans.new_action_plan", lambda w: {"goal_id": w.goal_id}),
    "edit-action-plan": ("admin", "action_plans.edit_action_plan", lambda w: {"action_plan_id": w.plan_id}),
    "mine": ("editor", "mine.mine", lambda w: {}),
    "action-plan-list": ("admin", "lists.action_plans", lambda w: {}),
    "action-plan-list-filtered": (
        "admin",
        "lists.action_plans",
        lambda w: {"department": w.department_id, "status": "open", "q": "a", "sort": "status"},
    ),
    "kpi-list": ("admin", "lists.kpis", lambda w: {}),
    "department-page": ("admin", "lists.department", lambda w: {"department_id": w.department_id}),
    "search": ("admin", "search.search", lambda w: {"q": w.department_name}),
    "audit-log": ("admin", "audit.audit_log", lambda w: {}),
    "audit-log-filtered": (
        "admin",
        "audit.audit_log",
        lambda w: {"entity_type": "action_plan", "entity_id": w.plan_id},
    ),
    "strategy-dashboard": (
        "admin",
        "dashboards.strategy_dashboard",
        lambda w: {"strategy_id": w.strategy_id},
    ),
    "strategy-timeline": ("admin", "dashboards.strategy_timeline", lambda w: {"strategy_id": w.strategy_id}),
    "strategy-report": ("admin", "reports.strategy_report", lambda w: {"strategy_id": w.strategy_id}),
    "report-snapshots": ("facilitator", "reports.snapshots", lambda w: {"strategy_id": w.strategy_id}),
    "report-snapshot": ("viewer", "reports.snapshot", lambda w: {"snapshot_id": w.snapshot_id}),
    "report-snapshot-changes": (
        "viewer",
        "reports.snapshot_changes",
        lambda w: {"snapshot_id": w.snapshot_id},
    ),
    "kpi-peers-without-survey": ("admin", "dashboards.kpi_peers", lambda w: {"kpi_id": w.kpi_id}),
    "members": ("admin", "members.index", lambda w: {}),
    "settings": ("admin", "privacy.organisation_settings", lambda w: {}),
    "exports": ("admin", "exports.index", lambda w: {}),
    "exports-of-a-strategy": ("admin", "exports.index", lambda w: {"strategy_id": w.strategy_id}),
    "imports": ("admin", "imports.index", lambda w: {}),
    "import-measurements": ("admin", "imports.measurements", lambda w: {}),
    "import-action-plans": ("admin", "imports.action_plans", lambda w: {}),
    "inquiries": ("admin", "inquiries.index", lambda w: {}),
    "inquiries-filtered": (
        "admin",
        "inquiries.index",
        lambda w: {"department": w.department_id, "handler": w.user_ids["editor"], "start": "2026-01-01"},
    ),
    "inquiry-desk": ("admin", "inquiries.desk", lambda w: {}),
    "edit-inquiry": ("admin", "inquiries.edit", lambda w: {"inquiry_id": w.inquiry_id}),
    "update-rounds": ("admin", "reminders.rounds", lambda w: {"strategy_id": w.strategy_id}),
    "update-round": ("admin", "reminders.round", lambda w: {"round_id": w.round_id}),
    "sending-log": ("admin", "reminders.sending_log", lambda w: {}),
    "workshops": ("admin", "workshops.index", lambda w: {}),
    "new-workshop": ("admin", "workshops.new", lambda w: {}),
    "workshop-board": ("admin", "workshops.board", lambda w: {"workshop_id": w.workshop_id}),
    "edit-workshop": ("admin", "workshops.edit", lambda w: {"workshop_id": w.workshop_id}),
    "workshop-projector": ("admin", "workshops.projector", lambda w: {"workshop_id": w.workshop_id}),
    "workshop-minutes": ("admin", "workshops.minutes", lambda w: {"workshop_id": w.workshop_id}),
    **{
        f"convert-card-to-{kind}": (
            "admin",
            "workshops.convert_card",
            lambda w, kind=kind: {"workshop_id": w.workshop_id, "card_id": w.card_id, "kind": kind},
        )
        for kind in ("goal", "action_plan", "kpi")
    },
}


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in through the form, finding its fields by their labels."""
    page.goto("/login")
    page.get_by_label(EMAIL_LABEL).fill(email)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_role("button", name=LOG_IN_BUTTON).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def html_lang(page: Page) -> str | None:
    return page.locator("html").get_attribute("lang")


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core on the current page (the page's context must bypass the CSP to inject it)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
    )


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:160]}")
            if summary:
                lines.append(f"      {summary[:300]}")
            related = [
                json.dumps(r["target"])
                for check in node.get("any", [])
                for r in check.get("relatedNodes", [])
            ]
            if related:
                lines.append(f"      related: {', '.join(related[:3])}")
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more elements")
    return "\n".join(lines)


def assert_accessible(page: Page, what: str) -> list[dict]:
    """No serious or critical axe violation on the page; returns the lesser ones (moderate, minor)."""
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"axe-core found serious/critical accessibility violations on {what} ({page.url}):\n"
        + describe_violations(blocking)
    )
    lesser = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if lesser:
        print(f"axe-core, lesser violations on {what} ({page.url}):\n{describe_violations(lesser)}")
    return lesser
