"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Playwright's sync API runs an event loop in the test's thread, so the ORM would raise
SynchronousOnlyOperation; allowed here only (DESIGN.md, known pitfalls).
"""
import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: run scripts/setup.sh --test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    context.set_default_timeout(15000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


def login(page, username, password="demo12345"):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def e2e_demo(transactional_db, settings):
    """The demo county in a transactional database (the live server's thread sees it),
    with the demo password hashed fast."""
    from etown.management.commands.seed_demo import seed

    from ..conftest import ensure_calendar

    seed(with_apps=False)
    ensure_calendar()
    return True


def logout(page):
    """Sign out through the user menu of the top bar."""
    page.get_by_test_id("user-label").click()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/**")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submitted_prepayment(amount, etown_name="临猗新城涑水e镇"):
    """A prepayment of the demo e-town, with its materials, submitted by the contractor
    through the services. Returns (request, {username: user})."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from etown.models import ETown
    from funds import services
    from funds.models import MaterialKind

    users = {u.username: u for u in get_user_model().objects.all()}
    etown = ETown.objects.get(name=etown_name)
    materials = [(k, SimpleUploadedFile(f"{k}.pdf", PDF, content_type="application/pdf"))
                 for k in (MaterialKind.APPLICATION_FORM, MaterialKind.CONTRACT)]
    request = services.disbursement_create(
        contract=etown.contracts.get(), kind="prepayment", amount=Decimal(amount), purpose="预付款",
        tasks=list(etown.tasks.all()[:1]), by=users["contractor"], materials=materials,
    )
    services.disbursement_submit(request=request, by=users["contractor"])
    return request, users
