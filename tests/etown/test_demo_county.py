"""The demo county is alive (issue 15, "done when": a newcomer who runs ``make run`` and
signs in as each demo user finds every module populated).

For every demo persona the list pages are found, not listed by hand: the hub's
navigation entries the persona sees (``hub.nav_for``), then every list page those pages
link to (a URL without arguments whose name says it is a list), then the list pages of
the persona's first e-town that its page links to. Each must answer 200 and show at
least one data row (a table body row or a list item that is not the empty-state
message). The anonymous visitor walks the public column the same way from its index.
"""
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from lxml import html as lxml_html

from etown.hub import hub

pytestmark = pytest.mark.django_db

PERSONAS = ("office", "finance", "treasury", "leader", "agency", "contractor", "contractor2", "auditor", "province",
            "city")
# A list page by its URL name: …_list, …_queue, …_mine, funds:home, column_manage, change_trail
# (argument-less), and an e-town's own lists (etown_inspections, funds:ledger …).
LIST_NAME = re.compile(r"(_list|_queue|_mine|:home|_manage|_trail)$")
ETOWN_LIST_NAME = re.compile(r"^(etown_(inspections|rectifications|letters)|funds:(ledger|assets|etown))$")
# 我的导出 lists the files a user exported: empty until that user exports something.
PERSONAL = {"job_list"}
# Pages in the navigation that are dashboards (figures, not rows): they must answer 200.
DASHBOARDS = {"dashboard", "county_dashboard", "regional_dashboard"}
NOT_A_LIST = re.compile(r"\b(nav|pagination|breadcrumb|dropdown-menu)\b")
PUBLIC_LIST_NAME = re.compile(r"^public_(index|county|notices|replies|etown)$")


def data_rows(content):
    """Rows of data on a page: <tbody><tr>, list items and cards, without the empty-state ones
    (the templates mark those ``text-muted``: “暂无…”, “没有…”)."""
    doc = lxml_html.fromstring(content)
    main = doc.find(".//main") if doc.find(".//main") is not None else doc
    rows = []
    for tr in main.iterfind(".//tbody/tr"):
        cells = tr.findall("td")
        if len(cells) == 1 and "text-muted" in (cells[0].get("class") or ""):
            continue
        rows.append(tr)
    for li in main.xpath(".//*[contains(concat(' ', normalize-space(@class), ' '), ' list-group-item ')] | .//ul/li"):
        if "text-muted" in (li.get("class") or "") or li.xpath("ancestor::nav"):
            continue
        parent = li.getparent()
        if parent is not None and NOT_A_LIST.search(parent.get("class") or ""):
            continue  # tabs, pagination, breadcrumbs, menus
        rows.append(li)
    rows.extend(main.iterfind(".//article"))  # the public column's answers are cards
    return rows


def links(content):
    doc = lxml_html.fromstring(content)
    for href in doc.xpath("//a/@href"):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        try:
            match = resolve(parts.path)
        except Resolver404:
            continue
        yield parts.path, match


@pytest.fixture
def demo_county(settings):
    from etown.management.commands.seed_demo import seed
    from tests.conftest import ensure_calendar

    ensure_calendar()
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    seed()


def check_page(client, path, problems, who, *, rows=True, follow=False):
    response = client.get(path, follow=follow)
    if response.status_code != 200:
        problems.append(f"{who}: {path} answered {response.status_code}")
        return None
    content = response.content.decode()
    if rows and not data_rows(content):
        problems.append(f"{who}: {path} has no data row")
    return content


def persona_pages(client, user):
    """(path, is_dashboard) of the list pages ``user`` reaches from the navigation."""
    pages = {}
    for item in hub.nav_for(user):
        pages[reverse(item.url_name)] = item.url_name in DASHBOARDS
    for path, dashboard in list(pages.items()):
        response = client.get(path)
        if response.status_code != 200:
            continue
        for target, match in links(response.content.decode()):
            if not match.kwargs and LIST_NAME.search(match.view_name) and match.url_name not in PERSONAL:
                pages.setdefault(target, False)
    etowns = client.get(reverse("etown_list"))
    first = next((p for p, m in links(etowns.content.decode()) if m.view_name == "etown_detail"), None)
    if first:
        detail = client.get(first)
        for target, match in links(detail.content.decode()):
            if set(match.kwargs) == {"pk"} and ETOWN_LIST_NAME.match(match.view_name):
                pages.setdefault(target, False)
    return pages


def test_it_shows_rows_on_every_list_page_of_every_demo_persona(demo_county):
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=PERSONAS)}
    assert set(users) == set(PERSONAS)
    problems, seen = [], {}
    for username in PERSONAS:
        client = Client()
        client.force_login(users[username])
        pages = persona_pages(client, users[username])
        seen[username] = sorted(pages)
        for path, dashboard in sorted(pages.items()):
            check_page(client, path, problems, username, rows=not dashboard)
    # Every persona reaches more than the dashboard; the walk itself is checked too.
    assert all(len(paths) >= 3 for paths in seen.values()), seen
    assert not problems, "\n".join(problems)


