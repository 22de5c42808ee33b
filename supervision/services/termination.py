"""Every write of a decision that ends a contract (see ``supervision.models.termination``).

终止合同 (004 附件4 第二条: 限期内仍未整改完毕的，项目主管部门报县政府请求终止合同):
issuing the 请示 (``letters.letter_issue``) opens a ``Termination`` and tells the leading
group → ``termination_leader_decide`` → ``termination_send`` (报县人民政府) →
``termination_record_decision``: the county government terminates (the contract ends
through ``etown.services.contract_terminate``) or sets a new deadline for the items.

取消承办资格 (高平 000 第一条（三）; 通城 001 第一条（四）: 多次存在问题且未及时整改的，视情况
取消承办资格): ``disqualification_record`` records the county government's decision
(date, document number) with the same effects as a termination.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Contract, Notice, Role, StoredFile
from etown.notifications import notify
from etown.permissions import Verdict, in_scope, require
from etown.recipients import contractor_users, office_users, staff
from etown.services import contract_terminate, save_with_history
from etown.services.notices import notice_create
from etown.uploads import DOCUMENTS, file_store

from .. import permissions as perms
from ..models import DisqualificationRule, Termination
from ..selectors.rectification import contractor_of
from .rectification import rectification_extend_by_decision

T = Termination.Status


def _lock(termination):
    return Termination.objects.select_for_update(of=("self",)).select_related("etown__county", "contract").get(
        pk=termination.pk
    )


def _leaders(county_id):
    return staff(county_id=county_id, role=Role.LEADER)


@transaction.atomic
def termination_open(*, letter, by):
    """Called by ``letter_issue`` for a 请示: the proposal waits for the leading group,
    who are told. A correction of a 请示 carries the open proposal over to itself."""
    if letter.corrects_id:
        previous = Termination.objects.select_for_update().filter(proposal_id=letter.corrects_id).first()
        if previous is not None and not previous.decided:
            previous.proposal = letter
            return save_with_history(previous, by=by, reason=f"请示更正为 {letter.number}")
    contract = contractor_of(letter.etown)
    if contract is None:
        raise ValidationError("本项目没有履行中的合同，无需报请终止。")
    termination = Termination(
        county=letter.county, etown=letter.etown, contract=contract, kind=Termination.Kind.TERMINATION,
        status=T.PENDING_LEADER, proposal=letter,
    )
    save_with_history(termination, by=by, reason=f"印发请示 {letter.number}，报领导小组审批")
    notify(
        users=_leaders(letter.county_id), kind="termination", url=termination.get_absolute_url(),
        title=f"待审批：{letter.number} {letter.title}",
        body=f"领导小组办公室报请终止{letter.etown.name}的项目建设合同，请审批后报县人民政府。",
    )
    return termination


@transaction.atomic
def termination_leader_decide(*, termination, approve, note, by):
    """The leading group approves the 请示 (it then goes to the county government) or
    declines it with a reason."""
    termination = _lock(termination)
    require(perms.can_lead_termination(by, termination.etown))
    if termination.status != T.PENDING_LEADER:
        raise ValidationError("该请示不在待领导小组审批状态。")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "不同意时请填写意见。"})
    termination.status = T.LEADER_APPROVED if approve else T.DECLINED
    termination.leader_by = by
    termination.leader_at = timezone.now()
    termination.leader_note = note
    save_with_history(termination, by=by, reason=("领导小组同意报请：" if approve else "领导小组不同意：") + (note or "同意"))
    notify(
        users=office_users(termination.county_id), kind="termination", url=termination.get_absolute_url(),
        title=f"领导小组{'同意' if approve else '不同意'}报请终止{termination.etown.name}合同",
        body=note or ("请报送县人民政府。" if approve else ""),
    )
    return termination


@transaction.atomic
def termination_send(*, termination, sent_on, by, today=None):
    """The office records that the approved 请示 went to the county government."""
    termination = _lock(termination)
    require(perms.can_supervise(by, termination.etown))
    today = today or timezone.localdate()
    if termination.status != T.LEADER_APPROVED:
        raise ValidationError("请示须经领导小组同意后才能报送县人民政府。")
    if sent_on is None or sent_on > today:
        raise ValidationError({"sent_on": "报送日期不能为空，也不能晚于今天。"})
    termination.status = T.WITH_GOVERNMENT
    termination.sent_on = sent_on
    return save_with_history(termination, by=by, reason=f"{sent_on:%Y-%m-%d} 报送县人民政府")


def _check_decision(decided_on, decision_number, today, after=None):
    errors = {}
    if decided_on is None or decided_on > today:
        errors["decided_on"] = "决定日期不能为空，也不能晚于今天。"
    elif after is not None and decided_on < after:
        errors["decided_on"] = "决定日期不能早于报送县人民政府的日期。"
    if not (decision_number or "").strip():
        errors["decision_number"] = "请填写县人民政府决定的文号。"
    return errors


def _store(upload, termination, by):
    if upload is None:
        return None
    return file_store(upload=upload, county=termination.etown.county, etown=termination.etown, by=by,
                      access=StoredFile.Access.GOVERNMENT, purpose="县人民政府决定", allowed=DOCUMENTS)


@transaction.atomic
def termination_record_decision(*, termination, terminate, decided_on, decision_number, by, note="",
                                new_deadline=None, upload=None, today=None):
    """The county government's decision on the 请示, recorded by the office: terminate
    (the contract ends: status 已终止, payments held, the contractor read-only, the
    clawback proposed) or a new deadline for the proposal's items."""
    termination = _lock(termination)
    require(perms.can_supervise(by, termination.etown))
    today = today or timezone.localdate()
    if termination.status != T.WITH_GOVERNMENT:
        raise ValidationError("请示尚未报送县人民政府，或已登记决定。")
    errors = _check_decision(decided_on, decision_number, today, after=termination.sent_on)
    if not terminate and (new_deadline is None or new_deadline <= today):
        errors["new_deadline"] = "县人民政府决定限期整改的，请填写晚于今天的新整改期限。"
    if errors:
        raise ValidationError(errors)
    termination.decided_on = decided_on
    termination.decision_number = decision_number.strip()
    termination.decision_note = (note or "").strip()
    termination.recorded_by = by
    termination.decision_file = _store(upload, termination, by) or termination.decision_file
    told = contractor_users(contract=termination.contract)
    if terminate:
        termination.status = T.TERMINATED
        save_with_history(termination, by=by, reason=f"县人民政府决定终止合同（{termination.decision_number}）")
        contract_terminate(
            contract=termination.contract, by=by, basis="termination", decided_on=decided_on,
            document_number=termination.decision_number, reason=termination.decision_note or "限期内仍未整改完毕",
            source=termination,
        )
        _publish(termination, by, today)
        title = f"县人民政府决定终止{termination.contract}"
    else:
        termination.status = T.EXTENDED
        termination.new_deadline = new_deadline
        save_with_history(termination, by=by, reason=f"县人民政府决定限期整改至 {new_deadline:%Y-%m-%d}（{termination.decision_number}）")
        items = termination.proposal.items.all() if termination.proposal_id else ()
        for item in items:
            rectification_extend_by_decision(
                item=item, new_due_date=new_deadline, by=by,
                reason=f"县人民政府决定（{termination.decision_number}）限期整改至 {new_deadline:%Y-%m-%d}",
            )
        title = f"县人民政府决定{termination.etown.name}限期整改至 {new_deadline:%Y年%-m月%-d日}"
    notify(
        users=office_users(termination.county_id) + _leaders(termination.county_id) + told, kind="termination",
        url=termination.get_absolute_url(), title=title, body=f"决定文号：{termination.decision_number}。{termination.decision_note}",
    )
    return termination


