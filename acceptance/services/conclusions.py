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

Refusals and returns (issue 12; ``ConclusionReturn`` keeps each one):

- the leading group may refuse an exception row (each exception is approved on its own,
  issue 11) and return the opinion to the review group with a reason (→ returned); the
  group revises its opinion and resubmits (→ leader, refused exceptions pending again);
- the county government may not agree (不同意, date, document number, reason): as for a
  project that does not pass (附件3 第八条（二）：提出整改意见及整改期限；对项目整改完成情况进行
  审核，并出具结论), the application goes to rectification with a deadline and the review
  group's re-review, whose passed opinion walks the whole chain again;
- an objection to the result notice found founded (成立) does the same, and revokes the
  acceptance if it already counted (the final acceptance flag cleared, the e-town back
  in 总结验收, the result notice withdrawn): money already paid stays paid, nothing
  further is paid on it. An unfounded one (不成立) lets it count when the notice ends.

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
from etown.services.notices import notice_create, notice_withdraw
from etown.uploads import DOCUMENTS, file_store
from supervision.models import Rectification
from supervision.services import rectification as rectification_services

from ..models import AcceptanceApplication, AcceptanceReview, ChecklistItem, ConclusionReturn, ResultObjection, ResultStage
from ..models.application import RESULT_NOTICE_WORKDAYS
from ..permissions import can_approve_conclusion, can_carry_conclusion, can_review_acceptance
from .applications import review_report_queue

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
    undecided = [i for i in _exceptions(application) if i.exception_status != ChecklistItem.ExceptionStatus.APPROVED]
    if undecided:
        first = undecided[0]
        raise ValidationError(
            f"检查表中尚有 {len(undecided)} 项例外未经领导小组批准（如：{first.label}，{first.get_exception_status_display()}），"
            "不能报县政府审核；请逐项审批例外，不予批准的请退回验收小组修改。"
        )
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


def _exceptions(application):
    review = _passed_review(application)
    if review is None:
        return []
    return list(review.checklist.filter(judgement=ChecklistItem.Judgement.EXCEPTION).order_by("position", "pk"))


@transaction.atomic
def checklist_exception_decide(*, item, by, approve, note="", today=None):
    """The leading group's own decision on one exception row (issue 11: an exception,
    not met on the record and let pass by the group with a reason, needs the leading
    group's approval), approved or refused with a note. While any exception is not
    approved the conclusion cannot go to the county government."""
    application = item.review.application
    require(can_approve_conclusion(by, application.etown))
    today = today or timezone.localdate()
    application = _locked(application)
    _expect_stage(application, ResultStage.LEADER)
    item = ChecklistItem.objects.select_for_update().select_related("review").get(pk=item.pk)
    review = _passed_review(application)
    if item.judgement != ChecklistItem.Judgement.EXCEPTION or review is None or item.review_id != review.pk:
        raise ValidationError("该检查项不是本验收结论中的例外项。")
    if item.exception_status != ChecklistItem.ExceptionStatus.PENDING:
        raise ValidationError(f"该例外项已审批（{item.get_exception_status_display()}），请刷新页面。")
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": "不予批准的，请填写领导小组意见（理由）。"})
    item.exception_status = (ChecklistItem.ExceptionStatus.APPROVED if approve
                             else ChecklistItem.ExceptionStatus.REFUSED)
    item.exception_note, item.exception_decided_by, item.exception_decided_on = note[:300], by, today
    item.save(update_fields=["exception_status", "exception_note", "exception_decided_by", "exception_decided_on"])
    verdict = "批准" if approve else "不予批准"
    save_with_history(application, by=by, reason=f"领导小组{verdict}例外项“{item.label[:60]}”" + (f"：{note[:100]}" if note else ""))
    return item


@transaction.atomic
def acceptance_leader_return(*, application, by, reason, today=None):
    """The leading group returns the passed opinion to the review group with its reason
    (退回验收小组修改). It does not count; the group revises and resubmits."""
    require(can_approve_conclusion(by, application.etown))
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回理由（需验收小组修改的内容）。"})
    application = _locked(application)
    _expect_stage(application, ResultStage.LEADER)
    review = _passed_review(application)
    ConclusionReturn.objects.create(application=application, review=review, body=ConclusionReturn.Body.LEADER,
                                    decided_on=today, reason=reason, recorded_by=by)
    application.result_stage = ResultStage.RETURNED
    save_with_history(application, by=by, reason=f"领导小组退回验收结论：{reason[:150]}")
    etown = application.etown
    group = [review.recorded_by] if review.recorded_by_id else []
    _tell(office_users(etown.county_id) + group, application,
          f"{etown.name}{_what(application)}结论被领导小组退回，请验收小组修改后重新报送", reason[:200])
    return application


