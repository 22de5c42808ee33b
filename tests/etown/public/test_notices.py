"""Notices (公示) managed by the office: publish, edit before the start, withdraw with a
reason that stays visible (004 annex 2 art. 4 and art. 12(3): 公示 5 个工作日)."""
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from etown.services import notices
from etown.models import Notice, PublicSubmission
from etown.workdays import add_workdays, next_workday

from .conftest import running_notice

pytestmark = pytest.mark.django_db


def future(days=20):
    return timezone.localdate() + timedelta(days=days)


def form(**fields):
    data = {"kind": "general", "title": "电商培训基地建设情况公示", "body": "现将建设情况予以公示。",
            "start_date": future().isoformat(), "workdays_count": "5", "publish": "on"}
    data.update(fields)
    return data


def test_it_publishes_a_notice_over_five_statutory_working_days(column, client_for):
    response = client_for(column.office).post(reverse("notice_create"), form(etown=column.etown.pk))
    notice = Notice.objects.get(title="电商培训基地建设情况公示")
    assert response.status_code == 302 and response["Location"] == reverse("notice_detail", args=[notice.pk])
    first = next_workday(future())
    assert (notice.start_date, notice.end_date, notice.workdays) == (first, add_workdays(first, 4), 5)
    assert notice.is_published and notice.created_by == column.office
    page = Client().get(reverse("public_notice", args=[notice.pk])).content.decode()
    assert "电商培训基地建设情况公示" in page and "（5个工作日）" in page


def test_it_counts_the_period_across_a_statutory_holiday():
    """2026 National Day: 1–7 October are holidays, Sunday 27 September and Saturday
    10 October are adjusted working days (国务院办公厅 2026 年节假日安排)."""
    first = next_workday(date(2026, 9, 30))
    assert first == date(2026, 9, 30)
    assert add_workdays(first, 4) == date(2026, 10, 12)