def _publish(termination, by, today):
    """The public column's notice of the decision (issue 12): the decision, its date and
    number and that payments stop; the 请示 and the proceedings stay internal."""
    kind = "终止项目建设合同" if termination.kind == Termination.Kind.TERMINATION else "取消承办资格"
    contract = termination.contract
    body = (
        f"{termination.decided_on.year}年{termination.decided_on.month}月{termination.decided_on.day}日，"
        f"县人民政府决定（{termination.decision_number}）{kind}：{contract.contractor.name}承办的"
        f"{termination.etown.name}项目，合同《{contract.title}》（{contract.number}）自即日起终止，专项资金停止拨付，"
        "已拨付资金依规核查追回。"
    )
    return notice_create(
        county=termination.etown.county, etown=termination.etown, kind=Notice.Kind.GENERAL,
        title=f"关于{termination.etown.name}{kind}的公告", body=body, start_date=today, by=by, source=termination,
    )


@transaction.atomic
def disqualification_record(*, contract, decided_on, decision_number, reason, by, upload=None, today=None):
    """取消承办资格 decided by the county government (000 第一条（三）; 001 第一条（四）),
    recorded by the office; ends the contract like a termination."""
    contract = Contract.objects.select_related("etown__county").get(pk=contract.pk)
    require(perms.can_supervise(by, contract.etown))
    today = today or timezone.localdate()
    errors = _check_decision(decided_on, decision_number, today)
    if not (reason or "").strip():
        errors["reason"] = "请填写事由。"
    if contract.status not in LIVE_CONTRACTS:
        errors["__all__"] = "该合同已终止。"
    if errors:
        raise ValidationError(errors)
    rule = DisqualificationRule.objects.filter(county_id=contract.etown.county_id).first()
    termination = Termination(
        county=contract.etown.county, etown=contract.etown, contract=contract, kind=Termination.Kind.DISQUALIFICATION,
        status=T.TERMINATED, decided_on=decided_on, decision_number=decision_number.strip(),
        decision_note=reason.strip(), recorded_by=by,
    )
    termination.decision_file = _store(upload, termination, by)
    told = contractor_users(contract=contract)
    save_with_history(termination, by=by, reason=f"县人民政府决定取消承办资格（{termination.decision_number}）"
                      + (f"，依据{rule.clause}" if rule else ""))
    contract_terminate(contract=contract, by=by, basis="disqualification", decided_on=decided_on,
                       document_number=termination.decision_number, reason=reason.strip(), source=termination)
    _publish(termination, by, today)
    notify(
        users=office_users(contract.etown.county_id) + _leaders(contract.etown.county_id) + told, kind="termination",
        url=termination.get_absolute_url(), title=f"取消{contract.contractor.name}承办资格",
        body=f"决定文号：{termination.decision_number}。{reason.strip()}",
    )
    return termination


@transaction.atomic
def disqualification_rule_update(*, county, min_items, clause, by, reason):
    """The county's rule, with its clause; changed by its office with a reason."""
    if not in_scope(by, county.pk, {Role.OFFICE}):
        require(Verdict(False, "仅本县领导小组办公室可以修改取消承办资格规则。"))
    errors = {}
    if not min_items or min_items < 1:
        errors["min_items"] = "事项数须不少于 1。"
    if not (clause or "").strip():
        errors["clause"] = "请填写依据条款。"
    if not (reason or "").strip():
        errors["reason"] = "请填写修改原因。"
    if errors:
        raise ValidationError(errors)
    rule = DisqualificationRule.objects.select_for_update().filter(county=county).first() or DisqualificationRule(
        county=county
    )
    rule.min_items = min_items
    rule.clause = clause.strip()
    return save_with_history(rule, by=by, reason=reason.strip())
