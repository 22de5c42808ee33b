"""Monthly reports: services and states (临猗 004 annex 4 §1(2), 通城 001 §1(2): the
contractor reports every month in writing; the office checks).

Personas: ``contractor`` reports for 临猗新城涑水e镇 (``demo.etown``); ``contractor2`` for
the other e-town; ``office`` reviews; ``finance`` (a department reviewer), ``auditor``
and ``agency`` read only.
"""
import warnings
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from etown.models import Indicator, Task
from etown.permissions import AlreadyHandled
from etown.workdays import CalendarFallbackWarning
from supervision.services import reports as services
from supervision.models import MonthlyReport, MonthlyReportIndicatorLine, MonthlyReportTaskLine
from supervision.selectors.reports import due_date_for, track_indicator

from .support import (
    NOVEMBER,
    OCTOBER,
    SEPTEMBER,
    TODAY,
    D,
    filled_report,
    full_values,
    submitted_report,
)

pytestmark = pytest.mark.django_db


def _history(report):
    return [
        (h.status, h.history_change_reason, h.history_user.username)
        for h in report.history.order_by("history_date", "history_id")
    ]


# Creating ---------------------------------------------------------------------------


def test_it_opens_a_draft_with_a_line_for_every_task_and_target(demo):
    report = services.monthly_report_create(etown=demo.etown, period=D(2026, 10, 17), by=demo.contractor, today=TODAY)

    assert report.period == OCTOBER  # any day of the month means that month
    assert report.status == MonthlyReport.Status.DRAFT
    assert report.due_date == D(2026, 11, 5)  # 5 Nov 2026 is a Thursday
    assert report.task_lines.count() == demo.etown.tasks.count() == 13
    assert report.indicator_lines.count() == demo.etown.indicators.count() == 18
    # A task line starts from the task's accepted progress; an indicator line keeps its unit and target.
    line = report.task_lines.select_related("task").first()
    assert line.progress == line.task.progress
    retail = report.indicator_lines.get(indicator__code="online_retail")
    assert (retail.unit, retail.target) == ("万元", Decimal("3000.00"))
    assert _history(report) == [("draft", "创建月报草稿", "contractor")]


@pytest.mark.parametrize("period, message", [
    (D(2026, 6, 1), "2026年6月不在本项目的填报期内"),  # before 项目实施 (2026-07-01)
    (D(2026, 12, 1), "2026年12月不在本项目的填报期内"),  # a month that has not begun
])
def test_it_refuses_a_month_outside_the_reporting_period(demo, period, message):
    with pytest.raises(ValidationError) as refused:
        services.monthly_report_create(etown=demo.etown, period=period, by=demo.contractor, today=TODAY)

    assert message in refused.value.message_dict["period"][0]
    assert not MonthlyReport.objects.exists()


def test_it_refuses_a_second_report_for_the_same_month(demo):
    services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)

    with pytest.raises(ValidationError) as refused:
        services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)

    assert refused.value.message_dict["period"] == ["2026年10月的月报已存在。"]
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize("persona", ["office", "finance", "auditor", "agency", "contractor2"])
def test_it_lets_only_the_etowns_contractor_open_a_report(demo, persona):
    with pytest.raises(PermissionDenied, match="仅该项目的承办企业可以填报"):
        services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=getattr(demo, persona), today=TODAY)

    assert not MonthlyReport.objects.exists()


# The cycle --------------------------------------------------------------------------


def test_it_walks_draft_submitted_returned_resubmitted_accepted_recording_who_and_why(demo):
    report = filled_report(demo.etown, demo.contractor)

    report = services.monthly_report_submit(report=report, by=demo.contractor, today=D(2026, 11, 4))
    assert report.status == MonthlyReport.Status.SUBMITTED
    report = services.monthly_report_return(report=report, by=demo.office, reason="网络零售额缺少平台后台截图。")
    assert (report.status, report.return_reason, report.return_count) == ("returned", "网络零售额缺少平台后台截图。", 1)
    services.monthly_report_update(report=report, by=demo.contractor, reason="补充截图", next_plan="补充后台截图。")
    report = services.monthly_report_submit(report=report, by=demo.contractor, today=D(2026, 11, 9))
    assert report.status == MonthlyReport.Status.RESUBMITTED
    report = services.monthly_report_accept(report=report, by=demo.office, note="数据已核对。")

    assert report.status == MonthlyReport.Status.ACCEPTED
    assert report.reviewed_by == demo.office
    # The first submission (4 Nov) decides lateness; the round trip does not make it late.
    assert report.first_submitted_on == D(2026, 11, 4)
    assert report.is_late(TODAY) is False
    assert _history(report) == [
        ("draft", "创建月报草稿", "contractor"),
        ("draft", "保存月报", "contractor"),
        ("submitted", "报送月报", "contractor"),
        ("returned", "退回：网络零售额缺少平台后台截图。", "office"),
        ("returned", "补充截图", "contractor"),
        ("resubmitted", "重新报送月报", "contractor"),
        ("accepted", "审核通过：数据已核对。", "office"),
    ]


