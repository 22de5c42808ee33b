"""The public column against axe-core's WCAG 2.1 A and AA rules (GB/T 37668-2019, the
national standard for accessible websites, follows WCAG 2.0/2.1): no serious or
critical violation on any public page, at phone and at desktop width (issue 15: 84
serious violations on 12 public pages at phone width).

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
