"""The end of the ladder (004 附件4 第二条: 限期内仍未整改完毕的，项目主管部门报县政府请求
终止合同) and 取消承办资格 (000 第一条（三）, 001 第一条（四）): the 请示 in its own number
series with a 签发人, the leading group's approval, the county government's decision, and
what a termination does (issue 12)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from etown import services as etown_services
from etown.models import Contract, Notice, Notification
from etown.permissions import can_report_for, can_view_etown
from supervision.models import LetterCounter, Rectification, SupervisionLetter, Termination
from supervision.services.letters import letter_draft, letter_issue, letter_update
from supervision.services.rectification import rectification_create
from supervision.services.termination import (
    disqualification_record,
    termination_leader_decide,
    termination_record_decision,
    termination_send,
)

pytestmark = pytest.mark.django_db
K = SupervisionLetter.Kind
TODAY = timezone.localdate()
D = datetime.timedelta


def make_item(demo, deadline):
    return rectification_create(etown=demo.etown, source="inspection", problem="物流仓储配送中心改造进度滞后",
                                measures="倒排工期", units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"],
                                deadline=deadline, by=demo.office)


def issue(demo, items, kind, today, deadline=None, by=None, capture=None):
    by = by or demo.office
    draft = letter_draft(etown=demo.etown, kind=kind, items=items, by=by, today=today)
    if kind != K.TERMINATION:
        draft = letter_update(letter=draft, by=by, today=today, deadline=deadline)
    letter = letter_issue(letter=draft, by=by, today=today)
    letter.refresh_from_db()
    return letter


@pytest.fixture
def proposal(demo):
    """An item taken up all three rungs: the 请示 issued today."""
    item = make_item(demo, TODAY - D(days=40))
    issue(demo, [item], K.FIRST, TODAY - D(days=30), deadline=TODAY - D(days=20))
    issue(demo, [item], K.SECOND, TODAY - D(days=15), deadline=TODAY - D(days=5))
    return issue(demo, [item], K.TERMINATION, TODAY)


def test_it_numbers_the_proposal_in_its_own_series_with_its_signer(demo, proposal):
    year = TODAY.year
    assert proposal.number == f"临乡村e镇办请〔{year}〕1号"
    assert proposal.series == "请" and proposal.issued_by == demo.office
    # The two letters before it used the 督 series, 1 and 2; the 请示 did not take 3.
    numbers = set(SupervisionLetter.objects.filter(kind__in=[K.FIRST, K.SECOND]).values_list("number", flat=True))
    assert numbers == {f"临乡村e镇办督〔{year}〕1号", f"临乡村e镇办督〔{year}〕2号"}
    assert LetterCounter.objects.get(county=demo.linyi, series="督", year=year).last_number == 2
    assert LetterCounter.objects.get(county=demo.linyi, series="请", year=year).last_number == 1


def test_it_prints_the_signer_on_the_proposal(demo, proposal):
    from supervision.exports.letters import letter_document

    assert letter_document(proposal)["signer"] == (demo.office.get_full_name() or demo.office.username)


def test_it_sends_the_proposal_to_the_leading_group_and_tells_the_leader(demo, proposal):
    termination = Termination.objects.get(proposal=proposal)
    assert termination.status == Termination.Status.PENDING_LEADER and termination.contract == demo.contract
    assert Notification.objects.filter(user=demo.leader, title__contains=proposal.number).exists()


def test_it_refuses_a_proposal_not_signed_by_an_office_head(demo):
    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.create_user("clerk", password="x")
    etown_services.membership_grant(user=clerk, role="office", county=demo.linyi, by=demo.system, is_head=False)
    item = make_item(demo, TODAY - D(days=40))
    issue(demo, [item], K.FIRST, TODAY - D(days=30), deadline=TODAY - D(days=20))
    issue(demo, [item], K.SECOND, TODAY - D(days=15), deadline=TODAY - D(days=5))
    draft = letter_draft(etown=demo.etown, kind=K.TERMINATION, items=[item], by=clerk, today=TODAY)
    with pytest.raises(PermissionDenied, match="办公室负责人签发"):
        letter_issue(letter=draft, by=clerk, today=TODAY)
    draft.refresh_from_db()
    assert draft.status == "draft" and not Termination.objects.exists()


def test_it_refuses_the_leader_step_to_others_and_a_decline_without_reason(demo, proposal):
    termination = Termination.objects.get(proposal=proposal)
    with pytest.raises(PermissionDenied):
        termination_leader_decide(termination=termination, approve=True, note="", by=demo.office)
    with pytest.raises(ValidationError, match="请填写意见"):
        termination_leader_decide(termination=termination, approve=False, note=" ", by=demo.leader)
    with pytest.raises(ValidationError, match="须经领导小组同意"):
        termination_send(termination=termination, sent_on=TODAY, by=demo.office)
    termination.refresh_from_db()
    assert termination.status == Termination.Status.PENDING_LEADER


def _to_government(demo, proposal):
    termination = Termination.objects.get(proposal=proposal)
    termination_leader_decide(termination=termination, approve=True, note="同意报请", by=demo.leader)
    return termination_send(termination=termination, sent_on=TODAY, by=demo.office)


def test_it_ends_the_contract_when_the_county_government_decides_to_terminate(demo, proposal):
    termination = _to_government(demo, proposal)
    with pytest.raises(ValidationError) as error:
        termination_record_decision(termination=termination, terminate=True, decided_on=TODAY, decision_number=" ",
                                    by=demo.office)
    assert "文号" in error.value.message_dict["decision_number"][0]
    assert Contract.objects.get(pk=demo.contract.pk).status == Contract.Status.ACTIVE
    termination_record_decision(termination=termination, terminate=True, decided_on=TODAY,
                                decision_number="临政函〔2026〕8号", note="同意终止", by=demo.office)
    termination.refresh_from_db()
    assert termination.status == Termination.Status.TERMINATED and termination.decision_number == "临政函〔2026〕8号"
    contract = Contract.objects.get(pk=demo.contract.pk)
    assert contract.status == Contract.Status.TERMINATED
    assert "临政函〔2026〕8号" in contract.history.first().history_change_reason
    # The contractor's staff keep reading the e-town, but may no longer report or apply.
    contractor = type(demo.contractor).objects.get(pk=demo.contractor.pk)
    assert can_view_etown(contractor, demo.etown) and not can_report_for(contractor, demo.etown)
    assert Notification.objects.filter(user=demo.leader, title__contains="决定终止").exists()
    # and the public column says so (a published notice; the 请示 itself stays internal)
    notice = Notice.objects.get(kind=Notice.Kind.GENERAL, etown=demo.etown, title__contains="终止项目建设合同")
    assert notice.is_published and "临政函〔2026〕8号" in notice.body and proposal.number not in notice.body


def test_it_sets_the_new_deadline_when_the_county_government_does_not_terminate(demo, proposal):
    termination = _to_government(demo, proposal)
    new = TODAY + D(days=20)
    with pytest.raises(ValidationError, match="新整改期限"):
        termination_record_decision(termination=termination, terminate=False, decided_on=TODAY,
                                    decision_number="临政函〔2026〕9号", by=demo.office)
    termination_record_decision(termination=termination, terminate=False, decided_on=TODAY,
                                decision_number="临政函〔2026〕9号", new_deadline=new, by=demo.office)
    item = Rectification.objects.get(pk=proposal.items.get().pk)
    assert item.due_date == new
    assert Contract.objects.get(pk=demo.contract.pk).status == Contract.Status.ACTIVE


def test_it_records_a_disqualification_with_the_effects_of_a_termination(demo):
    with pytest.raises(PermissionDenied):
        disqualification_record(contract=demo.contract, decided_on=TODAY, decision_number="临政函〔2026〕10号",
                                reason="多次逾期未整改", by=demo.leader)
    termination = disqualification_record(contract=demo.contract, decided_on=TODAY,
                                          decision_number="临政函〔2026〕10号", reason="多次逾期未整改", by=demo.office)
    assert termination.kind == Termination.Kind.DISQUALIFICATION
    assert Contract.objects.get(pk=demo.contract.pk).status == Contract.Status.TERMINATED
    with pytest.raises(ValidationError, match="已终止"):
        disqualification_record(contract=demo.contract, decided_on=TODAY, decision_number="x", reason="y",
                                by=demo.office)
