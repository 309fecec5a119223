import pytest
@pytest.mark.e2e
def test_csp_detected(page, page_problems):
    page.goto("/login")
    try:
        page.add_script_tag(content="window.x = 1")
    except Exception as e:
        print("\nEXC", type(e).__name__, str(e)[:200])
    page.wait_for_timeout(300)
    print("\nPROBLEMS", page_problems.messages)
    page_problems.messages.clear()
