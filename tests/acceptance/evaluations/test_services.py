"""Mid-term evaluation and its effect on the funds gate (安泽办法 002 第十八条:
合格 → 继续拨付; 基本合格 → 整改合格后拨付; 不合格 → 视情况减少支持资金、取消培育资格并
收回已拨付资金)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from acceptance.models import Evaluation
from acceptance.selectors.evaluations import evaluation_gate
from acceptance.services import evaluations as evaluation_services
from etown.hub import hub
from etown.models import Notice, Notification
from supervision.selectors import rectification as rectification_selectors
from supervision.services import rectification as rectification_services

from ..conftest import TODAY, feedback_xlsx, pdf

pytestmark = pytest.mark.django_db


def evaluate(demo, result, *, on=datetime.date(2026, 11, 2), by=None, **extra):
    return evaluation_services.evaluation_create(
        etown=demo.etown, by=by or demo.office, evaluator_kind=Evaluation.Evaluator.PROVINCE,
        evaluator_name="山西省商务厅", evaluated_on=on, result=result, score=Decimal("78.5"), today=TODAY, **extra,
    )


def add_item(demo, evaluation, problem="电商公共服务中心运营不足"):
    return evaluation_services.evaluation_add_item(
        evaluation=evaluation, by=demo.office, problem=problem, measures="引入运营团队", units="县商务局、承办企业",
        persons="陈涛", deadline=datetime.date(2026, 12, 15),
    )


def close(demo, item):
    rectification_services.rectification_submit_evidence(item=item, text="已整改", by=demo.contractor, files=[pdf()],
                                                         today=TODAY)
    rectification_services.rectification_close(item=item, note="核验通过", by=demo.office, today=TODAY)


def hub_check():
    return next(c for c in hub.checks_for("disbursement") if c.key == "evaluation")


def test_it_registers_the_evaluation_check_for_disbursements():
    check = hub_check()
    assert check.label == "中期绩效评价结果"


def test_it_passes_when_no_evaluation_was_done(demo):
    assert hub_check().func(demo.etown, today=TODAY) == (True, "尚未开展中期评价。")


def test_it_passes_a_qualified_result(demo):
    evaluate(demo, Evaluation.Result.QUALIFIED)
    passed, reason = hub_check().func(demo.etown, today=TODAY)
    assert passed and "合格" in reason


def test_it_blocks_a_basically_qualified_result_until_its_items_are_closed(demo):
    evaluation = evaluate(demo, Evaluation.Result.BASIC)
    passed, reason = evaluation_gate(demo.etown)
    assert not passed and "尚未登记" in reason  # no rectification demand recorded yet

    first, second = add_item(demo, evaluation), add_item(demo, evaluation, "网货产品开发不足")
    passed, reason = evaluation_gate(demo.etown)
    assert not passed and "尚有 2 项未销号" in reason

    close(demo, first)
    passed, reason = evaluation_gate(demo.etown)
    assert not passed and "尚有 1 项未销号" in reason

    close(demo, second)
    passed, reason = evaluation_gate(demo.etown)
    assert passed and "2 项整改事项已全部销号" in reason


def test_it_blocks_an_unqualified_result_and_names_the_decision(demo):
    evaluation = evaluate(demo, Evaluation.Result.UNQUALIFIED)
    passed, reason = evaluation_gate(demo.etown)
    assert not passed and "尚未录入" in reason

    evaluation_services.evaluation_record_decision(
        evaluation=evaluation, by=demo.office, decided_on=datetime.date(2026, 11, 20),
        decision_basis="县乡村e镇工作领导小组2026年第5次会议纪要", reduction_amount=Decimal("500000"),
        cancel_qualification=False, clawback_amount=Decimal("0"), today=TODAY,
    )
    # Issue 12: nothing was paid on the demo contract here, so the decision claws nothing
    # back (funds refuses a clawback beyond what was paid; tests/funds/clawbacks covers it).
    passed, reason = evaluation_gate(demo.etown)
    assert not passed
    assert "减少支持资金 500,000.00 元" in reason
    evaluation.refresh_from_db()
    assert evaluation.reduction_amount == Decimal("500000") and evaluation.decided_by == demo.office
    assert evaluation.history.first().history_change_reason.startswith("录入不合格处理决定")


def test_it_decides_by_the_confirmed_re_evaluation_not_merely_the_latest(demo):
    """Issue 11: the latest record by date no longer governs by itself; a later province
    result replaces the earlier only as a re-evaluation an office head confirmed
    (tests/acceptance/evaluations/test_authority.py has the rest)."""
    first = evaluate(demo, Evaluation.Result.UNQUALIFIED, on=datetime.date(2026, 6, 1))
    again = evaluate(demo, Evaluation.Result.QUALIFIED, on=datetime.date(2026, 11, 2), replaces=first)
    assert evaluation_gate(demo.etown)[0] is False
    evaluation_services.evaluation_confirm_replacement(evaluation=again, by=demo.office)
    assert evaluation_gate(demo.etown)[0] is True
    assert evaluation_gate(demo.other_etown) == (True, "尚未开展中期评价。")  # per e-town


def test_it_refuses_a_decision_on_a_result_that_is_not_unqualified(demo):
    evaluation = evaluate(demo, Evaluation.Result.BASIC)
    with pytest.raises(ValidationError, match="不合格"):
        evaluation_services.evaluation_record_decision(
            evaluation=evaluation, by=demo.office, decided_on=TODAY, decision_basis="x", today=TODAY,
        )


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"decision_basis": "  "}, "decision_basis"),
        ({"clawback_amount": Decimal("-1")}, "clawback_amount"),
        ({"reduction_amount": Decimal("5000000.01")}, "reduction_amount"),  # beyond the contract
        ({"decided_on": datetime.date(2026, 10, 1)}, "decided_on"),  # before the evaluation
    ],
)
def test_it_refuses_a_bad_decision_and_changes_nothing(demo, changes, field):
    evaluation = evaluate(demo, Evaluation.Result.UNQUALIFIED)
    args = dict(evaluation=evaluation, by=demo.office, decided_on=TODAY, decision_basis="会议纪要",
                reduction_amount=Decimal("0"), clawback_amount=Decimal("0"), today=TODAY)
    args.update(changes)
    with pytest.raises(ValidationError) as error:
        evaluation_services.evaluation_record_decision(**args)
    assert field in error.value.message_dict
    evaluation.refresh_from_db()
    assert evaluation.decided_on is None


def test_it_refuses_an_evaluation_dated_in_the_future(demo):
    with pytest.raises(ValidationError) as error:
        evaluate(demo, Evaluation.Result.QUALIFIED, on=TODAY + datetime.timedelta(days=1))
    assert error.value.message_dict["evaluated_on"] == ["评价日期不能晚于今天。"]
    assert not Evaluation.objects.exists()


def test_it_stores_the_report_publishes_and_notifies(demo):
    evaluation = evaluate(demo, Evaluation.Result.BASIC, report=pdf("中期绩效评价报告.pdf"), publish=True)
    assert evaluation.report_file.original_name == "中期绩效评价报告.pdf"
    assert evaluation.report_file.etown == demo.etown
    notice = Notice.objects.get(kind=Notice.Kind.EVALUATION)
    assert notice.source_id == evaluation.pk and "基本合格" in notice.body
    assert Notification.objects.filter(user=demo.contractor, kind="evaluation_result").exists()
    assert not Notification.objects.filter(user=demo.contractor2).exists()


def test_it_imports_a_feedback_list_as_evaluation_items(demo):
    evaluation = evaluate(demo, Evaluation.Result.BASIC)
    rows = [
        [n, f"问题{n}", f"措施{n}", "县商务局、承办企业", "陈涛", "2026年12月31日"] for n in range(1, 18)
    ]
    evaluation_services.evaluation_import_items(evaluation=evaluation, fileobj=feedback_xlsx(rows), by=demo.office)
    items = rectification_selectors.items_for_source(evaluation)
    assert items.count() == 17
    assert {i.source for i in items} == {"evaluation"}
    assert items.first().deadline == datetime.date(2026, 12, 31)


def test_it_imports_nothing_from_a_list_with_one_bad_row(demo):
    evaluation = evaluate(demo, Evaluation.Result.BASIC)
    rows = [[1, "问题1", "措施1", "县商务局", "陈涛", "2026-12-31"], [2, "", "措施2", "县商务局", "陈涛", "2026-12-31"]]
    with pytest.raises(ValidationError, match="第 3 行|第 2 行"):
        evaluation_services.evaluation_import_items(evaluation=evaluation, fileobj=feedback_xlsx(rows), by=demo.office)
    assert rectification_selectors.items_for_source(evaluation).count() == 0
