"""Who may record evaluations, apply for and review acceptance, and export dossiers.

Each ``can_<verb>(user, obj)`` returns an ``etown.permissions.Verdict`` with a Chinese
reason, in the style of etown.permissions. The role checks take the e-town so they
work as ``write=`` for ``get_etown_for`` / ``get_child_for``; the state checks take the
record and say why the action is not open now.
"""
from etown.models import Role
from etown.permissions import ALLOW, PROVINCE_REACH, Verdict, can_edit_etown, can_inspect, can_report_for, in_scope, memberships

from .models import AcceptanceApplication, Evaluation


def can_record_evaluation(user, etown):
    """The office, the third-party agency assigned to the e-town, or the province's
    office staff, who organise the evaluation (002 第十八条：省商务厅组织的专业人员或聘请第三方
    开展评价; issue 16: a province membership reaches this write, city and national ones do not)."""
    verdict = can_inspect(user, etown)
    if verdict or in_scope(user, etown.county_id, {Role.OFFICE}, reach=PROVINCE_REACH):
        return ALLOW
    return Verdict(False, "仅领导小组办公室、省级主管部门或受委托的第三方机构可以录入中期绩效评价。")


def can_decide_evaluation(user, etown):
    """Only the office records the decision on a 不合格 result (reduction, cancellation,
    clawback): it records what the leading group decided."""
    verdict = can_edit_etown(user, etown)
    return verdict if verdict else Verdict(False, "仅领导小组办公室可以录入处理决定。")


def can_confirm_re_evaluation(user, etown):
    """Confirm that a re-evaluation replaces the province's result (issue 11): an office
    head of the e-town's county (``Membership.is_head``)."""
    for m in memberships(user):
        if m.role == Role.OFFICE and m.is_head and m.county_id == etown.county_id:
            return ALLOW
    return Verdict(False, "仅领导小组办公室负责人可以确认复评结果。")


def can_apply_acceptance(user, etown):
    verdict = can_report_for(user, etown)
    return verdict if verdict else Verdict(False, "仅该项目的承办企业可以提交验收申请。")


def can_review_acceptance(user, etown):
    """The acceptance group is convened by the office (商务局牵头); an assigned third-party
    agency may record it when entrusted (004 附件2 第十七条：或委托第三方机构进行验收)."""
    verdict = can_inspect(user, etown)
    return verdict if verdict else Verdict(False, "仅领导小组办公室或受委托的第三方机构可以录入验收结论。")


def can_file_acceptance(user, etown):
    verdict = can_edit_etown(user, etown)
    return verdict if verdict else Verdict(False, "仅领导小组办公室可以登记报备。")


def can_export_dossier(user, etown):
    """The office files the dossier with city and province; auditors read it
    (004 附件2 第十八条, 附件3 第九条)."""
    if in_scope(user, etown.county_id, {Role.OFFICE, Role.AUDITOR}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室和审计监督人员可以导出项目档案。")


# State checks (Hypha style): the role may be right but the record is not ready.


def can_record_decision(user, evaluation):
    verdict = can_decide_evaluation(user, evaluation.etown)
    if not verdict:
        return verdict
    if evaluation.result != Evaluation.Result.UNQUALIFIED:
        return Verdict(False, "只有评价结果为不合格时才需录入减少资金、取消资格或收回资金的决定。")
    return ALLOW


def can_record_review(user, application):
    verdict = can_review_acceptance(user, application.etown)
    if not verdict:
        return verdict
    if not application.is_open:
        return Verdict(False, f"该申请已{application.get_status_display()}，不能再录入验收结论。")
    return ALLOW


def can_record_filing(user, application):
    verdict = can_file_acceptance(user, application.etown)
    if not verdict:
        return verdict
    if application.status != AcceptanceApplication.Status.PASSED:
        return Verdict(False, "验收通过后方可登记向市、省报备。")
    if not application.is_counted:
        return Verdict(False, "验收结论生效（领导小组审批、县政府审核、公示期满）后方可登记报备。")
    if application.filed_on:
        return Verdict(False, "已登记报备。")
    return ALLOW


def can_edit_evaluation(user, evaluation):
    """The office may correct any evaluation; an assigned agency only one credited to
    itself, never a province's or city's result (found in review: an agency could turn a
    province's 不合格 into 合格 and unlock payments)."""
    if can_edit_etown(user, evaluation.etown):
        return ALLOW
    if evaluation.agency_id and can_inspect(user, evaluation.etown):
        own = {m.organization_id for m in memberships(user) if m.role == Role.AGENCY}
        if evaluation.agency_id in own:
            return ALLOW
    return Verdict(False, "第三方机构只能修改本机构录入的评价。")


# The conclusion chain of a passed opinion (004 附件3 第八条（二）; 附件2 第十二条3、第十七条).


def can_approve_conclusion(user, etown):
    """The leading group approves acceptance conclusions (DESIGN: 领导小组审批验收结论)."""
    if in_scope(user, etown.county_id, {Role.LEADER}):
        return ALLOW
    return Verdict(False, "仅本县领导小组成员可以审批验收结论。")


def can_carry_conclusion(user, etown):
    """The office records what the county government decided (it has no accounts), runs
    the result notice, deals with objections and uploads the audit report."""
    verdict = can_edit_etown(user, etown)
    return verdict if verdict else Verdict(False, "仅领导小组办公室可以办理此步骤。")
