"""Writes of mid-term evaluations (中期绩效评价, 安泽办法 002 第十七条、第十八条).

Every function is keyword-only, atomic, and records who acted (and why) in the history.

The feedback problems of an evaluation are ordinary rectification items (整改事项) of
supervision, with source "evaluation" and the evaluation as their source object; they
follow supervision's workflow (evidence, verification, 销号, escalation) and its funds
check. Acceptance only creates them (here) and reads whether they are closed
(acceptance.selectors.evaluations).
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Contract, Notice, StoredFile
from etown.services.notices import notice_create, notices_for_source
from etown.notifications import notify
from etown.permissions import can_edit_etown, require
from etown.recipients import contractor_users, office_users
from etown.services import contract_terminate, save_with_history
from etown.uploads import DOCUMENTS, file_store
from supervision.models import Rectification
from supervision.services import rectification as rectification_services

from ..models import Evaluation
from ..signals import evaluation_decided
from ..permissions import (
    can_confirm_re_evaluation,
    can_decide_evaluation,
    can_edit_evaluation,
    can_record_evaluation,
)
from ..selectors.evaluations import governing_evaluation


def _store_report(upload, etown, by):
    return file_store(
        upload=upload, county=etown.county, etown=etown, by=by, access=StoredFile.Access.ETOWN,
        purpose="中期绩效评价报告", allowed=DOCUMENTS,
    )


def _check_dates(evaluated_on, today):
    if evaluated_on > today:
        raise ValidationError({"evaluated_on": "评价日期不能晚于今天。"})


@transaction.atomic
def evaluation_create(*, etown, by, evaluator_kind, evaluator_name, evaluated_on, result, score=None, summary="",
                      agency=None, report=None, publish=False, today=None, replaces=None):
    """Record an evaluation. ``report`` is an upload (checked and stored); ``publish``
    puts the result in the public column (Notice kind 绩效评价结果公示). ``replaces``: the
    result this one re-evaluates (复评), of the same authority; it governs the funds only
    once an office head confirms it (``evaluation_confirm_replacement``, issue 11)."""
    require(can_record_evaluation(by, etown))
    today = today or timezone.localdate()
    _check_dates(evaluated_on, today)
    _check_replacement(etown=etown, evaluator_kind=evaluator_kind, evaluated_on=evaluated_on, replaces=replaces)
    if agency is not None and not etown.agencies.filter(pk=agency.pk).exists():
        raise ValidationError({"agency": "该第三方机构未受托承担本项目的评价工作。"})
    evaluation = Evaluation(
        etown=etown, evaluator_kind=evaluator_kind, evaluator_name=evaluator_name, evaluated_on=evaluated_on,
        result=result, score=score, summary=summary, agency=agency, recorded_by=by, replaces=replaces,
    )
    if report is not None:
        evaluation.report_file = _store_report(report, etown, by)
    reason = f"录入中期绩效评价：{evaluation.get_result_display()}"
    if replaces is not None:
        reason = f"录入复评结果：{evaluation.get_result_display()}（复评 {replaces.evaluated_on:%Y-%m-%d} 的结果，待办公室负责人确认）"
    save_with_history(evaluation, by=by, reason=reason)
    if publish:
        evaluation_publish(evaluation=evaluation, by=by, today=today)
    notify(
        users=contractor_users(etown=etown) + office_users(etown.county_id),
        title=f"{etown.name}中期绩效评价结果：{evaluation.get_result_display()}",
        body=_consequence(evaluation), url=evaluation.get_absolute_url(), kind="evaluation_result",
    )
    return evaluation


def _check_replacement(*, etown, evaluator_kind, evaluated_on, replaces):
    """002 第十八条: the province's result governs the funds. A second province record is a
    re-evaluation of the one in force, recorded as such; a re-evaluation is of the same
    authority (a county's or agency's record never replaces the province's)."""
    if replaces is None:
        if evaluator_kind == Evaluation.Evaluator.PROVINCE and governing_evaluation(etown) is not None:
            raise ValidationError({"replaces": (
                "本项目已有省级中期评价结果。如为复评，请注明所复评的结果；复评结果经办公室负责人确认后方替代原结果。"
            )})
        return
    if replaces.etown_id != etown.pk:
        raise ValidationError({"replaces": "复评须针对本项目的评价结果。"})
    if replaces.evaluator_kind != evaluator_kind:
        raise ValidationError({"replaces": "复评须由同一评价主体组织（省级结果只能由省级复评替代）。"})
    if evaluated_on < replaces.evaluated_on:
        raise ValidationError({"evaluated_on": "复评日期不能早于所复评的评价。"})
    if replaces.replaced_by.filter(replacement_confirmed_at__isnull=False).exists():
        raise ValidationError({"replaces": "该评价结果已被确认的复评替代。"})


@transaction.atomic
def evaluation_confirm_replacement(*, evaluation, by):
    """An office head confirms that a re-evaluation replaces the result it names (issue
    11); from then on it governs the funds. Recorded with history on both."""
    require(can_confirm_re_evaluation(by, evaluation.etown))
    # Lock the evaluation row only: PostgreSQL cannot lock the nullable side of the outer
    # join that select_related("replaces") makes.
    evaluation = Evaluation.objects.select_for_update(of=("self",)).select_related("replaces", "etown").get(pk=evaluation.pk)
    if evaluation.replaces_id is None:
        raise ValidationError("该评价不是复评，无需确认。")
    if evaluation.replacement_confirmed_at:
        raise ValidationError("该复评结果已确认。")
    if evaluation.replaces.replaced_by.filter(replacement_confirmed_at__isnull=False).exists():
        raise ValidationError("所复评的结果已被另一复评替代。")
    evaluation.replacement_confirmed_by, evaluation.replacement_confirmed_at = by, timezone.now()
    replaced = evaluation.replaces
    save_with_history(evaluation, by=by, reason=(
        f"办公室负责人确认复评结果（{evaluation.get_result_display()}）替代 {replaced.evaluated_on:%Y-%m-%d} 的"
        f"{replaced.get_result_display()}结果"
    ))
    save_with_history(replaced, by=by, reason=f"已被 {evaluation.evaluated_on:%Y-%m-%d} 的复评结果替代（办公室负责人确认）",
                      validate=False)
    notify(
        users=contractor_users(etown=evaluation.etown) + office_users(evaluation.etown.county_id),
        title=f"{evaluation.etown.name}中期绩效复评结果已确认：{evaluation.get_result_display()}",
        body=_consequence(evaluation), url=evaluation.get_absolute_url(), kind="evaluation_result",
    )
    return evaluation


def _consequence(evaluation):
    """What the result means for the money, in the words of 002 第十八条."""
    if evaluation.result == Evaluation.Result.QUALIFIED:
        return "结果为合格，继续拨付中期建设资金。"
    if evaluation.result == Evaluation.Result.BASIC:
        return "结果为基本合格，须按评价提出的整改建议整改，整改合格（整改事项全部销号）后方可拨付中期建设资金。"
    return "结果为不合格，暂停拨付，并视情况减少支持资金、取消培育资格并收回已拨付资金。"


@transaction.atomic
def evaluation_update(*, evaluation, by, reason, today=None, report=None, **fields):
    """Correct a recorded evaluation; the reason goes to the history."""
    if not reason:
        raise ValidationError({"reason": "请填写修改原因。"})
    today = today or timezone.localdate()
    evaluation = Evaluation.objects.select_for_update().select_related("etown__county").get(pk=evaluation.pk)
    require(can_edit_evaluation(by, evaluation))
    if not can_edit_etown(by, evaluation.etown):  # an agency never changes who evaluated
        for name in ("evaluator_kind", "evaluator_name", "agency"):
            fields.pop(name, None)
    allowed = {"evaluator_kind", "evaluator_name", "evaluated_on", "result", "score", "summary", "agency"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"cannot update {unknown}")
    # The province's result is changed by a confirmed re-evaluation only, never by an edit
    # (issue 11); nor does an edit turn another record into the province's.
    province = Evaluation.Evaluator.PROVINCE
    kind = fields.get("evaluator_kind", evaluation.evaluator_kind)
    if (province in (kind, evaluation.evaluator_kind) and kind != evaluation.evaluator_kind) or (
        evaluation.evaluator_kind == province and fields.get("result", evaluation.result) != evaluation.result
    ):
        raise ValidationError({"result": "省级评价结果不能直接修改；如经复评，请录入复评结果，由办公室负责人确认后替代原结果。"})
    for name, value in fields.items():
        setattr(evaluation, name, value)
    _check_dates(evaluation.evaluated_on, today)
    if evaluation.agency_id and not evaluation.etown.agencies.filter(pk=evaluation.agency_id).exists():
        raise ValidationError({"agency": "该第三方机构未受托承担本项目的评价工作。"})
    if report is not None:
        evaluation.report_file = _store_report(report, evaluation.etown, by)
    if evaluation.result != Evaluation.Result.UNQUALIFIED and evaluation.decided_on:
        # A decision belongs to a 不合格 result only; keep the record honest.
        raise ValidationError({"result": "已录入不合格处理决定的评价不能改为其他结果；如属误录，请先核实并说明。"})
    return save_with_history(evaluation, by=by, reason=reason)


@transaction.atomic
def evaluation_publish(*, evaluation, by, today=None):
    require(can_decide_evaluation(by, evaluation.etown))
    # Locked and checked here, so two clicks at once publish one notice.
    evaluation = Evaluation.objects.select_for_update().select_related("etown__county").get(pk=evaluation.pk)
    if notices_for_source(evaluation).filter(withdrawn_at__isnull=True).exists():
        raise ValidationError("该评价结果已公示。")
    today = today or timezone.localdate()
    etown = evaluation.etown
    score = f"，得分 {evaluation.score.normalize():f} 分" if evaluation.score is not None else ""
    body = (
        f"{evaluation.evaluator_name}于{evaluation.evaluated_on.year}年{evaluation.evaluated_on.month}月"
        f"{evaluation.evaluated_on.day}日对{etown.name}开展中期绩效评价，评价结果为{evaluation.get_result_display()}{score}。"
        f"\n{_consequence(evaluation)}\n如有异议，请在公示期内通过专栏意见窗口反映。"
    )
    return notice_create(
        county=etown.county, etown=etown, kind=Notice.Kind.EVALUATION, title=f"{etown.name}中期绩效评价结果公示",
        body=body, start_date=today, by=by, source=evaluation,
    )


@transaction.atomic
def evaluation_record_decision(*, evaluation, by, decided_on, decision_basis, reduction_amount=Decimal("0"),
                               cancel_qualification=False, clawback_amount=Decimal("0"), today=None, contract=None):
    """The decision on a 不合格 result (002 第十八条), carried out in the same transaction
    (issue 12): ``evaluation_decided`` makes funds create the reduction and clawback
    records of ``contract`` linked to the evaluation (a refusal there undoes the
    decision), and a cancelled qualification (取消培育资格) ends every live contract of the
    e-town like a termination (``etown.services.contract_terminate``: payments held, the
    contractor read-only). ``contract`` may be left out when the e-town has one live
    contract. A decision is recorded once."""
    require(can_decide_evaluation(by, evaluation.etown))
    today = today or timezone.localdate()
    evaluation = Evaluation.objects.select_for_update().select_related("etown__county").get(pk=evaluation.pk)
    if evaluation.result != Evaluation.Result.UNQUALIFIED:
        raise ValidationError("只有评价结果为不合格时才需录入处理决定。")
    if evaluation.decided_on:
        raise ValidationError("该评价的处理决定已录入并已执行，不能重复录入。")
    live = list(Contract.objects.filter(etown=evaluation.etown, status__in=LIVE_CONTRACTS).order_by("signed_on", "pk"))
    if contract is None and len(live) == 1:
        contract = live[0]
    errors = {}
    if contract is not None and contract.pk not in {c.pk for c in live}:
        # Only a live contract of this e-town (another e-town's, or one already ended, never).
        errors["contract"] = "所选合同不是本项目履行中的合同，请重新选择。"
    elif contract is None and (reduction_amount or clawback_amount):
        errors["contract"] = ("本项目有多份履行中的合同，请选择处理决定针对的合同。" if live
                              else "本项目没有履行中的合同，不能减少支持资金或收回资金。")
    if decided_on < evaluation.evaluated_on:
        errors["decided_on"] = "决定日期不能早于评价日期。"
    elif decided_on > today:
        errors["decided_on"] = "决定日期不能晚于今天。"
    if not (decision_basis or "").strip():
        errors["decision_basis"] = "请填写决定依据（如领导小组会议纪要）及决定内容。"
    contract_total = Contract.objects.filter(etown=evaluation.etown, status__in=LIVE_CONTRACTS).aggregate(
        s=Sum("amount")
    )["s"] or Decimal("0")
    for name, value in (("reduction_amount", reduction_amount), ("clawback_amount", clawback_amount)):
        if value is None or value < 0:
            errors[name] = "金额不能为负数。"
        elif value > contract_total:
            errors[name] = f"金额不能超过项目合同总额 {contract_total:,.2f} 元。"
    if errors:
        raise ValidationError(errors)
    evaluation.decided_on = decided_on
    evaluation.decision_basis = decision_basis.strip()
    evaluation.reduction_amount = reduction_amount
    evaluation.cancel_qualification = cancel_qualification
    evaluation.clawback_amount = clawback_amount
    evaluation.decided_by = by
    save_with_history(evaluation, by=by, reason=f"录入不合格处理决定：{evaluation.decision_text()}")
    told = contractor_users(etown=evaluation.etown)
    if reduction_amount or clawback_amount:
        evaluation_decided.send(sender=Evaluation, evaluation=evaluation, contract=contract, by=by)
    if cancel_qualification:
        for each in live:
            contract_terminate(
                contract=each, by=by, basis="qualification_cancelled", decided_on=decided_on,
                document_number=evaluation.decision_basis[:80], reason="中期绩效评价不合格，取消培育资格", source=evaluation,
            )
    notify(
        users=told + office_users(evaluation.etown.county_id),
        title=f"{evaluation.etown.name}中期绩效评价不合格处理决定",
        body=evaluation.decision_text(), url=evaluation.get_absolute_url(), kind="evaluation_decision",
    )
    return evaluation


def _names(value):
    """supervision takes lists of names (each may hold several separated by 、 or ，)."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    return list(value or [])


@transaction.atomic
def evaluation_add_item(*, evaluation, by, problem, measures, units, persons, deadline):
    """One feedback problem typed in → a rectification item (source 中期评价). An agency
    only on an evaluation it recorded itself (issue 14: ``can_edit_evaluation``)."""
    require(can_record_evaluation(by, evaluation.etown))
    require(can_edit_evaluation(by, evaluation))
    if deadline is not None and deadline < evaluation.evaluated_on:
        raise ValidationError({"deadline": "整改时限不能早于评价日期。"})
    return rectification_services.rectification_create(
        etown=evaluation.etown, source=Rectification.Source.EVALUATION, problem=problem, measures=measures,
        units=_names(units), persons=_names(persons), deadline=deadline, by=by, source_obj=evaluation,
        reason="中期绩效评价反馈问题",
    )


@transaction.atomic
def evaluation_import_items(*, evaluation, fileobj, by):
    """The evaluation's feedback list (Excel: 序号, 反馈问题, 整改措施, 责任单位, 责任人, 整改时限)
    → rectification items, all or nothing (supervision's import validates every row)."""
    require(can_record_evaluation(by, evaluation.etown))
    require(can_edit_evaluation(by, evaluation))
    return rectification_services.rectifications_import(
        etown=evaluation.etown, fileobj=fileobj, source=Rectification.Source.EVALUATION, by=by,
        source_obj=evaluation, year=evaluation.evaluated_on.year,
    )
