"""Browser test of the idle sign-out warning (issue 14: "a warning before the idle logout
so a half-filled form is not lost"; 等保 2.0 三级 身份鉴别 c 登录超时自动退出). The idle
timeout is shortened to 12 s through ``SESSION_COOKIE_AGE`` (base.html hands it to
static/js/etown/session.js as ``data-session-idle``), so the warning shows 2 s before the
end; 继续 posts to the ping endpoint, and the session outlives its first expiry."""
import time

import pytest

from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e

IDLE = 12  # seconds; session.js warns min(300, IDLE // 6) = 2 s before the end


def test_it_warns_before_the_idle_sign_out_and_continue_keeps_the_session(page, e2e_demo, settings):
    settings.SESSION_COOKIE_AGE = IDLE
    login(page, "office")
    page.goto(page.base_url + "/")
    loaded = time.monotonic()
    assert page.locator("body").get_attribute("data-session-idle") == str(IDLE)
    warning = page.get_by_test_id("session-warning")
    warning.wait_for(state="visible", timeout=(IDLE + 3) * 1000)
    assert "后将自动退出登录，未提交的内容会丢失" in warning.inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "session-warning.png"))
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/ping/")) as pinged:
        warning.get_by_role("button", name="继续").click()
    assert pinged.value.status == 200 and pinged.value.request.method == "POST"
    warning.wait_for(state="detached")
    # Past the first expiry (IDLE s after the page load), the session is still alive.
    time.sleep(max(0, IDLE + 2 - (time.monotonic() - loaded)))
    response = page.goto(page.base_url + "/etowns/")
    assert "/accounts/login/" not in page.url and response.status == 200


def test_it_signs_out_an_idle_page_that_nobody_continues(page, e2e_demo, settings):
    """The control: without 继续 the same session is gone after IDLE s, and the page's
    script reloads onto the sign-in page."""
    settings.SESSION_COOKIE_AGE = IDLE
    login(page, "office")
    page.goto(page.base_url + "/etowns/")
    page.get_by_test_id("session-warning").wait_for(state="visible", timeout=(IDLE + 3) * 1000)
    page.wait_for_url("**/accounts/login/**", timeout=(IDLE + 8) * 1000)
