"""Each county's disbursement chain is its own policy (issue 12), citing its document:
临猗资金办法 004 附件2 第三条、第十二条 (office → 县财政局 → 公示 ≥ 5 个工作日 → 拨付: no
leading-group approval, no 县政府常务会议); 安泽办法 002 第十条、第十二条 (office → 领导小组
→ 县政府常务会议 → 相关部门拨付: no finance review step, no notice). A step the policy does
not have is skipped; only an office head changes the chain, with a reason and a
confirmation, and the history keeps it."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from etown import services as etown_services
from funds import services
from funds.models import FundsPolicy, RequestKind, RequestStatus
from funds.selectors.policy import policy_for

from ..helpers import TODAY, new_request

pytestmark = pytest.mark.django_db
S = RequestStatus

LINYI = dict(department_review=True, leader_approval=False, executive_meeting=False, payment_notice=True,
             stage_acceptance=True, chain_clause="临猗资金办法（004 附件2）第三条、第十二条")
ANZE = dict(department_review=False, leader_approval=True, executive_meeting=True, payment_notice=False,
            stage_acceptance=False, chain_clause="安泽办法（002）第十条、第十二条")


def set_chain(demo, chain, by=None):
    return services.policy_chain_update(county=demo.linyi, by=by or demo.office, reason="按本县资金管理办法设置",
                                        confirmed=True, **chain)


def second_finance(demo):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("finance2", password="x", first_name="财政局二")
    organization = demo.finance.memberships.get(role="reviewer").organization
    etown_services.membership_grant(user=user, role="reviewer", county=demo.linyi, organization=organization,
                                    by=demo.system)
    return user


def test_it_skips_the_leading_group_and_the_meeting_where_the_county_has_neither(demo):
    set_chain(demo, LINYI)
    request = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))
    services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    request.refresh_from_db()
    services.disbursement_approve(request=request, by=demo.office, today=TODAY)
    request.refresh_from_db()
    services.disbursement_approve(request=request, by=demo.finance, today=TODAY)
    request.refresh_from_db()
    assert request.status == S.MEETING_PASSED  # next: the notice, no leader, no meeting
    line = request.steps.order_by("-pk").first()
    assert "领导小组审批、县政府常务会议审议" in line.note and "004 附件2" in line.note
    services.disbursement_start_notice(request=request, by=demo.office, today=TODAY)
    request.refresh_from_db()
    assert request.status == S.IN_NOTICE and "县政府常务会议" not in request.notice.body


def test_it_pays_after_the_meeting_where_the_county_has_no_notice(demo):
    set_chain(demo, ANZE)
    request = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))
    services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    request.refresh_from_db()
    services.disbursement_approve(request=request, by=demo.office, today=TODAY)
    request.refresh_from_db()
    assert request.status == S.DEPARTMENT_APPROVED  # waiting for the leading group, no finance review
    services.disbursement_approve(request=request, by=demo.leader, today=TODAY)
    request.refresh_from_db()
    services.disbursement_record_meeting(request=request, meeting_date=TODAY, minutes_number="安政常纪〔2026〕3号",
                                         by=demo.office, today=TODAY)
    request.refresh_from_db()
    assert request.status == S.IN_NOTICE and request.notice is None
    services.disbursement_disburse(request=request, disbursed_on=TODAY, amount=request.amount, voucher_number="GK9",
                                   by=second_finance(demo), today=TODAY)
    request.refresh_from_db()
    assert request.status == S.DISBURSED


def test_it_keeps_the_full_chain_for_a_county_without_a_policy(demo):
    policy = policy_for(demo.linyi)
    assert policy.pk is None and all(on for _, on in policy.chain_labels())


def test_it_lets_only_an_office_head_change_the_chain_with_a_reason_and_a_confirmation(demo):
    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.create_user("clerk", password="x")
    etown_services.membership_grant(user=clerk, role="office", county=demo.linyi, by=demo.system, is_head=False)
    with pytest.raises(PermissionDenied, match="负责人"):
        set_chain(demo, LINYI, by=clerk)
    with pytest.raises(PermissionDenied):
        set_chain(demo, LINYI, by=demo.leader)
    args = dict(county=demo.linyi, by=demo.office, **LINYI)
    with pytest.raises(ValidationError) as error:
        services.policy_chain_update(reason="按办法", confirmed=False, **args)
    assert "请确认" in error.value.message_dict["confirmed"][0]
    with pytest.raises(ValidationError):
        services.policy_chain_update(reason=" ", confirmed=True, **args)
    assert not FundsPolicy.objects.filter(county=demo.linyi).exists()
    set_chain(demo, LINYI)
    reason = FundsPolicy.objects.get(county=demo.linyi).history.first().history_change_reason
    assert "取消“领导小组审批”" in reason and "取消“县政府常务会议审议”" in reason and "004 附件2" in reason


def test_it_seeds_each_demo_countys_chain_from_its_own_document(demo):
    """临猗 004 附件2 第三条、第十二条; 安泽 002 第十条、第十二条; 高平 000 sets no chain."""
    from etown.models import County
    from funds.hooks import _seed_demo_chains

    assert _seed_demo_chains(demo.system) is True
    assert _seed_demo_chains(demo.system) is False  # once
    linyi = policy_for(demo.linyi)
    assert (linyi.department_review, linyi.leader_approval, linyi.executive_meeting, linyi.payment_notice) == (
        True, False, False, True)
    assert "004 附件2" in linyi.chain_clause and "第十二条" in linyi.chain_clause
    anze = policy_for(County.objects.get(name="安泽县"))
    assert (anze.department_review, anze.leader_approval, anze.executive_meeting, anze.payment_notice,
            anze.stage_acceptance) == (False, True, True, False, False)
    assert "002" in anze.chain_clause and "第十条" in anze.chain_clause
    gaoping = County.objects.filter(name="高平市").first()
    if gaoping is not None:
        assert all(on for _, on in policy_for(gaoping).chain_labels()) and "000" in policy_for(gaoping).chain_clause
