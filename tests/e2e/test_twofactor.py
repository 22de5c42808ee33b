"""Browser test of the second factor (issue 14): the office head, on first sign-in with
TWO_FACTOR_REQUIRED on, is sent to the enrolment page, binds an authenticator with a
code, sees the recovery codes, and on the next sign-in passes the verification step
with a fresh code."""
import pytest
from django_otp.oath import TOTP

from .conftest import ARTIFACTS, login, logout

pytestmark = pytest.mark.e2e


def _code(user, ahead=0):
    """The authenticator's code; ``ahead`` steps later (a code is accepted once, and the
    device tolerates one step of clock drift, so the second sign-in uses the next one)."""
    import time

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user__username=user).order_by("-pk").first()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead * device.step
    return f"{totp.token():06d}"


def test_it_enrols_an_office_head_and_signs_in_with_a_code(page, e2e_demo, settings):
    settings.TWO_FACTOR_REQUIRED = True
    login(page, "office")
    page.wait_for_url("**/accounts/2fa/setup/**")
    assert page.get_by_test_id("twofactor-qr").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "twofactor_setup.png"), full_page=True)
    page.fill("#id_token", _code("office"))
    page.get_by_test_id("twofactor-confirm").click()
    page.get_by_test_id("recovery-codes").wait_for()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    assert codes.count() == 10
    page.screenshot(path=str(ARTIFACTS / "twofactor_codes.png"), full_page=True)
    page.get_by_role("link", name="我已保存，进入工作台").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.get_by_test_id("twofactor-link").count() == 1
    logout(page)

    login(page, "office")
    page.wait_for_url("**/accounts/2fa/verify/**")
    page.fill("#id_token", _code("office", ahead=1))
    page.get_by_test_id("twofactor-verify").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.get_by_test_id("user-label").is_visible()