def test_it_tells_the_office_of_a_submission_and_the_contractor_of_the_review(demo):
    report = submitted_report(demo.etown, demo.contractor)
    assert demo.office.notifications.filter(kind="monthly_report_submitted", url=report.get_absolute_url()).count() == 1

    services.monthly_report_return(report=report, by=demo.office, reason="请补充照片。")

    returned = demo.contractor.notifications.get(kind="monthly_report_returned")
    assert returned.body == "退回原因：请补充照片。"
    assert not demo.contractor2.notifications.exists()  # the other e-town's contractor hears nothing


def test_it_refuses_to_submit_an_incomplete_report_and_says_what_is_missing(demo):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)
    indicator = demo.etown.indicators.get(code="employment")

    with pytest.raises(ValidationError) as refused:
        services.monthly_report_submit(report=report, by=demo.contractor, today=TODAY)

    errors = refused.value.message_dict
    assert errors["work_summary"] == ["请填写本月工作总结。"]
    assert errors["fund_use"] == ["请填写本月专项资金使用金额（没有支出请填 0）。"]
    assert errors[f"ind_{indicator.pk}_cumulative_value"] == ["请填写累计值。"]
    report.refresh_from_db()
    assert (report.status, report.first_submitted_on) == ("draft", None)


def test_it_asks_a_reason_before_returning_and_changes_nothing_without_one(demo):
    report = submitted_report(demo.etown, demo.contractor)

    with pytest.raises(ValidationError) as refused:
        services.monthly_report_return(report=report, by=demo.office, reason="  ")

    assert refused.value.message_dict["reason"] == ["请填写退回原因，说明需要补充或更正的内容。"]
    report.refresh_from_db()
    assert (report.status, report.return_count) == ("submitted", 0)


@pytest.mark.parametrize("persona", ["finance", "leader", "auditor", "agency", "contractor", "anze_office"])
def test_it_lets_only_the_countys_office_accept_or_return(demo, persona, request):
    user = request.getfixturevalue("anze_office") if persona == "anze_office" else getattr(demo, persona)
    report = submitted_report(demo.etown, demo.contractor)

    with pytest.raises(PermissionDenied, match="仅领导小组办公室可以审核月度报告"):
        services.monthly_report_accept(report=report, by=user)
    with pytest.raises(PermissionDenied, match="仅领导小组办公室可以审核月度报告"):
        services.monthly_report_return(report=report, by=user, reason="不行")

    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED


def test_it_freezes_an_accepted_report(demo):
    report = submitted_report(demo.etown, demo.contractor)
    services.monthly_report_accept(report=report, by=demo.office)
    line = report.indicator_lines.get(indicator__code="online_retail")

    with pytest.raises(PermissionDenied, match="已审核通过并冻结"):
        services.monthly_report_update(
            report=report, by=demo.contractor, work_summary="改过的总结",
            indicator_values={line.indicator_id: {"month_value": Decimal("1"), "cumulative_value": Decimal("9999")}},
        )
    with pytest.raises(PermissionDenied, match="已审核通过并冻结"):
        services.monthly_report_submit(report=report, by=demo.contractor)
    # Issue 13: a review of a report already reviewed lost a race: a message, not a 403.
    with pytest.raises(AlreadyHandled, match="已由他人处理.*不在待审核状态"):
        services.monthly_report_return(report=report, by=demo.office, reason="再看看")

    report.refresh_from_db()
    line.refresh_from_db()
    assert (report.status, report.work_summary, line.cumulative_value) == (
        "accepted", "本月完成公共服务中心装修。", Decimal("120.00"),
    )


