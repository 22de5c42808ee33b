"""Inspections: county rules and e-town plans (frequencies as data: 000 §6, 001 §3(一),
004 annex 4 §4(一), 002 art. 13), the due list, recording an inspection with the three
judgements (000 §7, 001 §4) and turning a finding into a rectification item in one step.
"""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from etown.models import Notification, Reminder
from etown.notifications import run_sweeps
from supervision.models import CountyInspectionRule, Inspection, InspectionPlan, Rectification
from supervision.selectors.inspections import due_rows, effective_plans, period_of, rule_for_county
from supervision.services.inspections import inspection_plan_set, inspection_rule_apply_preset
from supervision.services.rectification import rectification_from_finding

from .support import TODAY, D, inspect

pytestmark = pytest.mark.django_db


def state(rows, category):
    return next(r for r in rows if r.category == category)


# Rules and plans ------------------------------------------------------------------------------------


def test_it_defaults_a_county_without_a_rule(demo):
    rule = rule_for_county(demo.linyi)
    assert rule.pk is None
    assert (rule.construction_months, rule.operation_months, rule.training_months, rule.funds_months) == (1, 3, 3, 3)
    assert rule.funds_before_disbursement is False


@pytest.mark.parametrize("preset, expected", [
    ("gaoping", (1, 3, 3, 0, True)),  # 000 §6: funds before each disbursement, not periodic
    ("tongcheng", (1, 3, 3, 6, False)),  # 001 §3(一): funds every half year
    ("linyi", (1, 0, 0, 3, False)),  # 004 annex 4 §4(一)
    ("anze", (1, 3, 0, 3, False)),  # 002 art. 13
])
def test_it_applies_the_seeds_frequencies(demo, preset, expected):
    rule = inspection_rule_apply_preset(county=demo.linyi, preset=preset, by=demo.office, reason="按本县文件", confirmed=True,
                                        payment_check=True)
    got = (rule.construction_months, rule.operation_months, rule.training_months, rule.funds_months,
           rule.funds_before_disbursement)
    assert got == expected
    assert rule.history.first().history_change_reason.startswith("采用预设")


def test_it_lets_an_etown_override_the_county_and_go_back(demo):
    inspection_rule_apply_preset(county=demo.linyi, preset="linyi", by=demo.office, reason="按本县文件", confirmed=True)
    plans = {p.category: p for p in effective_plans([demo.etown])}
    assert plans["funds"].interval == 3 and plans["funds"].from_county
    inspection_plan_set(etown=demo.etown, category="operation", interval_months=3, starts_on=D(2026, 9, 1),
                        by=demo.office)
    plans = {p.category: p for p in effective_plans([demo.etown])}
    assert (plans["operation"].interval, plans["operation"].from_county, plans["operation"].starts_on) == (3, False, D(2026, 9, 1))
    inspection_plan_set(etown=demo.etown, category="operation", interval_months=None, by=demo.office)
    assert not InspectionPlan.objects.exists()
    with pytest.raises(ValidationError):
        inspection_plan_set(etown=demo.etown, category="special", interval_months=1, by=demo.office)


def test_it_cuts_calendar_periods():
    assert period_of(D(2026, 11, 23), 1) == (D(2026, 11, 1), D(2026, 11, 30))
    assert period_of(D(2026, 11, 23), 3) == (D(2026, 10, 1), D(2026, 12, 31))
    assert period_of(D(2026, 2, 10), 6) == (D(2026, 1, 1), D(2026, 6, 30))
    assert period_of(D(2026, 12, 31), 12) == (D(2026, 1, 1), D(2026, 12, 31))


def test_it_finds_inspections_done_due_and_overdue(demo):
    day = D(2026, 11, 25)  # implementation started 2026-07-01
    inspection_rule_apply_preset(county=demo.linyi, preset="linyi", by=demo.office, reason="按本县文件", confirmed=True)  # construction monthly, funds quarterly
    inspect(demo, category="construction", on=D(2026, 11, 3))
    rows = due_rows([demo.etown], day)
    assert {r.category for r in rows} == {"construction", "funds"}
    assert state(rows, "construction").state == "done"
    funds = state(rows, "funds")
    # Q3 2026 (Jul-Sep) began on the plan's start and had no funds inspection.
    assert (funds.state, funds.missed_period, funds.due_date) == ("overdue", "2026年第3季度", D(2026, 9, 30))
    inspect(demo, category="funds", on=D(2026, 8, 20))
    funds = state(due_rows([demo.etown], day), "funds")
    assert (funds.state, funds.period, funds.due_date) == ("due", "2026年第4季度", D(2026, 12, 31))
    soon = state(due_rows([demo.etown], D(2026, 12, 26)), "funds")
    assert soon.state == "due_soon"
    nothing_yet = state(due_rows([demo.etown], D(2026, 12, 2)), "construction")
    assert nothing_yet.state == "due"  # November was done; December still open


def test_it_does_not_ask_for_periods_before_the_plan_starts(demo):
    inspection_plan_set(etown=demo.etown, category="operation", interval_months=3, starts_on=D(2026, 10, 1),
                        by=demo.office)
    row = state(due_rows([demo.etown], D(2026, 11, 25)), "operation")
    assert row.state == "due"  # Q3 is before the start: not missed
    assert "operation" not in {r.category for r in due_rows([demo.etown], D(2026, 9, 25))}


# Recording inspections ---------------------------------------------------------------------------------


