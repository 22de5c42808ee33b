"""Every disbursement gate alone (funds.selectors.gates), and the hub mechanism through which
other apps add theirs. Clauses: 安泽办法 (002) 第九条、第十八条; 临猗资金办法 (004 附件2)
第七条、第十二条."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from etown import services as etown_services
from etown.hub import Check, hub
from funds import services
from funds.selectors import gates
from funds.models import ClawbackBasis, ClawbackKind, RequestKind, RequestStatus

from ..helpers import TODAY, advance, new_request, only_checks, passing_check


def gate(request, key, **kwargs):
    return {g.key: g for g in gates.evaluate(request, today=TODAY, **kwargs)}[key]


def test_it_passes_every_gate_for_a_proper_progress_payment(demo):
    request = new_request(demo, amount=Decimal("1000000"))
    results = gates.evaluate(request, today=TODAY)
    assert [g.key for g in results] == ["contract_active", "contract_cap", "prepayment", "retention", "materials"]
    assert all(g.passed for g in results), [(g.key, g.reason) for g in results]


# 累计拨付不超过合同金额 (002 第九条; 004 附件2 第七条) ------------------------------------


def test_it_blocks_a_request_beyond_the_contract_amount(demo):
    # The contract is 5,000,000; the retention gate is checked separately below, so
    # the final acceptance is recorded to isolate the cap.
    etown_services.contract_record_final_acceptance(contract=demo.contract, passed_on=TODAY, by=demo.office)
    request = new_request(demo, kind=RequestKind.RETENTION, amount=Decimal("5000000.01"))
    cap = gate(request, "contract_cap")
    assert not cap.passed and not cap.overridable
    assert cap.reason.endswith("超过可拨付上限 5,000,000.00 元（合同 5,000,000.00 元），超出 0.01 元。")
    with pytest.raises(ValidationError, match="累计拨付不超过合同金额"):
        services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


def test_it_counts_what_was_paid_and_the_requests_ahead_in_the_queue(demo):
    first = new_request(demo, amount=Decimal("2000000"))
    advance(demo, first, RequestStatus.DISBURSED)
    ahead = new_request(demo, amount=Decimal("2000000"))
    services.disbursement_submit(request=ahead, by=demo.contractor, today=TODAY)
    late = new_request(demo, amount=Decimal("600000"))
    # 2,000,000 paid + 2,000,000 ahead + 600,000 > 4,500,000 (the retention is held).
    assert gate(late, "contract_cap").passed  # 4.6 M ≤ 5 M
    assert not gate(late, "retention").passed
    # The earlier request is not held back by the later one.
    assert gate(ahead, "retention").passed


def test_it_lowers_the_ceiling_by_a_reduction_and_never_repays_a_clawback(demo):
    paid = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1500000"))
    advance(demo, paid, RequestStatus.DISBURSED)
    services.clawback_record(contract=demo.contract, kind=ClawbackKind.CLAWBACK, amount=Decimal("1500000"),
                             basis=ClawbackBasis.LATE_OR_UNRECTIFIED, reason="整改不到位，追回预付资金",
                             decision_number="临乡村e镇领〔2026〕3号", decided_on=TODAY, by=demo.office, today=TODAY)
    services.clawback_record(contract=demo.contract, kind=ClawbackKind.REDUCTION, amount=Decimal("1000000"),
                             basis=ClawbackBasis.EVALUATION_FAILED, reason="中期评价不合格，核减支持资金",
                             decision_number="临乡村e镇领〔2026〕4号", decided_on=TODAY, by=demo.office, today=TODAY)
    # Ceiling 4,000,000; 1,500,000 paid (then recovered, not repayable): 2,500,000 left,
    # of which 500,000 is the retention.
    request = new_request(demo, amount=Decimal("2000000.01"))
    assert not gate(request, "retention").passed
    request = new_request(demo, amount=Decimal("2000000"))
    assert gate(request, "retention").passed and gate(request, "contract_cap").passed


# 预付款在合同约定比例内 (002 第九条) --------------------------------------------------------


def test_it_limits_prepayments_to_the_contract_ratio(demo):
    # 30% of 5,000,000.
    ok = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1500000"))
    assert gate(ok, "prepayment").passed
    too_much = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1500000.01"))
    result = gate(too_much, "prepayment")
    assert not result.passed and not result.overridable
    assert "合同约定预付比例 30%" in result.reason


def test_it_counts_earlier_prepayments_against_the_ratio(demo):
    advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1000000")), RequestStatus.DISBURSED)
    second = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("600000"))
    assert not gate(second, "prepayment").passed
    assert gate(second, "prepayment").reason.startswith("预付款累计 1,600,000.00 元")
    assert gate(new_request(demo, amount=Decimal("600000")), "prepayment").reason == "非预付款申请，不适用。"


# 尾款待终验合格后拨付 (004 附件2 第七条) -------------------------------------------------


def test_it_blocks_the_retention_until_the_final_acceptance_has_passed(demo):
    request = new_request(demo, kind=RequestKind.RETENTION, amount=Decimal("500000"))
    result = gate(request, "retention")
    assert not result.passed and not result.overridable
    assert result.reason == "项目终验尚未通过，尾款不得拨付。"
    etown_services.contract_record_final_acceptance(contract=demo.contract, passed_on=TODAY, by=demo.office)
    assert gate(request, "retention").passed


def test_it_keeps_a_progress_payment_out_of_the_retention(demo):
    assert gate(new_request(demo, amount=Decimal("4500000")), "retention").passed
    blocked = gate(new_request(demo, amount=Decimal("4500000.01")), "retention")
    assert not blocked.passed and "10% 尾款 500,000.00 元" in blocked.reason


# 合同履行中, 申请材料齐全 (004 附件2 第十二条第4项) -----------------------------------------


def test_it_blocks_a_terminated_contract(demo):
    request = new_request(demo)
    etown_services.contract_update(contract=demo.contract, by=demo.office, reason="合同终止", status="terminated")
    request.refresh_from_db()
    result = gate(request, "contract_active")
    assert not result.passed and result.reason == "合同已终止，不得再拨付。"


def test_it_names_the_missing_materials(demo):
    request = new_request(demo, materials=False)
    result = gate(request, "materials")
    assert not result.passed and result.overridable
    # The stage acceptance report is not an upload any more (issue 11): the request names
    # the counted stage acceptance it rests on (hub check acceptance_basis).
    assert result.reason == "缺少：资金申请表、合同、发票、建设进度。"
    prepayment = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100"), materials=False)
    assert gate(prepayment, "materials").reason == "缺少：资金申请表、合同。"


# Checks other apps register on the hub -----------------------------------------------


def test_it_evaluates_a_check_registered_on_the_hub_with_the_etown_and_request(demo):
    seen = []

    def rectification(etown, *, today, request):
        seen.append((etown, today, request.pk))
        return False, "整改事项“物流中心消防验收”已逾期 3 天。"

    request = new_request(demo)
    with only_checks(Check(group="disbursement", key="test_rectification", label="无逾期整改事项", func=rectification)):
        result = gate(request, "hub:test_rectification")
        assert (result.passed, result.label, result.overridable) == (False, "无逾期整改事项", False)
        assert result.reason == "整改事项“物流中心消防验收”已逾期 3 天。"
        assert seen[-1] == (demo.etown, TODAY, request.pk)
        with pytest.raises(ValidationError, match="物流中心消防验收"):
            services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    # Unregistered after the block: the request may now go.
    assert "test_rectification" not in {c.key for c in hub.checks_for("disbursement")}
    services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)


def test_it_treats_a_check_that_raises_as_failed(demo):
    def broken(etown, **ctx):
        raise RuntimeError("boom")

    with only_checks(Check(group="disbursement", key="broken", label="坏掉的条件", func=broken)):
        result = gate(new_request(demo), "hub:broken")
    assert not result.passed and "核验出错" in result.reason


def test_it_re_evaluates_the_gates_at_every_step(demo):
    state = {"passed": True}
    check = Check(group="disbursement", key="flip", label="中期绩效评价", func=lambda e, **c: (state["passed"], "评价结果"))
    request = new_request(demo)
    with only_checks(check):
        advance(demo, request, RequestStatus.LEADER_APPROVED)
        state["passed"] = False  # e.g. the mid-term evaluation came back 不合格
        with pytest.raises(ValidationError, match="中期绩效评价"):
            services.disbursement_record_meeting(request=request, meeting_date=TODAY, minutes_number="12号",
                                                 by=demo.office, today=TODAY)
        request.refresh_from_db()
        assert request.status == RequestStatus.LEADER_APPROVED
        # Every step stored the gates as they stood.
        assert all(s.gates and all(g["passed"] for g in s.gates) for s in request.steps.exclude(action="create"))


# Overrides by an office head ---------------------------------------------------------


def test_it_lets_an_office_head_override_a_failing_check_and_shows_it(demo):
    # A check that declares itself discretionary (issue 11: the default is no override).
    check = Check(group="disbursement", key="inspection", label="拨付前资金检查",
                  func=lambda e, **c: (False, "本季度尚未开展资金检查"), overridable=True)
    request = new_request(demo)
    with only_checks(check):
        override = services.gate_override_record(request=request, gate_key="hub:inspection", reason="检查已排期，县长批示先行拨付",
                                                 by=demo.office, today=TODAY)
        result = gate(request, "hub:inspection")
        assert result.overridden and not result.blocking and result.override == override
        advance(demo, request, RequestStatus.DISBURSED)
    submit = request.steps.get(action="submit")
    assert [g["label"] for g in submit.overridden_gates] == ["拨付前资金检查"]
    assert "检查已排期" in request.steps.get(action="override").note


def test_it_refuses_an_override_of_a_money_gate(demo):
    request = new_request(demo, kind=RequestKind.RETENTION, amount=Decimal("500000"))
    with pytest.raises(ValidationError, match="资金安全的硬性条件"):
        services.gate_override_record(request=request, gate_key="retention", reason="急需", by=demo.office, today=TODAY)
    assert not request.overrides.exists()


def test_it_refuses_an_override_by_anyone_but_an_office_head(demo):
    from django.core.exceptions import PermissionDenied

    request = new_request(demo, materials=False)
    services_membership = demo.office.memberships.get()
    etown_services.membership_grant(user=demo.office, role="office", county=demo.linyi, by=demo.system,
                                    organization=services_membership.organization, is_head=False)
    demo.office._etown_memberships = None
    for user in (demo.office, demo.finance, demo.leader, demo.contractor):
        with pytest.raises(PermissionDenied):
            services.gate_override_record(request=request, gate_key="materials", reason="x", by=user, today=TODAY)


def test_it_refuses_an_override_without_a_reason_or_of_a_passing_gate(demo):
    request = new_request(demo, materials=False)
    with pytest.raises(ValidationError, match="请填写例外放行的理由"):
        services.gate_override_record(request=request, gate_key="materials", reason=" ", by=demo.office, today=TODAY)
    with only_checks(passing_check()), pytest.raises(ValidationError, match="目前已满足"):
        services.gate_override_record(request=request, gate_key="hub:test_pass", reason="x", by=demo.office, today=TODAY)
    with pytest.raises(ValidationError, match="没有这项拨付条件"):
        services.gate_override_record(request=request, gate_key="nonsense", reason="x", by=demo.office, today=TODAY)
    services.gate_override_record(request=request, gate_key="materials", reason="材料原件已核验", by=demo.office, today=TODAY)
    with pytest.raises(ValidationError, match="已记录过例外放行"):
        services.gate_override_record(request=request, gate_key="materials", reason="再次", by=demo.office, today=TODAY)
    assert request.overrides.count() == 1
