"""The proposal to terminate a contract (关于终止合同的请示, an internal 上行文 of the office
to the county government, 004 附件4 第二条) is for government eyes only, on every path
(issue 14 finding 3): a crawl of every page and export the contractor and the agency can
reach, from the dashboard and the e-town page, finds neither the 请示 nor its number."""
import datetime
import io
import re
import zipfile
from collections import deque

import pytest
from django.utils import timezone

from supervision.models import SupervisionLetter
from supervision.services.letters import letter_draft, letter_issue, letter_update
from supervision.services.rectification import rectification_create

pytestmark = pytest.mark.django_db
K = SupervisionLetter.Kind
TODAY = timezone.localdate()
D = datetime.timedelta
SKIP = ("/accounts/logout", "/admin", "/static", "/public", "/column", "/notifications/read")
LINK = re.compile(r'href="(/[^"#]*)"')


def _issue(demo, items, kind, today, deadline=None):
    draft = letter_draft(etown=demo.etown, kind=kind, items=items, by=demo.office, today=today)
    if kind != K.TERMINATION:
        draft = letter_update(letter=draft, by=demo.office, today=today, deadline=deadline)
    letter = letter_issue(letter=draft, by=demo.office, today=today)
    letter.refresh_from_db()
    return letter


@pytest.fixture
def proposal(demo):
    item = rectification_create(etown=demo.etown, source="inspection", problem="物流仓储配送中心改造进度滞后",
                                measures="倒排工期", units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"],
                                deadline=TODAY - D(days=40), by=demo.office)
    _issue(demo, [item], K.FIRST, TODAY - D(days=30), deadline=TODAY - D(days=20))
    _issue(demo, [item], K.SECOND, TODAY - D(days=15), deadline=TODAY - D(days=5))
    return _issue(demo, [item], K.TERMINATION, TODAY)


def _text(response):
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    if "html" in kind or "csv" in kind or "json" in kind or "text" in kind:
        return body.decode("utf-8", "replace")
    return ""


def crawl(client, starts, limit=250):
    seen, queue, texts = set(), deque(starts), {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen or url.startswith(SKIP):
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code != 200:
            continue
        text = _text(r)
        texts[url] = text
        for link in LINK.findall(text):
            link = link.replace("&amp;", "&")
            if link not in seen:
                queue.append(link)
    return texts


@pytest.mark.parametrize("who", ["contractor", "agency"])
def test_it_keeps_the_termination_proposal_from_the_contractor_and_the_agency(demo, client_for, proposal, who):
    starts = ["/", f"/etowns/{demo.etown.pk}/", f"/supervision/etowns/{demo.etown.pk}/rectifications/?format=xlsx",
              "/supervision/rectifications/?format=xlsx"]
    texts = crawl(client_for(getattr(demo, who)), starts)
    assert len(texts) > 15  # the crawl reached the pages (e-town, ledger, letters, items …)
    assert any(url.endswith("format=xlsx") for url in texts)
    # The 请示's number and title, its 请 series; and in an export, the rung's name in the
    # item's 督办层级 cell (pages may name the ladder's rungs in general).
    markers = (proposal.number, proposal.title, "办请〔")
    for url, text in texts.items():
        for marker in markers + (("报请终止合同",) if "format=xlsx" in url else ()):
            assert marker not in text, (url, marker)


def test_it_shows_the_proposal_to_the_office(demo, client_for, proposal):
    texts = crawl(client_for(demo.office), [f"/etowns/{demo.etown.pk}/"], limit=60)
    assert any(proposal.number in t for t in texts.values())