def test_it_lets_nobody_edit_a_report_waiting_for_review(demo):
    report = submitted_report(demo.etown, demo.contractor)

    with pytest.raises(PermissionDenied, match="正在等待办公室审核"):
        services.monthly_report_update(report=report, by=demo.contractor, work_summary="改")
    with pytest.raises(PermissionDenied, match="仅该项目的承办企业可以填报"):
        services.monthly_report_update(report=report, by=demo.office, work_summary="改")


# Figures ----------------------------------------------------------------------------


def test_it_makes_the_accepted_figures_the_registrys_latest(demo):
    report = submitted_report(demo.etown, demo.contractor, cumulative=Decimal("2600"), progress=80)

    services.monthly_report_accept(report=report, by=demo.office)

    retail = Indicator.objects.get(etown=demo.etown, code="online_retail")
    assert (retail.actual, retail.actual_as_of) == (Decimal("2600.00"), D(2026, 10, 31))
    assert retail.history.first().history_change_reason == "2026年10月月报审核通过"
    assert set(Task.objects.filter(etown=demo.etown).values_list("progress", flat=True)) == {80}


def test_it_does_not_let_an_older_month_accepted_later_overwrite_newer_figures(demo):
    october = submitted_report(demo.etown, demo.contractor, OCTOBER, cumulative=Decimal("300"), progress=90)
    september = submitted_report(demo.etown, demo.contractor, SEPTEMBER, cumulative=Decimal("200"), progress=75)

    services.monthly_report_accept(report=october, by=demo.office)
    services.monthly_report_accept(report=september, by=demo.office)

    retail = Indicator.objects.get(etown=demo.etown, code="online_retail")
    assert (retail.actual, retail.actual_as_of) == (Decimal("300.00"), D(2026, 10, 31))
    assert set(Task.objects.filter(etown=demo.etown).values_list("progress", flat=True)) == {90}


def test_it_adds_the_month_to_the_previous_accepted_cumulative_when_left_blank(demo):
    october = submitted_report(demo.etown, demo.contractor, OCTOBER, month=Decimal("40"), cumulative=Decimal("400"))
    services.monthly_report_accept(report=october, by=demo.office)
    november = services.monthly_report_create(etown=demo.etown, period=NOVEMBER, by=demo.contractor, today=TODAY)
    employment = demo.etown.indicators.get(code="employment")

    services.monthly_report_update(
        report=november, by=demo.contractor,
        indicator_values={employment.pk: {"month_value": Decimal("25"), "cumulative_value": None}},
    )

    assert november.indicator_lines.get(indicator=employment).cumulative_value == Decimal("425.00")


def test_it_starts_the_cumulative_at_the_month_in_the_first_reporting_month(demo):
    july = services.monthly_report_create(etown=demo.etown, period=D(2026, 7, 1), by=demo.contractor, today=TODAY)
    training = demo.etown.indicators.get(code="training")

    services.monthly_report_update(
        report=july, by=demo.contractor, indicator_values={training.pk: {"month_value": Decimal("60")}},
    )

    assert july.indicator_lines.get(indicator=training).cumulative_value == Decimal("60.00")


@pytest.mark.parametrize("values, key, message", [
    ({"month_value": Decimal("-5"), "cumulative_value": Decimal("10")}, "month_value", "数值不能为负数。"),
    ({"month_value": Decimal("50"), "cumulative_value": Decimal("10")}, "cumulative_value", "累计值不能小于本月值。"),
])
def test_it_refuses_impossible_figures_and_saves_nothing(demo, values, key, message):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)
    indicator = demo.etown.indicators.get(code="employment")

    with pytest.raises(ValidationError) as refused:
        services.monthly_report_update(
            report=report, by=demo.contractor, work_summary="会被回滚", indicator_values={indicator.pk: values},
        )

    assert refused.value.message_dict[f"ind_{indicator.pk}_{key}"] == [message]
    report.refresh_from_db()
    assert report.work_summary == ""
    assert MonthlyReportIndicatorLine.objects.get(report=report, indicator=indicator).cumulative_value is None


def test_it_lets_a_growth_rate_be_negative(demo):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)
    growth = demo.etown.indicators.get(code="online_retail_growth")  # unit %

    services.monthly_report_update(
        report=report, by=demo.contractor,
        indicator_values={growth.pk: {"month_value": None, "cumulative_value": Decimal("-3.5")}},
    )

    assert report.indicator_lines.get(indicator=growth).cumulative_value == Decimal("-3.50")