@transaction.atomic
def acceptance_conclusion_resubmit(*, application, by, opinion, note=""):
    """The review group revises its opinion after the leading group's return and
    resubmits it (back to the leading group; exceptions it refused wait for a new
    decision). The revised opinion goes to the review's history and its report is
    rendered again."""
    require(can_review_acceptance(by, application.etown))
    opinion, note = (opinion or "").strip(), (note or "").strip()
    errors = {}
    if not opinion:
        errors["opinion"] = "请填写修改后的验收意见。"
    if not note:
        errors["note"] = "请说明按领导小组意见所作的修改。"
    if errors:
        raise ValidationError(errors)
    application = _locked(application)
    _expect_stage(application, ResultStage.RETURNED)
    review = AcceptanceReview.objects.select_for_update().get(pk=_passed_review(application).pk)
    returned = application.returns.filter(body=ConclusionReturn.Body.LEADER, resubmitted_on__isnull=True).last()
    today = timezone.localdate()
    if returned is not None:
        returned.resubmitted_on, returned.resubmit_note = today, note
        returned.save(update_fields=["resubmitted_on", "resubmit_note"])
    review.opinion = opinion
    review.report_file = None  # the issued report stays in the files and the history; a new one is rendered
    save_with_history(review, by=by, reason=f"按领导小组意见修改验收意见后重新报送：{note[:150]}")
    review.checklist.filter(exception_status=ChecklistItem.ExceptionStatus.REFUSED).update(
        exception_status=ChecklistItem.ExceptionStatus.PENDING)
    application.result_stage = ResultStage.LEADER
    save_with_history(application, by=by, reason=f"验收小组修改后重新报送验收结论：{note[:150]}")
    review_report_queue(review=review, by=by)
    etown = application.etown
    notify(users=staff(county_id=etown.county_id, role=Role.LEADER),
           title=f"{etown.name}{_what(application)}验收结论已修改后重新报送，请审批", body=note[:200],
           url=application.get_absolute_url(), kind="acceptance_conclusion")
    return application


# County government ---------------------------------------------------------------------


def _government_review_errors(application, reviewed_on, document_number, today):
    """What the county government's review (agree or refuse, 附件3 第八条（二）) must carry:
    a date not in the future nor before the leading group's approval, and its document number."""
    errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = "请填写县政府审核日期。"
    elif reviewed_on > today:
        errors["reviewed_on"] = "审核日期不能晚于今天。"
    elif application.leader_approved_on and reviewed_on < application.leader_approved_on:
        errors["reviewed_on"] = "县政府审核日期不能早于领导小组审批日期。"
    if not document_number:
        errors["document_number"] = "请填写县政府审核文号（如会议纪要或批复文号）。"
    return errors


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
    errors = _government_review_errors(application, reviewed_on, document_number, today)
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


def _rectification_errors(*, deadline, units, persons, after):
    errors = {}
    if deadline is None:
        errors["rectification_deadline"] = "请规定整改期限（验收制度第八条（二））。"
    elif deadline <= after:
        errors["rectification_deadline"] = "整改期限须晚于决定日期。"
    if not (units or "").strip():
        errors["units"] = "请填写整改责任单位。"
    if not (persons or "").strip():
        errors["persons"] = "请填写整改责任人。"
    return errors


def _reopen_for_rectification(application, *, by, problem, measures, deadline, units, persons, reason, today):
    """The passed opinion does not stand: one rectification item (source 验收, on the
    passed review, so the re-review can pass only once it is closed — 附件3 第八条（二）),
    the application back to 整改中, the chain cleared (kept in the history). If it had
    counted, it is revoked: the final acceptance flag cleared and the e-town back in
    总结验收, so the retention and any further payment on it are refused by funds' gates;
    money already paid is not touched."""
    review = _passed_review(application)
    rectification_services.rectification_create(
        etown=application.etown, source=Rectification.Source.ACCEPTANCE, problem=problem, measures=measures,
        units=[units.strip()], persons=[persons.strip()], deadline=deadline, by=by, source_obj=review, reason=reason,
    )
    was_counted = application.result_stage == ResultStage.COUNTED
    etown = application.etown
    if was_counted and application.kind == A.Kind.FINAL:
        contract_record_final_acceptance(contract=application.contract, passed_on=None, by=by,
                                         reason=f"终期验收结论撤销：{reason}")
        etown.refresh_from_db()
        if etown.phase == ETown.Phase.CLOSED:
            etown_update(etown=etown, by=by, reason=f"终期验收结论撤销，恢复总结验收阶段：{reason}",
                         phase=ETown.Phase.ACCEPTANCE)
    application.status = A.Status.RECTIFYING
    application.result_stage = ""
    application.closed_on = application.counted_on = None
    application.leader_approved_by, application.leader_approved_on, application.leader_note = None, None, ""
    application.government_reviewed_on, application.government_document = None, ""
    application.result_notice = None
    save_with_history(application, by=by, reason=("验收结论撤销，" if was_counted else "") + f"转入整改：{reason}")
    _tell(contractor_users(etown=etown) + office_users(etown.county_id), application,
          f"{etown.name}{_what(application)}结论{'已撤销' if was_counted else '未生效'}，请于 {deadline:%Y-%m-%d} 前完成整改",
          f"{reason}\n整改事项已列入整改台账；整改完成后由验收小组复核，复核通过的结论重新报领导小组审批、县政府审核并公示。")
    return was_counted


