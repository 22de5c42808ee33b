"""Issue 15: the e-town page is 13,500 px long on a phone; an in-page table of contents
stays at the top (sticky under the top bar) and each link jumps to its section. No
inline script or style (the CSP is strict): plain anchors and static CSS."""
import pytest

from .conftest import login

pytestmark = pytest.mark.e2e


def test_it_offers_a_sticky_table_of_contents_on_a_phone(phone_page, e2e_demo):
    from etown.models import ETown

    etown = ETown.objects.get(name="临猗新城涑水e镇")
    page = phone_page
    login(page, "office")
    page.goto(f"{page.base_url}/etowns/{etown.pk}/")
    toc = page.get_by_test_id("page-toc")
    assert toc.is_visible()
    links = toc.locator("a")
    assert links.count() >= 5
    target = toc.get_by_role("link", name="绩效目标")
    target.click()
    page.wait_for_function("location.hash === '#indicators'")
    settled = ("(sel) => { const t = document.querySelector(sel).getBoundingClientRect().top;"
               " return t < 400 || window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2; }")
    page.wait_for_function(settled, arg="#indicators")  # smooth scrolling takes a moment
    top = page.evaluate("document.querySelector('#indicators').getBoundingClientRect().top")
    toc_bottom = page.evaluate("document.querySelector('[data-testid=page-toc]').getBoundingClientRect().bottom")
    at_end = page.evaluate("window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2")
    assert toc_bottom <= top + 2  # not hidden under the sticky bars
    assert top < 400 or at_end  # at the top of the screen, or the page can scroll no further
    assert page.evaluate("window.scrollY") > 300
    assert toc.is_visible() and toc.bounding_box()["y"] < 120  # still there after the jump
    last = links.nth(links.count() - 1)
    href = last.get_attribute("href")
    last.click()
    page.wait_for_function(f"location.hash === '{href}'")
    page.wait_for_function(settled, arg=href)
    box = page.evaluate(f"document.querySelector('{href}').getBoundingClientRect().top")
    assert toc_bottom <= box + 2 and box < page.viewport_size["height"]