def test_it_saves_a_draft_that_the_public_never_sees(column, client_for):
    client_for(column.office).post(reverse("notice_create"), form(publish=""))
    notice = Notice.objects.get(title="电商培训基地建设情况公示")
    assert not notice.is_published
    assert Client().get(reverse("public_notice", args=[notice.pk])).status_code == 404
    assert "电商培训基地建设情况公示" not in Client().get(reverse("public_notices", args=[column.linyi.pk])).content.decode()
    client_for(column.office).post(reverse("notice_publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.is_published
    assert Client().get(reverse("public_notice", args=[notice.pk])).status_code == 200


def test_it_edits_a_notice_before_its_start_and_records_why(column, client_for):
    notice = notices.notice_create(county=column.linyi, title="原标题", body="原正文", start_date=future(),
                                   by=column.office)
    client = client_for(column.office)
    response = client.post(reverse("notice_edit", args=[notice.pk]),
                           form(title="新标题", start_date=future(30).isoformat(), workdays_count="7",
                                kind="evaluation", reason="补充评价结论"))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.title, notice.kind, notice.workdays) == ("新标题", "evaluation", 7)
    assert notice.end_date == add_workdays(next_workday(future(30)), 6)
    latest = notice.history.first()
    assert latest.history_user == column.office and latest.history_change_reason == "补充评价结论"


def test_it_refuses_to_edit_a_running_notice(column, client_for):
    notice = running_notice(column.linyi, column.office)
    client = client_for(column.office)
    assert client.get(reverse("notice_edit", args=[notice.pk])).status_code == 403
    with pytest.raises(notices.ValidationError) as error:
        notices.notice_update(notice=notice, by=column.office, title="改", body="改", start_date=future(),
                              workdays_count=5)
    assert "不能再修改" in str(error.value)
    notice.refresh_from_db()
    assert notice.title == "进度款拨付公示"


def test_it_refuses_a_start_date_in_the_past(column, client_for):
    response = client_for(column.office).post(reverse("notice_create"),
                                              form(start_date=(timezone.localdate() - timedelta(days=3)).isoformat()))
    assert "公示开始日期不能早于今天" in response.content.decode()
    assert not Notice.objects.filter(title="电商培训基地建设情况公示").exists()


def test_it_withdraws_with_a_reason_that_stays_public(column, client_for):
    notice = running_notice(column.linyi, column.office, title="第一批进度款公示")
    client = client_for(column.office)
    client.post(reverse("notice_withdraw", args=[notice.pk]), {"reason": ""})
    notice.refresh_from_db()
    assert notice.withdrawn_at is None
    client.post(reverse("notice_withdraw", args=[notice.pk]), {"reason": "拨付金额计算有误，更正后重新公示。"})
    notice.refresh_from_db()
    assert notice.withdrawn_at and notice.withdrawn_reason == "拨付金额计算有误，更正后重新公示。"
    page = Client().get(reverse("public_notice", args=[notice.pk])).content.decode()
    assert "已撤回" in page and "拨付金额计算有误" in page
    assert notice.history.first().history_change_reason == "撤回公示：拨付金额计算有误，更正后重新公示。"


@pytest.mark.parametrize("who", ["finance", "leader", "auditor"])
def test_it_lets_county_roles_read_but_not_manage_notices(column, client_for, who):
    notice = notices.notice_create(county=column.linyi, title="待发布", body="正文", start_date=future(),
                                   by=column.office, publish=False)
    client = client_for(getattr(column, who))
    assert client.get(reverse("notice_list")).status_code == 200
    assert client.get(reverse("notice_detail", args=[notice.pk])).status_code == 200
    assert client.get(reverse("notice_create")).status_code == 403
    assert client.post(reverse("notice_publish", args=[notice.pk])).status_code == 403
    assert client.post(reverse("notice_withdraw", args=[notice.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("notice_edit", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert not notice.is_published and not notice.withdrawn_at


@pytest.mark.parametrize("who", ["contractor", "contractor2", "agency"])
def test_it_keeps_the_notice_pages_from_contractors_and_agencies(column, client_for, who):
    notice = notices.notice_create(county=column.linyi, title="待发布", body="正文", start_date=future(),
                                   by=column.office, publish=False)
    client = client_for(getattr(column, who))
    assert client.get(reverse("notice_list")).status_code == 403
    assert client.get(reverse("notice_detail", args=[notice.pk])).status_code == 404
    assert client.post(reverse("notice_withdraw", args=[notice.pk]), {"reason": "x"}).status_code == 404


def test_it_hides_another_countys_notice(column, client_for, anze_office):
    notice = notices.notice_create(county=column.linyi, title="临猗公示", body="正文", start_date=future(),
                                   by=column.office)
    assert client_for(anze_office).get(reverse("notice_detail", args=[notice.pk])).status_code == 404
    assert "临猗公示" not in client_for(anze_office).get(reverse("notice_list")).content.decode()


def test_it_leaves_a_flow_generated_notice_to_its_flow(column, client_for):
    notice = running_notice(column.linyi, column.office, source=column.contract)
    client = client_for(column.office)
    page = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert "流程生成" in page and 'data-testid="withdraw-form"' not in page
    assert client.post(reverse("notice_withdraw", args=[notice.pk]), {"reason": "x"}).status_code == 403
    notice.refresh_from_db()
    assert notice.withdrawn_at is None


def test_it_records_an_objection_received_on_paper(column, client_for):
    notice = running_notice(column.linyi, column.office, etown=column.etown)
    client = client_for(column.office)
    response = client.post(reverse("notice_objection", args=[notice.pk]),
                           {"subject": "对公示的异议", "content": "群众来电反映进度不实。", "name": "周某", "contact": ""})
    submission = PublicSubmission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("submission_detail", args=[submission.pk])
    assert (submission.channel, submission.notice, submission.kind) == ("offline", notice, "opinion")
    assert submission.history.first().history_user == column.office


def test_it_lists_notices_in_a_fixed_number_of_queries(column, client_for, django_assert_num_queries):
    for n in (3, 30):
        Notice.objects.filter(source_type="").exclude(objections__isnull=False).delete()
        for i in range(n):
            notices.notice_create(county=column.linyi, etown=column.etown, title=f"公示{i}", body="正文",
                                  start_date=future(), by=column.office)
        client = client_for(column.office)
        # session; user; memberships; COUNT; page with county and e-town; unread
        # notifications (nav); the session saved (savepoint, update, release)
        with django_assert_num_queries(9):
            assert client.get(reverse("notice_list")).status_code == 200


def test_it_warns_when_a_notice_runs_into_a_year_without_a_holiday_calendar(column, client_for):
    """Issue 15: a notice from 2026-12-28 ends on 元旦 with no warning; its period counts
    Monday to Friday in 2027, whose statutory holidays nobody has entered yet."""
    from etown.models import WorkCalendarYear

    WorkCalendarYear.objects.filter(year=2027).delete()
    notice = notices.notice_create(county=column.linyi, title="进度款拨付公示", body="拟拨付。",
                                   start_date=date(2026, 12, 28), by=column.office)
    assert notice.end_date.year == 2027
    internal = client_for(column.office).get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert 'data-testid="calendar-warning"' in internal and "2027年" in internal
    public = Client().get(reverse("public_notice", args=[notice.pk]))
    assert "2027年法定节假日安排尚未录入" in public.content.decode()  # the column says it too
    ordinary = notices.notice_create(county=column.linyi, title="公示", body="拟拨付。", start_date=date(2026, 11, 2),
                                     by=column.office)
    assert 'data-testid="calendar-warning"' not in client_for(column.office).get(
        reverse("notice_detail", args=[ordinary.pk])).content.decode()