@transaction.atomic
def acceptance_government_refuse(*, application, by, reviewed_on, document_number, reason, rectification_deadline,
                                 units, persons, today=None):
    """The county government does not agree with the passed opinion (县政府审核不同意),
    recorded by the office with date, document number and reason. Semantics (004 附件3
    第八条（二）: the group passes a project or, for one that does not pass, sets
    rectification demands and a deadline and reviews the rectification): the project has
    not passed — the government's reason becomes a rectification item with a deadline,
    the application goes to 整改中 and the review group's re-review (复核) follows; a
    passed re-review goes to the leading group, the county government and a new result
    notice; a failed one ends it (附件2 第十二条3：整改后仍不合格的，专项资金不予拨付)."""
    require(can_carry_conclusion(by, application.etown))
    today = today or timezone.localdate()
    application = _locked(application)
    _expect_stage(application, ResultStage.GOVERNMENT)
    document_number, reason = (document_number or "").strip(), (reason or "").strip()
    errors = _government_review_errors(application, reviewed_on, document_number, today)
    if not reason:
        errors["reason"] = "请填写县政府不同意的理由。"
    errors.update(_rectification_errors(deadline=rectification_deadline, units=units, persons=persons,
                                        after=reviewed_on or today))
    if errors:
        raise ValidationError(errors)
    ConclusionReturn.objects.create(
        application=application, review=_passed_review(application), body=ConclusionReturn.Body.GOVERNMENT,
        decided_on=reviewed_on, document_number=document_number[:60], reason=reason, recorded_by=by,
    )
    _reopen_for_rectification(
        application, by=by, problem=f"县政府审核不同意验收结论（{document_number}）：{reason}",
        measures="按县政府审核意见整改到位，整改完成后由验收小组复核", deadline=rectification_deadline, units=units,
        persons=persons, reason=f"县政府审核不同意（{document_number[:60]}）：{reason[:150]}", today=today,
    )
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
def acceptance_resolve_objection(*, objection, resolution, by, founded=False, rectification_deadline=None, units="",
                                 persons="", today=None):
    """The office records how an objection was dealt with (核查处理结果) and whether it is
    founded (成立). Unfounded: the acceptance counts once the notice has ended (or counts
    again, if it had). Founded: the acceptance does not count — revoked if it had — and
    goes to rectification (the objection is the item, with a deadline) and a re-review
    whose passed opinion walks the chain again, with a new result notice of at least 5
    statutory working days (附件2 第十二条3：公示无异议后，方可拨付)."""
    application = objection.application
    require(can_carry_conclusion(by, application.etown))
    today = today or timezone.localdate()
    resolution = (resolution or "").strip()
    errors = {}
    if not resolution:
        errors["resolution"] = "请填写异议核查处理结果。"
    if founded not in (True, False):
        errors["founded"] = "请选择异议是否成立。"
    if founded is True:
        errors.update(_rectification_errors(deadline=rectification_deadline, units=units, persons=persons, after=today))
    if errors:
        raise ValidationError(errors)
    application = _locked(application)
    objection = ResultObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.resolved_at:
        raise ValidationError("该异议已处理。")
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution, by, timezone.now()
    objection.founded = founded
    objection.save(update_fields=["resolution", "founded", "resolved_by", "resolved_at"])
    if not founded:
        save_with_history(application, by=by, reason=f"验收结果公示异议经核查不成立：{resolution[:100]}")
        return objection
    if application.status != A.Status.PASSED or application.result_stage not in (ResultStage.NOTICE, ResultStage.COUNTED):
        raise ValidationError("该验收结论已不在公示或生效环节（可能已被他人处理，请刷新页面）。")
    ConclusionReturn.objects.create(
        application=application, review=_passed_review(application), body=ConclusionReturn.Body.OBJECTION,
        decided_on=today, reason=resolution, recorded_by=by,
    )
    notice = application.result_notice
    if notice is not None and not notice.withdrawn_at:
        notice_withdraw(notice=notice, by=by, reason="公示异议经核查成立，验收结论撤销，整改复核后重新公示")
    _reopen_for_rectification(
        application, by=by, problem=f"验收结果公示异议经核查成立：{resolution}",
        measures="按异议核查结论整改到位，整改完成后由验收小组复核并重新公示", deadline=rectification_deadline,
        units=units, persons=persons, reason=f"公示异议成立：{resolution[:150]}", today=today,
    )
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
