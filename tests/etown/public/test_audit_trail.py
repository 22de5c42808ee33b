"""The auditor's "who changed what" across the county (004 §9(4): 县纪委、审计局等部门全程
跟踪督查; 004 annex 3 art. 9), filterable by user, kind of record, e-town and date."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
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


def test_it_builds_the_kinds_of_record_once_per_process(column):
    """``Model.history`` makes a new manager class at each access (simple-history), and
    every page of the trail and its filter form read the kinds: built once, not twice a
    request (issue 16). The registered kinds follow; the list handed out is a copy."""
    first, second = trail_sources(), trail_sources()
    assert first == second and all(a is b for a, b in zip(first, second))
    first.append(None)
    assert None not in trail_sources()


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
    # session; user; memberships; filter choices: users, e-towns (the chosen user is
    # checked against them in Python); the dates and ids of the newest task history rows;
    # the page's rows (the previous version's id as a subquery); those previous versions;
    # unread notifications (nav); the session saved (savepoint, update, release)
    with django_assert_num_queries(3 + 2 + 1 + 1 + 1 + 1 + 3):
        response = client.get(reverse("change_trail"), {"user": column.office.pk, "label": "建设任务"})
    assert response.status_code == 200 and "第2次" in response.content.decode()


@pytest.mark.parametrize("edits", [3, 60])
def test_it_bounds_the_queries_of_the_unfiltered_trail_by_the_kinds_of_record(column, client_for, edits):
    """Unfiltered: the newest dates and ids of every kind of record, then for the kinds on
    the page one query for their rows and one for previous versions when edits of that
    kind are on the page, however many rows there are."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _edits(column, edits)
    client = client_for(column.auditor)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("change_trail")).status_code == 200
    sources = len(trail_sources())
    # The newest dates and ids of every kind: one UNION ALL on PostgreSQL, one query per
    # kind on SQLite (which cannot limit the parts of a compound statement).
    newest = 1 if connection.features.supports_slicing_ordering_in_compound else sources
    # session, user, memberships; newest; rows and previous versions; notifications; 2 choices; session saved
    assert newest + 3 + 1 + 2 + 3 < len(ctx.captured_queries) <= newest + 2 * sources + 3 + 1 + 2 + 3
    # Whole history rows are read only for the page's own rows (and their previous
    # versions), by id: never a page's worth per kind of record (issue 16).
    whole = [q["sql"] for q in ctx.captured_queries if "history_change_reason" in q["sql"]]
    assert whole and all('"history_id" IN (' in sql for sql in whole), whole


def test_it_searches_users_and_etowns_by_name_over_a_wide_scope(column, client_for, monkeypatch):
    """Over a province or the country (more than OPTIONS_LIMIT e-towns or users) the
    操作人 and 项目 filters are searches by name (issue 16: 1,500 e-towns as options were
    most of a national auditor's page); a search finds only what the scope holds."""
    from etown.models import Role, Scope
    from etown.views import common

    services.task_record_progress(task=_task(column), progress=82, by=column.office, reason="涑水的变更")
    services.task_record_progress(task=column.anze_etown.tasks.first(), progress=98, by=column.system,
                                  reason="安泽的变更")
    monkeypatch.setattr(common, "OPTIONS_LIMIT", 1)  # the county's two e-towns: "too many" here
    client = client_for(column.auditor)
    text = client.get(reverse("change_trail")).content.decode()
    assert 'name="etown_q"' in text and 'name="etown"' not in text
    assert 'name="user_q"' in text and 'name="user"' not in text

    found = client.get(reverse("change_trail"), {"etown_q": "涑水", "user_q": "王立"}).content.decode()
    assert "涑水的变更" in found and "安泽的变更" not in found
    assert client.get(reverse("change_trail"), {"etown_q": "安泽"}).content.decode().count("安泽的变更") == 0

    nation = get_user_model().objects.create_user("mof_audit", password="x")
    services.membership_grant(user=nation, role=Role.AUDITOR, county=None, scope=Scope.NATIONAL, by=column.system)
    national = client_for(nation).get(reverse("change_trail"), {"etown_q": "安泽"}).content.decode()
    assert "安泽的变更" in national and "涑水的变更" not in national
    nobody = client_for(nation).get(reverse("change_trail"), {"user_q": "无此人"}).content.decode()
    assert "没有符合条件的变更记录" in nobody


def test_it_lists_users_and_etowns_as_choices_in_a_county_and_refuses_another_countys(column, client_for):
    client = client_for(column.auditor)
    text = client.get(reverse("change_trail")).content.decode()
    assert 'name="etown"' in text and 'name="etown_q"' not in text and "临猗新城涑水e镇" in text
    refused = client.get(reverse("change_trail"), {"etown": column.anze_etown.pk})
    assert refused.status_code == 200 and "选择一个有效的选项" in refused.content.decode()