def test_it_refuses_progress_below_the_accepted_one_without_an_explanation(demo):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)
    task = demo.etown.tasks.get(category="public_service")  # accepted progress 70%

    with pytest.raises(ValidationError) as refused:
        services.monthly_report_update(report=report, by=demo.contractor, task_values={task.pk: {"progress": 50}})
    assert refused.value.message_dict[f"task_{task.pk}_note"] == ["进度低于已审核的 70%，请在进展说明中写明原因。"]

    services.monthly_report_update(
        report=report, by=demo.contractor, task_values={task.pk: {"progress": 50, "note": "验收发现返工，进度回调"}},
    )
    assert MonthlyReportTaskLine.objects.get(report=report, task=task).progress == 50


def test_it_gives_the_report_a_line_for_a_task_added_after_the_draft_was_opened(demo):
    from etown import services as registry

    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)
    task = registry.task_create(etown=demo.etown, by=demo.office, category="promotion", title="举办电商直播大赛")

    services.monthly_report_update(report=report, by=demo.contractor, work_summary="x")

    assert report.task_lines.filter(task=task).exists()


# Due dates and lateness -------------------------------------------------------------


@pytest.mark.parametrize("due_day, period, due", [
    (5, D(2026, 10, 1), D(2026, 11, 5)),  # a Thursday
    (5, D(2026, 11, 1), D(2026, 12, 7)),  # Sat 5 Dec → Monday 7 Dec
    (5, D(2026, 9, 1), D(2026, 10, 8)),  # 国庆节 1-7 Oct 2026 → Thursday 8 Oct
    (1, D(2026, 9, 1), D(2026, 10, 8)),  # the whole holiday is skipped
    (10, D(2026, 9, 1), D(2026, 10, 10)),  # Sat 10 Oct 2026 is an adjusted workday (调休上班): due that day
    (5, D(2026, 1, 1), D(2026, 2, 5)),  # before 春节 (15-23 Feb): no change
    (20, D(2026, 1, 1), D(2026, 2, 24)),  # Fri 20 Feb is 春节 → Tuesday 24 Feb
])
def test_it_postpones_a_due_date_on_a_non_working_day_to_the_next_working_day(db, due_day, period, due):
    assert due_date_for(due_day, period) == due


def test_it_warns_when_the_due_date_falls_in_a_year_with_no_calendar(db):
    # December 2026's report is due in January 2027, which chinese-calendar 1.11.0 does not know.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        due = due_date_for(5, D(2026, 12, 1))

    assert due == D(2027, 1, 5)  # Monday-Friday assumed
    assert any(issubclass(w.category, CalendarFallbackWarning) for w in caught)


def test_it_uses_the_countys_report_day(demo):
    from etown import services as registry

    county = demo.etown.county
    county.report_due_day = 10
    registry.save_with_history(county, by=demo.system, reason="月报报送日改为10日")

    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)

    assert report.due_date == D(2026, 11, 10)


def test_it_flags_a_report_first_submitted_after_its_due_date(demo):
    on_time = submitted_report(demo.etown, demo.contractor, SEPTEMBER, today=D(2026, 10, 8))
    late = submitted_report(demo.etown, demo.contractor, OCTOBER, today=D(2026, 11, 6))
    draft = services.monthly_report_create(etown=demo.etown, period=NOVEMBER, by=demo.contractor, today=TODAY)

    assert on_time.is_late(TODAY) is False
    assert late.is_late(TODAY) is True
    assert draft.is_late(D(2026, 12, 7)) is False  # due that day
    assert draft.is_late(D(2026, 12, 8)) is True


# Indicator tracking -----------------------------------------------------------------


def _accepted_with(demo, code, value, period=OCTOBER):
    report = services.monthly_report_create(etown=demo.etown, period=period, by=demo.contractor, today=TODAY)
    values = full_values(report)
    values["indicator_values"][demo.etown.indicators.get(code=code).pk]["cumulative_value"] = value
    values["indicator_values"][demo.etown.indicators.get(code=code).pk]["month_value"] = None
    services.monthly_report_update(
        report=report, by=demo.contractor, work_summary="总结", fund_use=Decimal("0"), **values,
    )
    services.monthly_report_submit(report=report, by=demo.contractor, today=TODAY)
    services.monthly_report_accept(report=report, by=demo.office)
    return Indicator.objects.get(etown=demo.etown, code=code)


