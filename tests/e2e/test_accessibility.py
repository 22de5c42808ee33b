"""The public column against axe-core's WCAG 2.1 A and AA rules (GB/T 37668-2019, the
national standard for accessible websites, follows WCAG 2.0/2.1): no serious or
critical violation on any public page, at phone and at desktop width (issue 15: 84
serious violations on 12 public pages at phone width); and the internal pages people
use every day, as the office and as a contractor (issue 15 scope: "the internal pages
people use daily too").

axe-core is vendored in tests/e2e/vendor/axe-core (npm pack axe-core@4.10.3, MPL-2.0):
a clean checkout has it, no CDN or network at test time. It is injected with
Playwright's ``add_script_tag(path=...)``, which the pages' CSP (script-src 'self') would
refuse: the context bypasses the CSP for the test driver only (test_everyday.py checks
the CSP itself).
"""
from pathlib import Path

import pytest

from .conftest import ARTIFACTS

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def column(e2e_demo, settings):
    from etown.demo import public as demo

    settings.PUBLIC_FORM_MIN_SECONDS = 0
    demo.seed_public()
    return True


def public_urls():
    from etown.models import County, ETown, Notice

    county = County.objects.get(name="临猗县")
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    urls = [
        "/public/", f"/public/county/{county.pk}/", f"/public/county/{county.pk}/notices/",
        f"/public/county/{county.pk}/replies/", f"/public/county/{county.pk}/window/opinion/",
        f"/public/county/{county.pk}/window/report/", f"/public/etown/{etown.pk}/", "/public/track/",
        "/accounts/login/",
    ]
    for notice in Notice.objects.filter(county=county).order_by("pk")[:3]:  # a draft answers 404: skipped
        urls.append(f"/public/notice/{notice.pk}/")
    return urls


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' [' + ((n.any[0] || n.all[0] || {}).data ? JSON.stringify([(n.any[0]||{}).data.fgColor, (n.any[0]||{}).data.bgColor]) : '') + ']').join(' | '))",
        TAGS,
    )
    return result


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_it_has_no_serious_accessibility_violations_on_public_pages(browser, live_server, column, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    found = {}
    try:
        for url in public_urls():
            response = page.goto(live_server.url + url)
            if response.status == 404 and "/notice/" in url:
                continue  # a draft notice is not public
            assert response.ok, url
            violations = serious_violations(page)
            if violations:
                found[url] = violations
            assert page.title().strip(), url
            assert page.evaluate("document.documentElement.lang"), url
    finally:
        context.close()
    if found:  # the whole list, for whoever fixes it
        import json

        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe-{width}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))
    assert found == {}


@pytest.fixture
def daily(e2e_demo):
    """One record of each daily page: a monthly report in draft, a rectification item
    with evidence, a disbursement request, so the detail and form pages exist."""
    import datetime
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    from etown.models import ETown
    from supervision.services.rectification import rectification_create
    from supervision.services.reports import monthly_report_create
    from tests.funds.helpers import new_request

    User = get_user_model()
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    demo = SimpleNamespace(etown=etown, contract=etown.contracts.get(), contractor=User.objects.get(username="contractor"))
    today = datetime.date.today()
    report = monthly_report_create(etown=etown, period=(today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1),
                                   by=demo.contractor)
    item = rectification_create(etown=etown, source="inspection", problem="服务中心门头破损", measures="更换门头",
                                units="承办企业", persons="", deadline=today + datetime.timedelta(days=30),
                                by=User.objects.get(username="office"))
    request = new_request(demo)
    return SimpleNamespace(etown=etown, report=report, item=item, request=request)


def internal_urls(daily, role):
    e = daily.etown.pk
    urls = ["/", f"/etowns/{e}/", "/supervision/rectifications/", f"/supervision/rectifications/{daily.item.pk}/",
            "/funds/requests/", f"/funds/requests/{daily.request.pk}/", "/acceptance/",
            f"/supervision/reports/{daily.report.pk}/"]
    if role == "office":
        urls += ["/supervision/reports/"]
    else:
        urls += ["/supervision/reports/mine/", f"/supervision/reports/{daily.report.pk}/edit/"]
    return urls


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
@pytest.mark.parametrize("role", ["office", "contractor"])
def test_it_has_no_serious_accessibility_violations_on_daily_pages(browser, live_server, daily, role, width, height):
    from .conftest import login

    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.base_url = live_server.url
    found = {}
    try:
        login(page, role)
        for url in internal_urls(daily, role):
            response = page.goto(live_server.url + url)
            assert response.ok, url
            violations = serious_violations(page)
            if violations:
                found[url] = violations
    finally:
        context.close()
    if found:
        import json

        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"axe-internal-{role}-{width}.json").write_text(json.dumps(found, ensure_ascii=False, indent=1))
    assert found == {}
