"""The auditor's "who changed what" across the county (004 §9(4): 县纪委、审计局等部门全程
跟踪督查; 004 annex 3 art. 9), filterable by user, kind of record, e-town and date."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from etown import services
from etown.history import changes_for_etown, county_changes, trail_sources

pytestmark = pytest.mark.django_db


def _task(demo):
    return demo.etown.tasks.get(category="logistics")


def test_it_shows_who_changed_what_and_why(column, client_for):
    services.task_record_progress(task=_task(column), progress=80, by=column.office, reason="6月月报审核通过")
    page = client_for(column.auditor).get(reverse("change_trail"), {"user": column.office.pk, "label": "建设任务"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "完善物流配送体系，发展共同配送" in text and "6月月报审核通过" in text
    assert "<del>55</del> → <ins>80</ins>" in text
    assert "王立新" in text  # the office user's name
    assert reverse("etown_history", args=[column.etown.pk]) in text


def test_it_shows_changes_of_fields_only_services_set(column):
    """An indicator's actual value is not editable in forms (it comes from accepted
    monthly reports), yet the auditor must see it change."""
    indicator = column.etown.indicators.get(code="online_retail")
    services.indicator_record_actual(indicator=indicator, value=3600, as_of=timezone.localdate(),
                                              by=column.office, reason="7月月报审核通过")
    change = county_changes(county_ids={column.linyi.pk}, label="绩效目标")[0][0]
    assert change.reason == "7月月报审核通过"
    assert ("最新实际值", Decimal("3350.00"), Decimal("3600.00")) in change.fields


def test_it_filters_by_user_kind_etown_and_date(column):
    services.task_record_progress(task=_task(column), progress=81, by=column.office, reason="按月报更新")
    scope = {column.linyi.pk}
    by_office, _ = county_changes(county_ids=scope, user_id=column.office.pk)
    assert by_office and all(c.user == column.office for c in by_office)
    tasks, _ = county_changes(county_ids=scope, label="建设任务")
    assert tasks and {c.label for c in tasks} == {"建设任务"}
    other, _ = county_changes(county_ids=scope, etown_id=column.other_etown.pk)
    assert other and {c.etown_id for c in other} == {column.other_etown.pk}
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert county_changes(county_ids=scope, date_from=tomorrow)[0] == []
    today, _ = county_changes(county_ids=scope, date_from=timezone.localdate(), date_to=timezone.localdate())
    assert any(c.reason == "按月报更新" for c in today)


def test_it_keeps_to_the_auditors_county(column):
    services.task_record_progress(task=column.anze_etown.tasks.first(), progress=99, by=column.system,
                                           reason="安泽的变更")
    linyi, _ = county_changes(county_ids={column.linyi.pk}, per_page=500)
    assert "安泽的变更" not in {c.reason for c in linyi}
    everything, _ = county_changes(county_ids=None, per_page=1000)
    assert "安泽的变更" in {c.reason for c in everything}


def test_it_pages_with_a_cursor_without_gaps_or_repeats(column):
    scope = {column.linyi.pk}
    whole, _ = county_changes(county_ids=scope, per_page=10_000)
    pages, cursor = [], ""
    while True:
        page, cursor = county_changes(county_ids=scope, per_page=7, cursor=cursor)
        pages.extend(page)
        if not cursor:
            break
    assert len(pages) == len(whole) > 20
    key = lambda c: (c.at, c.label, c.record, c.reason)  # noqa: E731
    assert [key(c) for c in pages] == [key(c) for c in whole]
    assert all(a.at >= b.at for a, b in zip(pages, pages[1:]))


def test_it_covers_the_public_column_and_every_registered_kind(column):
    labels = {s.label for s in trail_sources()}
    assert {"项目", "合同", "建设任务", "绩效目标", "专栏公示", "公开专栏设置", "专栏公开文件", "意见与举报", "用户角色"} <= labels
    services.document_unpublish(document=column.etown.public_documents.get(is_published=True), by=column.office,
                                reason="换新版")
    changes, _ = county_changes(county_ids={column.linyi.pk}, label="专栏公开文件")
    assert changes[0].reason == "取消公开：换新版" and ("已公开", "是", "否") in changes[0].fields


def test_it_keeps_reports_out_of_the_etown_change_log(column):
    report, _ = services.submission_create(county=column.linyi, kind="report", subject="举报某公司", content="内容",
                                           etown=column.etown)
    services.submission_accept(submission=report, by=column.auditor)
    assert "意见与举报" not in {c.label for c in changes_for_etown(column.etown)}
    trail, _ = county_changes(county_ids={column.linyi.pk}, label="意见与举报")
    assert [c.record for c in trail] == ["举报：举报某公司", "举报：举报某公司"]


@pytest.mark.parametrize("who", ["office", "finance", "leader", "agency", "contractor", "contractor2"])
def test_it_is_for_auditors_only(column, client_for, who):
    assert client_for(getattr(column, who)).get(reverse("change_trail")).status_code == 403


def test_it_refuses_an_inverted_date_range_in_chinese(column, client_for):
    page = client_for(column.auditor).get(reverse("change_trail"), {"date_from": "2026-06-02", "date_to": "2026-06-01"})
    assert "截止日期不能早于起始日期" in page.content.decode()


def _edits(demo, n):
    task = _task(demo)
    for i in range(n):
        services.task_record_progress(task=task, progress=i, by=demo.office, reason=f"第{i}次")


@pytest.mark.parametrize("edits", [3, 30])
def test_it_runs_a_fixed_number_of_queries_per_page(column, client_for, django_assert_num_queries, edits):
    _edits(column, edits)
    client = client_for(column.auditor)
    # session; user; memberships; the chosen user checked against the choices; the
    # page of task history rows (the previous version's id as a subquery); those
    # previous versions; unread notifications (nav); filter choices: users, e-towns;
    # the session saved (savepoint, update, release)
    with django_assert_num_queries(3 + 1 + 1 + 1 + 1 + 2 + 3):
        response = client.get(reverse("change_trail"), {"user": column.office.pk, "label": "建设任务"})
    assert response.status_code == 200 and "第2次" in response.content.decode()


@pytest.mark.parametrize("edits", [3, 60])
def test_it_bounds_the_queries_of_the_unfiltered_trail_by_the_kinds_of_record(column, client_for, edits):
    """Unfiltered, each kind of record costs its page query, plus one for previous
    versions when edits of that kind are on the page: at most 2 per kind, however many
    rows there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _edits(column, edits)
    client = client_for(column.auditor)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("change_trail")).status_code == 200
    sources = len(trail_sources())
    # session, user, memberships; kinds; previous versions; notifications; 2 choices; session saved
    assert sources + 3 + 1 + 2 + 3 < len(ctx.captured_queries) <= 2 * sources + 3 + 1 + 2 + 3
