"""The conclusion chain of a passed acceptance (验收结论的审批、审核、公示和生效).

004 附件3 第八条（二）：对通过验收的项目，作出通过验收意见并报县政府审核; 附件2 第十二条3：
经验收合格的项目，须在县政府网站公示至少 5 个工作日，公示无异议后，方可向项目承办主体拨付
专项资金; 附件2 第七条：预留 10% 尾款，待项目完工并终期验收通过后全额拨付; 第十七条：验收
合格出具验收报告和审计报告，并报运城市商务局和山西省商务厅备案.

The review group's passed opinion (recorded by acceptance.services.applications, with its
report PDF) then goes:

    leader (领导小组审批, Role.LEADER) → government (县政府审核, recorded by the office with
    date and document number, which publishes the result notice of ≥ 5 statutory working
    days) → notice (objections through the opinion window hold it) → counted (the office
    confirms once the notice has ended with every objection resolved).

Only a counted acceptance supports money: a stage acceptance the progress payment that
names it, a final one the retention (``etown.services.contract_record_final_acceptance``
is called here and nowhere else) and the e-town's move to 已结项. An objection to the
result notice, even after counting, holds the payments resting on it until the office
records how it was resolved (the gate is acceptance.selectors.applications.payment_basis_gate).
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Contract, ETown, Notice, Role, StoredFile
from etown.notifications import Due, notify, remind_many
from etown.permissions import require
from etown.recipients import contractor_users, office_users, staff, staff_by_county
from etown.services import contract_record_final_acceptance, etown_update, save_with_history
from etown.services.notices import notice_create
from etown.uploads import DOCUMENTS, file_store

from ..models import AcceptanceApplication, AcceptanceReview, ResultObjection, ResultStage
from ..models.application import RESULT_NOTICE_WORKDAYS
from ..permissions import can_approve_conclusion, can_carry_conclusion

A = AcceptanceApplication


def _locked(application):
    return (
        A.objects.select_for_update(of=("self",))
        .select_related("etown__county", "contract__contractor", "result_notice")
        .get(pk=application.pk)
    )


def _expect_stage(application, stage):
    if application.status != A.Status.PASSED or application.result_stage != stage:
        raise ValidationError(
            f"该验收结论当前不在“{ResultStage(stage).label}”环节（可能已被他人处理，请刷新页面）。"
        )


def _passed_review(application):
    return application.reviews.filter(conclusion=AcceptanceReview.Conclusion.PASSED).order_by("-round").first()


def _what(application):
    return application.get_kind_display() + (f"（{application.stage_name}）" if application.stage_name else "")


def _tell(users, application, title, body=""):
    notify(users=users, title=title, body=body, url=application.get_absolute_url(), kind="acceptance_conclusion")


# Leading group -------------------------------------------------------------------------


@transaction.atomic
def acceptance_leader_approve(*, application, by, note="", today=None):
    """The leading group approves the review group's passed opinion. A final acceptance
    comes with its audit report (附件2 第十七条：出具验收报告和审计报告)."""
    require(can_approve_conclusion(by, application.etown))
    today = today or timezone.localdate()
    application = _locked(application)
    _expect_stage(application, ResultStage.LEADER)
    if application.kind == A.Kind.FINAL and not application.audit_report_id:
        raise ValidationError("终期验收须出具审计报告（临猗资金办法第十七条），请领导小组办公室先上传审计报告。")
    application.leader_approved_by = by
    application.leader_approved_on = today
    application.leader_note = (note or "").strip()[:300]
    application.result_stage = ResultStage.GOVERNMENT
    save_with_history(application, by=by, reason="领导小组审批通过验收结论" + (f"：{application.leader_note}" if application.leader_note else ""))
    etown = application.etown
    _tell(office_users(etown.county_id), application,
          f"{etown.name}{_what(application)}结论已经领导小组审批，请报县政府审核并登记审核结果",
          "按临猗验收制度第八条（二），通过验收意见报县政府审核；审核后公示至少 5 个工作日。")
    return application


# County government ---------------------------------------------------------------------


@transaction.atomic
def acceptance_record_government_review(*, application, by, reviewed_on, document_number, notice_start=None,
                                        today=None):
    """The county government's review, recorded by the office (date and document
    number), and the result notice it opens: at least 5 statutory working days
    (附件2 第十二条3), starting ``notice_start`` (today by default)."""
    require(can_carry_conclusion(by, application.etown))
    today = today or timezone.localdate()
    application = _locked(application)
    _expect_stage(application, ResultStage.GOVERNMENT)
    document_number = (document_number or "").strip()
    notice_start = notice_start or today
    errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = "请填写县政府审核日期。"
    elif reviewed_on > today:
        errors["reviewed_on"] = "审核日期不能晚于今天。"
    elif application.leader_approved_on and reviewed_on < application.leader_approved_on:
        errors["reviewed_on"] = "县政府审核日期不能早于领导小组审批日期。"
    if not document_number:
        errors["document_number"] = "请填写县政府审核文号（如会议纪要或批复文号）。"
    if notice_start < today:
        errors["notice_start"] = "公示开始日期不能早于今天。"
    if errors:
        raise ValidationError(errors)
    application.government_reviewed_on = reviewed_on
    application.government_document = document_number[:60]
    application.result_notice = _publish_result(application, by=by, start_date=notice_start)
    application.result_stage = ResultStage.NOTICE
    save_with_history(application, by=by, reason=f"登记县政府审核（{application.government_document}），发布验收结果公示")
    notice = application.result_notice
    etown = application.etown
    _tell(contractor_users(etown=etown) + office_users(etown.county_id), application,
          f"{etown.name}{_what(application)}结果公示至 {notice.end_date:%Y-%m-%d}",
          "公示期满无异议（或异议已处理）后，由办公室确认验收结论生效。")
    return application


def _publish_result(application, *, by, start_date):
    etown = application.etown
    review = _passed_review(application)
    when = f"{review.reviewed_on.year}年{review.reviewed_on.month}月{review.reviewed_on.day}日"
    gov = application.government_reviewed_on
    body = (
        f"{when}，县乡村e镇工作领导小组组织验收小组对{etown.name}（承办企业：{application.contract.contractor.name}）"
        f"{_what(application)}进行了验收，结论为：通过验收。该结论经领导小组审批，并经县人民政府审核"
        f"（{gov.year}年{gov.month}月{gov.day}日，{application.government_document}）。\n验收意见：{review.opinion}\n"
        f"公示期 {RESULT_NOTICE_WORKDAYS} 个工作日。如有异议，请在公示期内通过专栏意见窗口或举报窗口反映。"
    )
    return notice_create(
        county=etown.county, etown=etown, kind=Notice.Kind.ACCEPTANCE, title=f"{etown.name}{_what(application)}结果公示",
        body=body, start_date=start_date, by=by, workdays_count=RESULT_NOTICE_WORKDAYS, source=review,
    )


# Objections ----------------------------------------------------------------------------


@transaction.atomic
def acceptance_record_objection(*, application, text, by=None, submission=None, notice=None):
    """An objection to the result notice: from the public window (``submission``, sent
    through etown.signals.notice_objected) or recorded by the office. It stops the
    acceptance from counting and holds the payments resting on it until resolved."""
    if submission is None and by is not None:
        require(can_carry_conclusion(by, application.etown))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写异议内容。"})
    application = _locked(application)
    notice = notice or application.result_notice
    if notice is None:
        raise ValidationError("该验收结论尚未公示，无公示异议可登记。")
    objection = ResultObjection.objects.create(
        application=application, notice=notice, text=text, submission_id=getattr(submission, "pk", None),
        recorded_by=by if submission is None else None,
    )
    save_with_history(application, by=by if submission is None else None, reason="验收结果公示收到异议，待办公室核查处理")  # never the text: issue 14
    etown = application.etown
    _tell(office_users(etown.county_id), application, f"{etown.name}{_what(application)}结果公示收到异议",
          text[:200] + "\n异议处理完毕前，验收结论不生效，依据该验收的拨付暂停。")
    return objection


@transaction.atomic
def acceptance_resolve_objection(*, objection, resolution, by):
    """The office records how an objection was dealt with (核查处理结果)."""
    application = objection.application
    require(can_carry_conclusion(by, application.etown))
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "请填写异议核查处理结果。"})
    _locked(application)
    objection = ResultObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.resolved_at:
        raise ValidationError("该异议已处理。")
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution, by, timezone.now()
    objection.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    save_with_history(application, by=by, reason=f"验收结果公示异议已处理：{resolution[:100]}")
    return objection


def unresolved_objections(application):
    return application.objections.filter(resolved_at__isnull=True)


# Counting ------------------------------------------------------------------------------


@transaction.atomic
def acceptance_confirm_result(*, application, by, today=None):
    """The notice has ended and every objection is resolved: the acceptance counts. A
    final one records the contract's final acceptance (the retention may now be
    requested, 附件2 第七条) and, when every live contract is accepted, closes the
    e-town (已结项)."""
    require(can_carry_conclusion(by, application.etown))
    today = today or timezone.localdate()
    application = _locked(application)
    _expect_stage(application, ResultStage.NOTICE)
    notice = application.result_notice
    if notice is None or notice.withdrawn_at:
        raise ValidationError("该验收结论没有有效的结果公示。")
    if today <= notice.end_date:
        raise ValidationError(f"结果公示至 {notice.end_date:%Y年%-m月%-d日} 结束，期满后方可确认验收结论生效。")
    pending = unresolved_objections(application).count()
    if pending:
        raise ValidationError(f"结果公示收到的 {pending} 条异议尚未处理，处理完毕后方可确认验收结论生效。")
    application.counted_on = today
    application.result_stage = ResultStage.COUNTED
    save_with_history(application, by=by, reason="结果公示期满无未处理异议，验收结论生效")
    etown = application.etown
    if application.kind == A.Kind.FINAL:
        contract_record_final_acceptance(
            contract=application.contract, passed_on=today, by=by,
            reason=f"终期验收结论生效（县政府审核 {application.government_document}，公示期满无异议）",
        )
        live = Contract.objects.filter(etown=etown, status__in=LIVE_CONTRACTS)
        if not live.filter(final_acceptance_passed_on__isnull=True).exists():
            etown_update(etown=etown, by=by, reason="终期验收结论生效，项目结项", phase=ETown.Phase.CLOSED)
        body = f"尾款（{application.contract.retention_amount:,.2f} 元）可按程序申请拨付；请于验收后报市、省备案。"
    else:
        body = "该阶段验收可作为一笔进度款的拨付依据。"
    finance = staff(county_id=etown.county_id, role=Role.REVIEWER)
    _tell(contractor_users(etown=etown) + office_users(etown.county_id) + finance, application,
          f"{etown.name}{_what(application)}结论已生效", body)
    return application


# Audit report --------------------------------------------------------------------------


@transaction.atomic
def acceptance_record_audit_report(*, application, upload, issuer, by):
    """The audit report (审计报告) of a final acceptance (附件2 第十七条; 第十四条：决算审计),
    required before the leading group approves the conclusion."""
    require(can_carry_conclusion(by, application.etown))
    application = _locked(application)
    if application.kind != A.Kind.FINAL:
        raise ValidationError("审计报告是终期验收的材料，阶段验收无需上传。")
    if application.status == A.Status.FAILED or application.result_stage in (ResultStage.NOTICE, ResultStage.COUNTED):
        raise ValidationError("该验收结论已进入公示或已办结，不能再更换审计报告。")
    issuer = (issuer or "").strip()
    errors = {}
    if upload is None:
        errors["file"] = "请上传审计报告。"
    if not issuer:
        errors["issuer"] = "请填写审计报告出具单位。"
    if errors:
        raise ValidationError(errors)
    application.audit_report = file_store(
        upload=upload, county=application.etown.county, etown=application.etown, by=by,
        access=StoredFile.Access.ETOWN, purpose="终期验收审计报告", allowed=DOCUMENTS,
    )
    application.audit_issuer = issuer[:100]
    return save_with_history(application, by=by, reason=f"上传审计报告（{application.audit_issuer}）")


# The sweep ------------------------------------------------------------------------------


def acceptance_result_sweep(today, calendar):
    """Tell the office once when a result notice has ended: confirm the conclusion (or
    deal with the objections first)."""
    due = list(A.objects.filter(result_stage=ResultStage.NOTICE, result_notice__end_date__lt=today).select_related(
        "etown", "result_notice"
    ))
    offices = staff_by_county({a.etown.county_id for a in due}, Role.OFFICE)  # set-based (issue 16)
    return remind_many([
        Due.of(
            application, kind="acceptance_notice_over", due_date=application.result_notice.end_date,
            users=offices.get(application.etown.county_id, []),
            title=f"{application.etown.name}{_what(application)}结果公示已期满，请确认验收结论生效",
            body="如公示期间收到异议，请先登记处理结果。", url=application.get_absolute_url(),
        )
        for application in due
    ])
