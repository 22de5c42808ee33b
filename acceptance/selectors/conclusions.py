"""Reads of the conclusion chain: whether an acceptance counts, and the disbursement
check that a payment rests on a counted acceptance (004 附件2 第十二条3：经验收合格的项目，
须在县政府网站公示至少 5 个工作日，公示无异议后，方可向项目承办主体拨付专项资金; 附件2
第七条：尾款待终期验收通过后拨付; 附件3 第五条（一）：每完成一个阶段性任务要进行验收，
第八条（二）：通过验收意见报县政府审核).

funds names the stage acceptance a progress payment rests on
(``DisbursementRequest.stage_acceptance``); acceptance does not import funds, so the
check reads the request's ``kind``, ``contract_id`` and ``stage_acceptance_id`` by the
values funds stores ("prepayment", "progress", "retention").
"""
from django.db.models import Count, Q

from ..models import AcceptanceApplication, AcceptanceReview, ResultObjection, ResultStage

A = AcceptanceApplication
PROGRESS, RETENTION = "progress", "retention"  # funds.models.RequestKind values


def counted_stage_acceptances(contract_ids):
    """The counted stage acceptances of these contracts, newest first."""
    return (
        A.objects.filter(contract_id__in=contract_ids, kind=A.Kind.STAGE, status=A.Status.PASSED,
                         result_stage=ResultStage.COUNTED)
        .select_related("contract")
        .order_by("-counted_on", "-pk")
    )


def _what(application):
    return application.get_kind_display() + (f"（{application.stage_name}）" if application.stage_name else "")


def standing(application, pending=None):
    """(supports money, reason) for one acceptance. ``pending``: the number of its
    unresolved result objections when the caller counted them for many (else one query)."""
    what = _what(application)
    if application.status != A.Status.PASSED:
        return False, f"{what}状态为“{application.get_status_display()}”，不能作为拨付依据。"
    if application.result_stage != ResultStage.COUNTED:
        stage = ResultStage(application.result_stage).label if application.result_stage else "待办理"
        return False, (f"{what}验收小组意见为通过，但结论尚未生效（{stage}）：须经领导小组审批、县政府审核，"
                       "并公示至少 5 个工作日无异议。")
    if pending is None:
        pending = ResultObjection.objects.filter(application=application, resolved_at__isnull=True).count()
    if pending:
        return False, f"{what}结果公示收到的 {pending} 条异议尚未处理，依据该验收的拨付暂停。"
    return True, (f"{what}结论已于 {application.counted_on:%Y年%-m月%-d日} 生效"
                  f"（县政府审核 {application.government_document}，公示期满无异议）。")


def payment_basis_gate(etown, *, request=None, **context):
    """The disbursement check (hub group "disbursement", not overridable): a progress
    payment names a counted stage acceptance of its own contract; the retention needs
    the contract's final acceptance counted; either is held while an objection to its
    result notice is unresolved. The prepayment follows the contract alone."""
    if request is None:
        return True, "预付款按合同约定拨付；进度款须依据已生效的阶段验收，尾款须终期验收结论生效。"
    return payment_basis_gates([request])[0]


def payment_basis_gates(requests):
    """[(passed, reason)] of ``payment_basis_gate`` for each of ``requests``, in order, in
    at most three queries whatever their number (issue 16: the disbursement sweep): the
    stage acceptances named, the contracts' final acceptances, the unresolved objections."""
    stage_ids = {r.stage_acceptance_id for r in requests
                 if getattr(r, "kind", "") == PROGRESS and r.stage_acceptance_id}
    stages = A.objects.in_bulk(stage_ids) if stage_ids else {}
    final_contracts = {r.contract_id for r in requests if getattr(r, "kind", "") == RETENTION}
    finals = {}
    if final_contracts:
        for application in (A.objects.filter(contract_id__in=final_contracts, kind=A.Kind.FINAL, status=A.Status.PASSED)
                            .order_by("-received_on", "-pk")):
            finals.setdefault(application.contract_id, application)  # the latest passed
    bases = [_basis(r, stages, finals) for r in requests]
    counted = {b.pk for b in bases if isinstance(b, A) and b.is_counted}
    pending = dict(
        ResultObjection.objects.filter(application_id__in=counted, resolved_at__isnull=True).order_by()
        .values("application_id").annotate(n=Count("pk")).values_list("application_id", "n")
    ) if counted else {}
    return [standing(b, pending.get(b.pk, 0)) if isinstance(b, A) else b for b in bases]


def _basis(request, stages, finals):
    """The acceptance ``request`` rests on (to be judged by ``standing``), or the
    (passed, reason) that needs none."""
    kind = getattr(request, "kind", "")
    if kind == PROGRESS:
        if not request.stage_acceptance_id:
            return False, "进度款须依据一项已生效的阶段验收（验收合格、县政府审核并公示期满无异议），请在申请中选择。"
        application = stages.get(request.stage_acceptance_id)
        if application is None or application.contract_id != request.contract_id:
            return False, "所选阶段验收不属于本合同。"
        if application.kind != A.Kind.STAGE:
            return False, "进度款须依据阶段验收；终期验收是尾款的依据。"
        return application
    if kind == RETENTION:
        application = finals.get(request.contract_id)
        if application is None:
            return False, "项目终期验收尚未通过，尾款不得拨付。"
        return application
    return True, "预付款按合同约定拨付，不以验收为前提（安泽办法第九条）。"


# Passed opinions waiting for the leading group; counted acceptances not yet filed with
# city and province (附件2 第十七条). Dashboard figures (acceptance.selectors.figures).
AWAITING_LEADER = Q(status=A.Status.PASSED, result_stage=ResultStage.LEADER)
AWAITING_FILING = Q(status=A.Status.PASSED, result_stage=ResultStage.COUNTED, filed_on__isnull=True)


def passed_review(application):
    return application.reviews.filter(conclusion=AcceptanceReview.Conclusion.PASSED).order_by("-round").first()
