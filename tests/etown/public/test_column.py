"""The public column shows only what the office published (000 §5(2); 004 §9(4);
004 annex 2 art. 4: 向社会公开项目资金分配、使用情况和建设进度; 004 annex 3 art. 7).

The crawl follows every link of the demo county's column, without signing in, and
checks that nothing unpublished appears on any page or open-data file."""
import re
from collections import deque
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from etown import services
from etown.demo import public as public_demo
from etown.hub import Panel, hub
from etown.models import ETown, Notice, PublicDocument, PublicProfile, PublicSubmission

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/public/[^"#]*)"')


def crawl(client, start="/public/"):
    """Every /public/ URL reachable from ``start`` (GET only), with its body."""
    seen, queue, pages = set(), deque([start]), {}
    while queue:
        url = queue.popleft().replace("&amp;", "&")
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.get("Content-Type", "").startswith(("text/html", "application/json", "text/csv")):
            text = body.decode("utf-8")
            pages[url] = text
            queue.extend(u for u in LINK.findall(text) if u not in seen)
        else:
            pages[url] = ""
    return pages


def _secrets(demo):
    other = demo.other_etown
    draft_doc = PublicDocument.objects.get(title=public_demo.DRAFT_DOCUMENT)
    return [
        other.name,  # the unpublished e-town
        other.leading_industries,
        "（内部）专栏材料尚在整理",  # its draft summary
        *[t.title for t in other.tasks.all()],
        public_demo.DRAFT_DOCUMENT,  # a document never published
        f"/public/document/{draft_doc.pk}/",
        public_demo.DRAFT_NOTICE,  # a notice saved as draft
        "1,500,000.00",  # the draft notice's figure
    ]


def test_it_crawls_every_public_page_without_finding_anything_unpublished(column):
    # An opinion answered but not published, and one published with a reworded question.
    hidden, _ = services.submission_create(county=column.linyi, kind="opinion", subject="物流中心噪音",
                                           content="我的电话 13800000000，物流中心夜间噪音大。")
    services.submission_reply(submission=hidden, reply="已要求夜间停止装卸作业（未公开的答复）。", by=column.office)
    shown, _ = services.submission_create(county=column.linyi, kind="opinion", subject="培训报名方式",
                                          content="张三 13900000000 想报名电商培训。", etown=column.etown)
    services.submission_reply(submission=shown, reply="可在电商公共服务中心报名。", by=column.office, publish=True,
                              public_question="想报名电商培训，如何报名？")
    report, _ = services.submission_create(county=column.linyi, kind="report", subject="虚开发票问题",
                                           content="举报人李四 13700000000：某公司虚开发票。", name="李四",
                                           contact="13700000000")

    pages = crawl(Client())

    assert f"/public/etown/{column.etown.pk}/" in pages
    assert any(url.endswith("data.json") for url in pages) and any(url.endswith("data.csv") for url in pages)
    assert len(pages) >= 12, sorted(pages)
    secrets = _secrets(column) + [
        "物流中心噪音", "未公开的答复", "13800000000", "13900000000", "张三",  # unpublished reply; raw content
        "虚开发票问题", "李四", "13700000000",  # a report, never public
    ]
    for url, text in pages.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked on {url}"
    # What was published is there.
    everything = "".join(pages.values())
    assert "临猗新城涑水e镇实施方案" in everything
    assert "想报名电商培训，如何报名？" in everything and "可在电商公共服务中心报名。" in everything


def test_it_answers_404_for_unpublished_things_addressed_directly(column):
    client = Client()
    draft_doc = PublicDocument.objects.get(title=public_demo.DRAFT_DOCUMENT)
    draft_notice = Notice.objects.get(title=public_demo.DRAFT_NOTICE)
    for url in [
        reverse("public_etown", args=[column.other_etown.pk]),
        reverse("public_etown_json", args=[column.other_etown.pk]),
        reverse("public_etown_csv", args=[column.other_etown.pk]),
        reverse("public_etown", args=[column.anze_etown.pk]),  # no profile at all
        reverse("public_file", args=[draft_doc.pk]),
        reverse("public_notice", args=[draft_notice.pk]),
        "/public/etown/999999/",
    ]:
        assert client.get(url).status_code == 404, url


def test_it_hides_a_page_again_when_the_office_unpublishes_it(column):
    client = Client()
    url = reverse("public_etown", args=[column.etown.pk])
    assert client.get(url).status_code == 200
    services.profile_update(etown=column.etown, by=column.office, is_published=False, sections=["progress"])
    assert client.get(url).status_code == 404
    county_page = client.get(reverse("public_county", args=[column.linyi.pk])).content.decode()
    assert column.etown.name not in county_page.split("正在公示")[0]  # not in the e-town list


def test_it_shows_only_the_sections_the_office_ticked(column):
    client = Client()
    url = reverse("public_etown", args=[column.etown.pk])
    services.profile_update(etown=column.etown, by=column.office, is_published=True, sections=["progress"])
    page = client.get(url).content.decode()
    assert "建设进度" in page and "培育壮大电商市场主体" in page
    assert "绩效目标完成情况" not in page and "通讯服务网点" not in page
    data = client.get(reverse("public_etown_json", args=[column.etown.pk])).json()
    assert data["etowns"][0]["indicators"] is None
    assert "通讯服务网点" not in client.get(reverse("public_etown_csv", args=[column.etown.pk])).content.decode()

    services.profile_update(etown=column.etown, by=column.office, is_published=True, sections=["indicators"])
    page = client.get(url).content.decode()
    assert "通讯服务网点" in page and "培育壮大电商市场主体" not in page


def test_it_renders_a_public_panel_only_when_its_section_is_ticked(column, monkeypatch):
    panel = Panel("probe", "验收结果", "public/_panel.html",
                  lambda request, etown: {"rows": [("阶段验收", "通过（演示）")]})
    monkeypatch.setattr(hub, "public_panels", [panel])
    client = Client()
    url = reverse("public_etown", args=[column.etown.pk])
    services.profile_update(etown=column.etown, by=column.office, is_published=True, sections=["progress"])
    assert "通过（演示）" not in client.get(url).content.decode()
    services.profile_update(etown=column.etown, by=column.office, is_published=True, sections=["progress", "probe"])
    assert "通过（演示）" in client.get(url).content.decode()


def test_it_refuses_an_unknown_section(column):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.profile_update(etown=column.etown, by=column.office, is_published=True, sections=["salaries"])
    assert "未知的栏目" in str(error.value)


def test_it_serves_a_published_document_and_not_after_unpublishing(column):
    client = Client()
    document = PublicDocument.objects.get(title="临猗新城涑水e镇实施方案")
    response = client.get(reverse("public_file", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    services.document_unpublish(document=document, by=column.office, reason="替换为正式印发版本")
    assert client.get(reverse("public_file", args=[document.pk])).status_code == 404
    document.file.refresh_from_db()
    assert document.file.access == "government"  # and the signed-in download rules apply again


def test_it_shows_a_withdrawn_notice_with_its_reason_and_the_working_day_period(column):
    withdrawn = Notice.objects.get(withdrawn_at__isnull=False)
    page = Client().get(reverse("public_notice", args=[withdrawn.pk])).content.decode()
    assert "已撤回" in page and withdrawn.withdrawn_reason in page
    assert f"（{withdrawn.workdays}个工作日）" in page
    listing = Client().get(reverse("public_notices", args=[column.linyi.pk])).content.decode()
    assert withdrawn.withdrawn_reason in listing


def _add_etowns(demo, n, *, tasks=2, prefix="测试e镇"):
    """``n`` more published e-towns in 临猗县, each with ``tasks`` tasks and a notice."""
    from etown.services import notices

    for i in range(n):
        etown = services.etown_create(
            county=demo.linyi, by=demo.system, name=f"{prefix}{i:02d}", leading_industries="苹果",
            planned_investment=Decimal("1000000"),
        )
        for j in range(tasks):
            services.task_create(etown=etown, by=demo.system, category="logistics", title=f"任务{i}-{j}",
                                          budget=Decimal("1000"))
            services.indicator_create(etown=etown, by=demo.system, name=f"指标{i}-{j}", unit="个",
                                               target=Decimal("5"))
        services.profile_update(etown=etown, by=demo.office, is_published=True, sections=["progress", "indicators"])
        notices.notice_create(county=demo.linyi, etown=etown, title=f"公示{i}", body="正文",
                              start_date=etown.created_at.date(), by=demo.office)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("extra", [2, 29])
def test_it_renders_the_county_page_in_a_fixed_number_of_queries(column, django_assert_num_queries, extra):
    _add_etowns(column, extra)
    client = Client()
    # county; published e-towns with progress and indicators met (one query);
    # notices; documents; published replies
    with django_assert_num_queries(5):
        client.get(reverse("public_county", args=[column.linyi.pk]))


@pytest.mark.parametrize("tasks", [3, 30])
def test_it_renders_an_etown_page_in_a_fixed_number_of_queries(column, django_assert_num_queries, monkeypatch, tasks):
    monkeypatch.setattr(hub, "public_panels", [])
    for j in range(tasks):
        services.task_create(etown=column.etown, by=column.system, category="brand", title=f"新任务{j}")
    client = Client()
    # e-town with county and profile; notices; documents; tasks; indicators
    with django_assert_num_queries(5):
        client.get(reverse("public_etown", args=[column.etown.pk]))


def test_it_keeps_the_etown_page_query_count_with_the_apps_panels(column):
    """With every registered public panel (funds figures …), the count still does not
    grow with the rows."""
    client = Client()
    url = reverse("public_etown", args=[column.etown.pk])
    few = _count(client, url)
    for j in range(25):
        services.task_create(etown=column.etown, by=column.system, category="brand", title=f"新任务{j}")
    assert _count(client, url) == few


@pytest.mark.parametrize("extra", [3, 30])
def test_it_renders_the_open_data_in_a_fixed_number_of_queries(column, extra):
    client = Client()
    url = reverse("public_county_json", args=[column.linyi.pk])
    _add_etowns(column, 1, prefix="首批")
    base = _count(client, url)
    _add_etowns(column, extra, prefix="二批")
    # county; e-towns; their tasks; their indicators (prefetched); documents; notices;
    # published replies; the funds panel's figures and its disbursements, for every e-town
    # at once (issue 15, ``Panel.data_for``) — whatever the number of e-towns and rows.
    assert base == 9
    assert _count(client, url) == base


def test_it_lists_only_counties_with_a_published_etown(column):
    response = Client().get(reverse("public_index"))
    # One county has a published e-town: the index goes straight to it.
    assert response.status_code == 302 and response["Location"] == reverse("public_county", args=[column.linyi.pk])
    services.profile_update(etown=column.anze_etown, by=column.system, is_published=True, sections=[])
    page = Client().get(reverse("public_index")).content.decode()
    assert "临猗县" in page and "安泽县" in page and "高平市" not in page


def test_it_needs_no_sign_in_and_sets_no_store_only_for_signed_in_users(column):
    response = Client().get(reverse("public_etown", args=[column.etown.pk]))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "主导产业" in response.content.decode()


def test_it_links_a_notice_to_its_etown_only_when_that_page_is_public(column):
    from etown.services import notices

    notice = notices.notice_create(county=column.linyi, etown=column.other_etown, title="县级物流体系建设公示",
                                   body="公示正文", start_date=column.etown.created_at.date(), by=column.office)
    page = Client().get(reverse("public_notice", args=[notice.pk])).content.decode()
    assert f"/public/etown/{column.other_etown.pk}/" not in page
    assert PublicProfile.objects.get(etown=column.other_etown).is_published is False
    data = Client().get(reverse("public_county_json", args=[column.linyi.pk])).json()
    listed = [n for n in data["notices"] if n["id"] == notice.pk]
    assert listed and listed[0]["etown_id"] is None


def test_it_does_not_list_unpublished_etowns_in_the_window_form(column):
    page = Client().get(reverse("public_submit", args=[column.linyi.pk, "opinion"])).content.decode()
    assert column.etown.name in page
    assert column.other_etown.name not in page
    assert ETown.objects.filter(pk=column.other_etown.pk).exists()
    assert PublicSubmission.objects.count() == 0


def test_it_seeds_the_demo_column_once(column):
    """Like seed_demo, a second run changes nothing."""
    counts = (PublicProfile.objects.count(), PublicDocument.objects.count(), Notice.objects.count())
    assert public_demo.seed_public() is False
    assert (PublicProfile.objects.count(), PublicDocument.objects.count(), Notice.objects.count()) == counts