def test_it_shows_rows_on_every_public_list_page_to_an_anonymous_visitor(demo_county):
    client = Client()
    index = reverse("public_index")
    problems = []
    # One county with a published column: the index leads straight to it.
    content = check_page(client, index, problems, "anonymous", follow=True)
    assert content is not None, problems
    pages = set()
    for path, match in links(content):
        if PUBLIC_LIST_NAME.match(match.url_name or ""):
            pages.add(path)
    for path in sorted(pages):
        page = check_page(client, path, problems, "anonymous")
        for target, match in links(page or "<html></html>"):
            if match.url_name in ("public_notices", "public_replies"):
                pages.add(target)
    for path in sorted(pages):
        check_page(client, path, problems, "anonymous")
    assert any(resolve(p).url_name == "public_replies" for p in pages), pages
    assert not problems, "\n".join(problems)


def test_it_seeds_every_module_at_different_stages_through_the_services_once(demo_county):
    """What the newcomer meets (issue 15 scope), and a second run adds nothing."""
    from acceptance.models import AcceptanceApplication, Evaluation, ResultStage
    from etown.models import Notice, PublicSubmission
    from etown.management.commands.seed_demo import seed
    from funds.models import ChangeKind, ChangeRequest, ChangeStatus, Clawback, DisbursementRequest, RequestStatus
    from supervision.models import Inspection, Interview, MonthlyReport, Rectification, SupervisionLetter
    from supervision.selectors.inspections import due_rows
    from etown.models import ETown
    from django.utils import timezone

    today = timezone.localdate()
    # A province evaluation with a 17-problem feedback list (DESIGN.md: a real county's list),
    # deadlines within days of each other, items at different stages.
    evaluation = Evaluation.objects.get(evaluator_kind=Evaluation.Evaluator.PROVINCE)
    items = Rectification.objects.filter(source=Rectification.Source.EVALUATION, source_id=evaluation.pk)
    assert items.count() == 17
    deadlines = sorted(items.values_list("deadline", flat=True))
    assert (deadlines[-1] - deadlines[0]).days <= 7
    assert {"open", "in_progress", "submitted", "closed"} <= set(items.values_list("status", flat=True))
    # Acceptance: one waiting for the group, one for the leading group, one counted.
    apps = AcceptanceApplication.objects.all()
    assert apps.filter(status=AcceptanceApplication.Status.SUBMITTED, kind="final").exists()
    assert apps.filter(status=AcceptanceApplication.Status.PASSED, result_stage=ResultStage.LEADER, kind="stage").exists()
    assert apps.filter(result_stage=ResultStage.COUNTED).exists()
    # Letters issued with their PDFs; a ladder at its second rung, with the 约谈 it prompts.
    issued = SupervisionLetter.objects.filter(status=SupervisionLetter.Status.ISSUED)
    assert issued.count() >= 3 and all(letter.pdf_id for letter in issued)
    assert issued.filter(kind=SupervisionLetter.Kind.SECOND).exists()
    assert Rectification.objects.filter(escalation_level=2).exists() and Interview.objects.exists()
    assert Rectification.objects.filter(status=Rectification.Status.SENT_BACK).exists()
    # A clawback confirmed from the proposal the failed verification made.
    assert Clawback.objects.filter(proposal__isnull=False).exists()
    # Public windows with replies, notices current and past.
    subs = PublicSubmission.objects.all()
    assert subs.filter(kind="opinion", reply_published=True).exists() and subs.filter(kind="report").exclude(reply="").exists()
    assert subs.filter(status="new").exists()
    notices = Notice.objects.filter(is_published=True, withdrawn_at__isnull=True)
    assert any(n.is_running(today) for n in notices) and notices.filter(end_date__lt=today).exists()
    # Inspections done, due or missed; monthly reports in every state.
    assert Inspection.objects.count() >= 3
    states = {row.state for row in due_rows(ETown.objects.all(), today)}
    assert "done" in states and "overdue" in states
    assert set(MonthlyReport.Status.values) <= set(MonthlyReport.objects.values_list("status", flat=True))
    # Disbursement requests in several states, a change request and an approved extension.
    assert {RequestStatus.DISBURSED, RequestStatus.SUBMITTED, RequestStatus.DRAFT, RequestStatus.WITHDRAWN} <= set(
        DisbursementRequest.objects.values_list("status", flat=True))
    assert ChangeRequest.objects.filter(kind=ChangeKind.CHANGE, status=ChangeStatus.OFFICE_APPROVED).exists()
    extension = ChangeRequest.objects.get(kind=ChangeKind.EXTENSION, status=ChangeStatus.APPROVED)
    assert extension.contract.term_end == extension.new_term_end == extension.etown.planned_end

    def counts():
        return [m.objects.count() for m in (
            Evaluation, Rectification, AcceptanceApplication, SupervisionLetter, Inspection, Interview, MonthlyReport,
            Clawback, DisbursementRequest, ChangeRequest, PublicSubmission, Notice)]

    before = counts()
    assert seed() is False
    assert counts() == before