def test_it_records_an_inspection_with_judgements_findings_and_photos(demo):
    photo = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff\xe0" + b"0" * 200, content_type="image/jpeg")
    inspection = inspect(
        demo, category="funds", methods=["documents", "discussion"], inspectors=[demo.finance],
        other_inspectors="县乡村振兴局 李四", construction_result="pass", operation_result="not_checked",
        funds_result="problem", funds_remarks="部分支出无发票", findings=["专账凭证不全", "", "资产台账未更新 "],
        files=[photo],
    )
    assert inspection.method_labels() == ["查看材料", "座谈交流"]
    assert set(inspection.inspectors.all()) == {demo.finance, demo.office}  # the recorder took part
    assert [f.text for f in inspection.findings.all()] == ["专账凭证不全", "资产台账未更新"]
    assert inspection.files.get().purpose == "检查照片及材料"
    assert inspection.judgements()[2][:3] == ("资金使用情况", "problem", "存在问题")


def test_it_fills_in_the_agency_when_an_agency_records(demo):
    inspection = inspect(demo, by=demo.agency)
    assert inspection.agency.name == "山西晋衡工程项目管理咨询有限公司"
    assert demo.agency in inspection.inspectors.all()


@pytest.mark.parametrize("kwargs, field, message", [
    ({"methods": []}, "methods", "请至少选择一种检查方式。"),
    ({"methods": ["guess"]}, "methods", "检查方式无效。"),
    ({"on": TODAY + datetime.timedelta(days=1)}, "inspected_on", "检查日期不能晚于今天：请在检查后记录。"),
    ({"funds_result": "problem"}, "funds_remarks", "结论为“存在问题”时，请说明问题。"),
    ({"inspectors": "contractor"}, "inspectors", "检查人员须为本区县政府部门人员或受委托第三方机构人员。"),
])
def test_it_refuses_a_bad_inspection_and_saves_nothing(demo, kwargs, field, message):
    if kwargs.get("inspectors") == "contractor":
        kwargs = {"inspectors": [demo.contractor]}
    with pytest.raises(ValidationError) as error:
        inspect(demo, **kwargs)
    assert error.value.message_dict[field] == [message]
    assert not Inspection.objects.exists()


def test_it_turns_a_finding_into_an_item_once(demo):
    inspection = inspect(demo, findings=["电商公共服务中心改造进度滞后"])
    finding = inspection.findings.get()
    item = rectification_from_finding(finding=finding, measures="倒排工期", units=["临猗县涑水电子商务运营有限公司"],
                                      persons=["陈涛"], deadline=TODAY + datetime.timedelta(days=10), by=demo.office)
    assert (item.problem, item.source, item.inspection, item.finding) == (finding.text, "inspection", inspection, finding)
    assert item.source_type == "supervision.inspection" and item.source_id == inspection.pk
    with pytest.raises(ValidationError, match="已转为整改事项"):
        rectification_from_finding(finding=finding, measures="", units=["x"], persons=[], deadline=TODAY, by=demo.office)
    assert Rectification.objects.count() == 1


# Reminders ---------------------------------------------------------------------------------------------


def test_it_reminds_of_due_and_missed_inspections_once(demo):
    inspection_rule_apply_preset(county=demo.linyi, preset="linyi", by=demo.office, reason="按本县文件", confirmed=True)
    day = D(2026, 11, 25)  # November's construction check is due within a week; Q3's funds check was missed
    inspect(demo, category="construction", on=D(2026, 10, 12))  # October's was done
    results = run_sweeps(day, names=["inspections_due"])
    kinds = set(Reminder.objects.filter(item_type="etown.etown", item_id=demo.etown.pk).values_list("kind", flat=True))
    assert {"inspection_due:construction", "inspection_overdue:funds"} <= kinds
    assert results["inspections_due"] >= 2
    titles = list(Notification.objects.filter(user=demo.agency).values_list("title", flat=True))
    assert any("2026年第3季度资金使用情况检查未开展" in t for t in titles)
    assert run_sweeps(day, names=["inspections_due"])["inspections_due"] == 0  # once only


def test_it_applies_a_preset_only_with_a_reason_and_a_confirmation(demo):
    """Issue 12: a preset changes every e-town's plan; it asks why and for a confirmation."""
    with pytest.raises(ValidationError) as error:
        inspection_rule_apply_preset(county=demo.linyi, preset="linyi", by=demo.office, reason=" ", confirmed=False)
    assert set(error.value.message_dict) == {"reason", "confirmed"}
    assert not CountyInspectionRule.objects.filter(county=demo.linyi).exists()
    rule = inspection_rule_apply_preset(county=demo.linyi, preset="linyi", by=demo.office, reason="按临猗制度",
                                        confirmed=True)
    assert rule.history.first().history_change_reason == "采用预设：" + CountyInspectionRule.PRESETS["linyi"][0] + "（按临猗制度）"


def test_it_never_switches_on_the_payment_check_silently(demo):
    """高平 000 §6（三）'s funds inspection before every disbursement blocks payments: a
    preset turns it on only when the office ticks it."""
    with pytest.raises(ValidationError) as error:
        inspection_rule_apply_preset(county=demo.linyi, preset="gaoping", by=demo.office, reason="按高平方案",
                                     confirmed=True)
    assert "拨付前资金检查" in error.value.message_dict["payment_check"][0]
    assert not CountyInspectionRule.objects.filter(county=demo.linyi).exists()
    rule = inspection_rule_apply_preset(county=demo.linyi, preset="gaoping", by=demo.office, reason="按高平方案",
                                        confirmed=True, payment_check=True)
    assert rule.funds_before_disbursement is True
