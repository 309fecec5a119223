"""Every organisation page works under the app's real Content-Security-Policy (script-src 'self'):
no script error, no refused inline script or style, no missing stylesheet, script, image or font."""

import pytest
from playwright.sync_api import Page

from tests.e2e import WORKSPACE_PAGES, log_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("role", ["admin", "editor"])
def test_pages_load_cleanly_under_the_csp(page: Page, page_problems, shared_world, url_for, role):
    world = shared_world
    log_in(page, world.emails[role])
    failures = []
    for name, (page_role, endpoint, values) in WORKSPACE_PAGES.items():
        if page_role != role:
            continue
        path = url_for(endpoint, slug=world.slug, **values(world))
        response = page.goto(path)
        if response.status != 200:
            failures.append(f"{name}: {path} answered {response.status}")
        if page_problems.messages:
            failures.append(f"{name}: {path}: " + "; ".join(page_problems.messages))
            page_problems.messages.clear()
    assert not failures, "\n".join(failures)