@pytest.mark.parametrize("code, value, state, expected", [
    # 年网络零售额 ≥ 3000 万元/年: by the end of October 10/12 of it is due.
    ("online_retail", Decimal("2600"), "on_track", Decimal("2500.00")),
    ("online_retail", Decimal("2400"), "behind", Decimal("2500.00")),
    ("online_retail", Decimal("3100"), "met", Decimal("3000.00")),
    # 带动就业 ≥ 500 人 over the schedule 2026-07-01 … 2027-03-31 (274 days; 123 done by 31 Oct).
    ("employment", Decimal("230"), "on_track", Decimal("224.45")),
    ("employment", Decimal("200"), "behind", Decimal("224.45")),
    # 同比增长率 ≥ 10%: a rate is not prorated.
    ("online_retail_growth", Decimal("8"), "behind", Decimal("10.00")),
])
def test_it_judges_whether_a_target_is_on_track_for_its_period(demo, code, value, state, expected):
    indicator = _accepted_with(demo, code, value)

    track = track_indicator(indicator, demo.etown)

    assert (track.state, track.expected) == (state, expected)
    assert track.percent == (value * 100 / indicator.target).quantize(Decimal("0.1"))


def test_it_says_a_target_without_figures_waits_for_a_report(demo):
    indicator = demo.etown.indicators.get(code="tax")

    assert track_indicator(indicator, demo.etown).label == "待填报"


# Reports filed out of order (issue 15) -----------------------------------------------


def _accepted(etown, user, period, office, **values):
    report = submitted_report(etown, user, period, **values)
    return services.monthly_report_accept(report=report, by=office)


def test_it_compares_a_late_report_with_the_month_before_not_a_later_one(demo):
    """A late October report filed after November was accepted was compared with
    November's progress and asked to explain a 'drop'."""
    _accepted(demo.etown, demo.contractor, SEPTEMBER, demo.office, progress=75)
    _accepted(demo.etown, demo.contractor, NOVEMBER, demo.office, progress=95)
    october = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=TODAY)
    task = demo.etown.tasks.get(category="public_service")

    services.monthly_report_update(report=october, by=demo.contractor, task_values={task.pk: {"progress": 80}})
    assert MonthlyReportTaskLine.objects.get(report=october, task=task).progress == 80

    with pytest.raises(ValidationError) as refused:
        services.monthly_report_update(report=october, by=demo.contractor, task_values={task.pk: {"progress": 72}})
    assert refused.value.message_dict[f"task_{task.pk}_note"] == ["进度低于已审核的 75%，请在进展说明中写明原因。"]


def test_it_recomputes_later_cumulatives_when_an_earlier_month_is_accepted(demo):
    """November's cumulative (September's + November's month) no longer added up once the
    late October report was accepted; it becomes September + October + November."""
    employment = demo.etown.indicators.get(code="employment")
    _accepted(demo.etown, demo.contractor, SEPTEMBER, demo.office, month=Decimal("10"), cumulative=Decimal("100"))
    november = filled_report(demo.etown, demo.contractor, NOVEMBER, month=Decimal("25"), cumulative=Decimal("200"))
    services.monthly_report_update(report=november, by=demo.contractor,
                                   indicator_values={employment.pk: {"month_value": Decimal("25"), "cumulative_value": None}})
    services.monthly_report_submit(report=november, by=demo.contractor, today=TODAY)
    services.monthly_report_accept(report=november, by=demo.office)
    line = november.indicator_lines.get(indicator=employment)
    assert line.cumulative_value == Decimal("125.00")

    october = filled_report(demo.etown, demo.contractor, OCTOBER, month=Decimal("40"), cumulative=Decimal("140"))
    services.monthly_report_submit(report=october, by=demo.contractor, today=TODAY)
    services.monthly_report_accept(report=october, by=demo.office)

    line.refresh_from_db()
    assert line.cumulative_value == Decimal("165.00")  # 140 + 25
    assert "重算累计值" in line.history.first().history_change_reason
    employment.refresh_from_db()
    assert (employment.actual, employment.actual_as_of) == (Decimal("165.00"), D(2026, 11, 30))
