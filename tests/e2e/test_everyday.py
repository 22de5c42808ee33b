"""Browser checks of issue 15's everyday defects: no Content-Security-Policy violation on
the pages people open (htmx used to inject an inline <style>), the favicon, the way from
the sign-in page to the public column, the unread count on a phone."""
import re

import pytest
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.e2e

# Records every CSP violation the page reports, from the first script on.
LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture
def column(e2e_demo, settings):
    from etown.demo import public as demo

    settings.PUBLIC_FORM_MIN_SECONDS = 0
    demo.seed_public()
    return True


def watch(page):
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    return console


def violations(page, console):
    return page.evaluate("window.__csp || []") + console


def test_it_opens_pages_without_csp_violations(page, column):
    from etown.models import County, ETown

    console = watch(page)
    county = County.objects.get(name="临猗县")
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    public_pages = ["/accounts/login/", "/public/", f"/public/county/{county.pk}/", f"/public/etown/{etown.pk}/",
                    f"/public/county/{county.pk}/notices/"]
    for url in public_pages:
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
        assert violations(page, console) == [], url
    login(page, "office")
    for url in ["/", "/etowns/", f"/etowns/{etown.pk}/", "/supervision/rectifications/", "/notifications/",
                "/notices/"]:
        page.goto(page.base_url + url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof htmx") == "object", url  # htmx loaded, and still no inline style
        assert violations(page, console) == [], url
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    # the listener does catch a violation: an inline <style> is refused and reported
    page.evaluate("document.head.appendChild(Object.assign(document.createElement('style'), {textContent: 'p {}'}))")
    page.wait_for_function("window.__csp.length > 0")


def test_it_serves_the_favicon_and_leads_from_sign_in_to_the_public_column(page, column):
    response = page.request.get(page.base_url + "/favicon.ico")
    assert response.ok and response.headers["content-type"] == "image/x-icon"
    page.goto(page.base_url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_test_id("login-public-link").click()
    expect(page.locator("h1, .public-brand").first).to_be_visible()
    assert "/public/" in page.url


def test_it_shows_the_unread_count_on_a_phone_without_opening_the_menu(phone_page, e2e_demo):
    from django.contrib.auth import get_user_model

    from etown.notifications import notify

    notify(users=[get_user_model().objects.get(username="office")], title="待审核月报", email=False)
    login(phone_page, "office")
    bell = phone_page.get_by_test_id("notification-bell-phone")
    expect(bell).to_be_visible()
    expect(bell).to_contain_text("1")
    expect(phone_page.get_by_test_id("notification-bell")).to_be_hidden()  # inside the collapsed menu


def test_it_scrolls_a_phone_to_the_summary_of_errors(phone_page, e2e_demo):
    login(phone_page, "office")
    phone_page.goto(phone_page.base_url + "/etowns/new/")
    phone_page.evaluate("document.querySelector('form[method=post] #id_name').closest('form').noValidate = true")
    phone_page.locator("#id_name").fill("")
    phone_page.locator("form[method=post] button[type=submit]").last.click()
    summary = phone_page.get_by_test_id("error-summary")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    summary.locator("a").first.click()
    expect(phone_page.locator(":focus")).to_have_attribute("name", re.compile(".+"))
