"""Change and extension requests (临猗资金办法 004 附件2 第九条、第十条)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds import services
from funds.models import ChangeKind, ChangeStatus

from ..helpers import TODAY, pdf

C = ChangeStatus


def extension(demo, **kwargs):
    fields = dict(contract=demo.contract, kind=ChangeKind.EXTENSION, title="物流中心延期竣工",
                  content="物流仓储配送中心改造", reason="冷链设备供货延迟", new_term_end=datetime.date(2027, 6, 30),
                  by=demo.contractor, today=TODAY)
    fields.update(kwargs)
    return services.change_create(**fields)


def test_it_extends_the_contract_once_the_leading_group_agrees(demo):
    change = extension(demo)
    services.change_submit(change=change, by=demo.contractor, today=TODAY)
    change.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.change_approve(change=change, by=demo.leader)  # the office reviews first
    services.change_approve(change=change, by=demo.office, note="情况属实")
    with pytest.raises(ValidationError, match="请刷新页面"):
        services.change_approve(change=change, by=demo.leader)  # stale: approved by the office meanwhile
    change.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.change_approve(change=change, by=demo.office)
    services.change_approve(change=change, by=demo.leader, note="同意延期")
    change.refresh_from_db()
    demo.contract.refresh_from_db()
    assert change.status == C.APPROVED
    assert demo.contract.term_end == datetime.date(2027, 6, 30)
    assert demo.contract.history.first().history_change_reason.startswith(f"延期申请 {change.code} 经领导小组同意")
    assert [s.action for s in change.steps.all()] == ["create", "submit", "office_approve", "leader_approve"]


def test_it_approves_a_change_only_with_the_higher_authoritys_consent(demo):
    change = services.change_create(contract=demo.contract, kind=ChangeKind.CHANGE, title="调整资金用途",
                                    content="将跨境电商培训资金 10 万元调整用于直播基地", reason="政策变化",
                                    by=demo.contractor, today=TODAY)
    services.change_submit(change=change, by=demo.contractor, today=TODAY)
    change.refresh_from_db()
    services.change_approve(change=change, by=demo.office)
    change.refresh_from_db()
    services.change_approve(change=change, by=demo.leader)
    change.refresh_from_db()
    assert change.status == C.LEADER_APPROVED
    with pytest.raises(ValidationError) as error:
        services.change_record_higher_approval(change=change, number="", approved_on=None, by=demo.office, today=TODAY)
    # The higher authority's document is required too (issue 11: 附件2 第九条, 报请上级同意).
    assert set(error.value.message_dict) == {"number", "approved_on", "document"}
    services.change_record_higher_approval(change=change, number="运商函〔2026〕21号", approved_on=TODAY, by=demo.office,
                                           today=TODAY, document=pdf("上级批复.pdf"))
    change.refresh_from_db()
    assert change.status == C.APPROVED and change.higher_approval_number == "运商函〔2026〕21号"


def test_it_requires_the_new_completion_date_of_an_extension(demo):
    with pytest.raises(ValidationError) as error:
        extension(demo, new_term_end=None)
    assert error.value.message_dict == {"new_term_end": ["延期申请须写明项目竣工的具体时间（临猗资金办法第十条）。"]}
    with pytest.raises(ValidationError, match="须晚于合同原定的 2027年3月31日"):
        extension(demo, new_term_end=datetime.date(2027, 3, 31))


def test_it_returns_with_a_reason_and_lets_the_contractor_resubmit(demo):
    change = extension(demo)
    services.change_submit(change=change, by=demo.contractor, today=TODAY)
    change.refresh_from_db()
    with pytest.raises(ValidationError, match="请填写退回原因"):
        services.change_return(change=change, reason="", by=demo.office)
    with pytest.raises(PermissionDenied):
        services.change_return(change=change, reason="x", by=demo.leader)
    services.change_return(change=change, reason="请附冷链设备供货合同", by=demo.office)
    services.change_update(change=change, title=change.title, content=change.content, reason="供货延迟，附合同",
                           new_term_end=datetime.date(2027, 5, 31), by=demo.contractor, today=TODAY)
    services.change_submit(change=change, by=demo.contractor, today=TODAY)
    change.refresh_from_db()
    assert change.status == C.SUBMITTED and change.new_term_end == datetime.date(2027, 5, 31)


def test_it_lets_only_the_etowns_contractor_apply(demo):
    for user in (demo.contractor2, demo.office, demo.auditor):
        with pytest.raises(PermissionDenied):
            extension(demo, by=user)
