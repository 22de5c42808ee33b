"""Writes of acceptance applications and reviews (验收, 004 附件3; 附件2 第七条、第十七条).

Every function is keyword-only and atomic, locks the rows its invariant depends on
(one open application per contract; one conclusion per round), and records who acted
and why in the history.

The rectification demands of a failed acceptance review are ordinary rectification
items (整改事项) of supervision, with source "acceptance" and the review as their source
object; they follow supervision's workflow (evidence, verification, 销号, escalation) and
its funds check. Acceptance only creates them (here) and reads whether they are closed.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Contract, ETown, Notice, Organization, Role, StoredFile
from etown.services.notices import notice_create
from etown.notifications import Due, notify, remind_many
from etown.permissions import require
from etown.recipients import contractor_users, office_users, staff, staff_by_county
from etown.services import etown_update, save_with_history
from etown.uploads import DOCUMENTS, file_store
from etown.workdays import WorkCalendar
from supervision.models import Rectification
from supervision.selectors import rectification as rectification_selectors
from supervision.services import rectification as rectification_services

from ..exports.applications import review_report_pdf
from ..models import (
    AcceptanceApplication,
    AcceptanceReview,
    ApplicationMaterial,
    ChecklistItem,
    ResultStage,
    ReviewMethod,
)
from ..models.application import ACCEPTANCE_WORKDAYS
from ..permissions import can_apply_acceptance, can_file_acceptance, can_review_acceptance

# Phases before 总结验收: a final application moves the e-town into it.
PHASES_BEFORE_ACCEPTANCE = (ETown.Phase.PREPARATION, ETown.Phase.IMPLEMENTATION, ETown.Phase.EVALUATION)


def acceptance_due_date(received_on, *, calendar=None):
    """15 working days after receipt under the statutory calendar (004 附件2 第十七条)."""
    return (calendar or WorkCalendar()).add_workdays(received_on, ACCEPTANCE_WORKDAYS)


# Applications -------------------------------------------------------------------------


@transaction.atomic
def acceptance_apply(*, etown, contract, kind, summary, materials, by, stage_name="", today=None):
    """The contractor's written application with its materials (004 附件3 第四条).

    ``materials`` maps an ApplicationMaterial.Category to a list of uploads. Receipt is
    the day of submission; the group must conclude within 15 working days.
    """
    require(can_apply_acceptance(by, etown))
    today = today or timezone.localdate()
    # The lock makes "one open application per contract" hold under concurrent submits.
    contract = Contract.objects.select_for_update().select_related("etown__county", "contractor").get(pk=contract.pk)
    errors = {}
    if contract.etown_id != etown.pk:
        errors["contract"] = "合同不属于该项目。"
    elif contract.status not in LIVE_CONTRACTS:
        errors["contract"] = "合同已终止，不能申请验收。"
    if kind not in AcceptanceApplication.Kind.values:
        errors["kind"] = "请选择验收类型。"
    if kind == AcceptanceApplication.Kind.STAGE and not stage_name.strip():
        errors["stage_name"] = "阶段验收请填写阶段名称（完成的阶段性任务）。"
    if not summary.strip():
        errors["summary"] = "请填写项目建设总体情况。"
    required = ApplicationMaterial.REQUIRED_FINAL if kind == AcceptanceApplication.Kind.FINAL else ApplicationMaterial.REQUIRED
    for category in required:
        if not materials.get(category):
            errors[category] = f"请上传{ApplicationMaterial.Category(category).label}（验收制度第四条）。"
    if errors:
        raise ValidationError(errors)
    if kind == AcceptanceApplication.Kind.FINAL and contract.final_acceptance_passed_on:
        raise ValidationError(f"该合同已于 {contract.final_acceptance_passed_on:%Y-%m-%d} 通过终期验收。")
    open_one = AcceptanceApplication.objects.filter(contract=contract, status__in=AcceptanceApplication.OPEN_STATUSES).first()
    if open_one is not None:
        raise ValidationError(f"该合同已有一份{open_one.get_status_display()}的验收申请，请待其办结后再申请。")

    application = AcceptanceApplication(
        etown=etown, contract=contract, kind=kind, stage_name=stage_name.strip(), summary=summary.strip(),
        received_on=today, due_on=acceptance_due_date(today), submitted_by=by,
    )
    save_with_history(application, by=by, reason=f"提交{application.get_kind_display()}申请")
    for category, uploads in materials.items():
        for upload in uploads or []:
            stored = file_store(
                upload=upload, county=etown.county, etown=etown, by=by, access=StoredFile.Access.ETOWN,
                purpose=f"验收材料：{ApplicationMaterial.Category(category).label}", allowed=DOCUMENTS,
            )
            ApplicationMaterial.objects.create(application=application, category=category, file=stored)
    if kind == AcceptanceApplication.Kind.FINAL and etown.phase in PHASES_BEFORE_ACCEPTANCE:
        etown_update(etown=etown, by=by, reason="承办企业提交终期验收申请，进入总结验收阶段", phase=ETown.Phase.ACCEPTANCE)
    notify(
        users=office_users(etown.county_id),
        title=f"收到{etown.name}{application.get_kind_display()}申请，请于 {application.due_on:%Y-%m-%d} 前作出验收结论",
        body=f"按临猗资金办法第十七条，须在接到申请的 {ACCEPTANCE_WORKDAYS} 个工作日内组织验收。",
        url=application.get_absolute_url(), kind="acceptance_applied",
    )
    return application


@transaction.atomic
def acceptance_record_filing(*, application, filed_on, filed_to, by, filing_number="", upload=None, today=None):
    """报备: the acceptance, once its conclusion counts, filed with the city and the
    province (附件2 第十七条：验收合格出具验收报告和审计报告，并报运城市商务局和山西省商务厅
    备案), with the filing letter's number and the file sent. Pending until recorded."""
    require(can_file_acceptance(by, application.etown))
    today = today or timezone.localdate()
    application = AcceptanceApplication.objects.select_for_update().select_related("etown__county").get(pk=application.pk)
    if application.status != AcceptanceApplication.Status.PASSED:
        raise ValidationError("验收通过后方可登记报备。")
    if not application.is_counted:
        raise ValidationError("验收结论须经领导小组审批、县政府审核并公示期满后生效，生效后方可登记报备。")
    if application.filed_on:
        raise ValidationError("已登记报备。")
    errors = {}
    if not filed_to.strip():
        errors["filed_to"] = "请填写报备单位，如运城市商务局、山西省商务厅。"
    if not (filing_number or "").strip():
        errors["filing_number"] = "请填写报备文号。"
    if upload is None:
        errors["file"] = "请上传报备文件（报备函及验收报告、审计报告）。"
    if filed_on > today:
        errors["filed_on"] = "报备日期不能晚于今天。"
    elif application.closed_on and filed_on < application.closed_on:
        errors["filed_on"] = "报备日期不能早于验收通过日期。"
    if errors:
        raise ValidationError(errors)
    application.filed_on = filed_on
    application.filed_to = filed_to.strip()
    application.filing_number = filing_number.strip()[:60]
    application.filing_file = file_store(
        upload=upload, county=application.etown.county, etown=application.etown, by=by,
        access=StoredFile.Access.ETOWN, purpose="验收报备文件", allowed=DOCUMENTS,
    )
    return save_with_history(application, by=by, reason=f"报备：{application.filed_to}（{application.filing_number}）")


# Reviews ------------------------------------------------------------------------------


def _validate_group(lead_unit, member_units, agency, observer):
    errors = {}
    if lead_unit is None or lead_unit.kind != Organization.Kind.DEPARTMENT:
        errors["lead_unit"] = "请选择牵头单位（县商务局等政府部门）。"
    members = [m for m in member_units if lead_unit is None or m.pk != lead_unit.pk]
    if any(m.kind != Organization.Kind.DEPARTMENT for m in members):
        errors["member_units"] = "参加单位须为政府部门；第三方机构请在“第三方机构”中选择。"
    elif not members:
        # 附件3 第五条（三）: 商务局牵头，会同财政局、乡村振兴局等部门组成.
        errors["member_units"] = "验收小组须由牵头单位会同财政局、乡村振兴局等部门组成，请至少选择一个参加单位。"
    if agency is not None and agency.kind != Organization.Kind.AGENCY:
        errors["agency"] = "请选择第三方机构。"
    if observer is not None and observer.kind != Organization.Kind.DEPARTMENT:
        errors["observer"] = "监督单位须为政府部门（如县审计局）。"
    return errors


def _row_met_on_record(row):
    """Whether the recorded facts meet the row (issue 11): a task complete (100 %), a
    target's recorded actual — and the figure the group verified, if it gave one — meeting
    it. None for a condition: the group judges it from what it saw."""
    if row.get("kind") == ChecklistItem.Kind.TASK and row.get("task") is not None:
        return row["task"].progress >= 100
    if row.get("kind") == ChecklistItem.Kind.INDICATOR and row.get("indicator") is not None:
        indicator = row["indicator"]
        figure = row.get("figure")
        return indicator.is_met() and (figure is None or indicator.is_met(Decimal(figure)))
    return None


def _validate_checklist(rows, *, final=False):
    """Every row judged; 达标 only where the record meets it, otherwise 未达标 (with the
    rectification asked) or an exception (with its reason, shown in red and approved by
    the leading group with the result); in a final acceptance the conditions of 004
    附件2 第八条 met (开放共享、专账核算、资产台账; 附件3 第八条（一）运营)."""
    J = ChecklistItem.Judgement
    missing = [r["label"] for r in rows if r.get("judgement") not in J.values]
    if missing:
        return {"checklist": f"请对每一检查项作出判定，尚有 {len(missing)} 项未判定（如：{missing[0]}）。"}
    unexplained = [r["label"] for r in rows if r["judgement"] == J.NOT_MET and not r.get("remark", "").strip()]
    if unexplained:
        return {"checklist": f"未达标项须填写说明（整改要求），如：{unexplained[0]}。"}
    unmet = [r for r in rows if r["judgement"] == J.MET and _row_met_on_record(r) is False]
    if unmet:
        r = unmet[0]
        found = "未记录实际值" if r.get("figure") is None and r.get("kind") == ChecklistItem.Kind.INDICATOR else (
            f"记录为 {Decimal(r['figure']).normalize():f}{r.get('unit', '')}" if r.get("figure") is not None else "尚未完成")
        return {"checklist": (
            f"“{r['label']}”{found}，未达到标准（{r['requirement']}），不能判定为达标；"
            f"请判定为未达标，或作为例外说明理由（须领导小组批准）。共 {len(unmet)} 项。"
        )}
    bare = [r["label"] for r in rows if r["judgement"] == J.EXCEPTION and not r.get("remark", "").strip()]
    if bare:
        return {"checklist": f"例外处理的检查项须说明理由（将在验收报告中标红并报领导小组批准），如：{bare[0]}。"}
    if final:
        waved = [r["label"] for r in rows
                 if r.get("kind") == ChecklistItem.Kind.CONDITION and r["judgement"] in (J.NOT_APPLICABLE, J.EXCEPTION)]
        if waved:
            return {"checklist": (
                f"终期验收须满足临猗资金办法附件2第八条的条件，“{waved[0]}”不能标为不涉及或例外："
                "已满足的判定为达标，不满足的判定为未达标并作出不予通过结论。"
            )}
    return {}


def _problem_text(row):
    figure = ""
    if row.get("figure") is not None:
        figure = f"，核实为 {Decimal(row['figure']).normalize():f}{row.get('unit', '')}"
    return f"验收检查未达标：{row['label']}（标准：{row['requirement']}{figure}）。"


@transaction.atomic
def acceptance_review_record(*, application, by, reviewed_on, methods, lead_unit, member_units, member_names, opinion,
                             conclusion, checklist, agency=None, observer=None, rectification_deadline=None,
                             extra_problems=(), units="", persons="", expected_round=None, today=None):
    """Record one conclusion of the acceptance group (004 附件3 第八条（二））.

    Round 1 concludes the application: passed, or not passed with rectification items
    (one per checklist line judged not met, plus ``extra_problems``) and a deadline.
    A later round reviews the rectification: it can pass only once every item of the
    earlier rounds is closed (销号); not passed again ends the application (附件2
    第十二条3：整改后仍不合格的，专项资金不予拨付). A passed final acceptance records the
    flag that releases the retention (附件2 第七条) and closes the e-town.

    ``checklist``: rows from acceptance.selectors.applications.build_rows with ``judgement``,
    ``figure`` and ``remark`` filled in. ``expected_round`` (from the form) refuses a
    conclusion when someone else recorded one since the form was opened: two members of
    staff submitting the first review at once must not turn the second into a
    rectification review.
    """
    require(can_review_acceptance(by, application.etown))
    today = today or timezone.localdate()
    application = (
        AcceptanceApplication.objects.select_for_update()
        .select_related("etown__county", "contract__contractor")
        .get(pk=application.pk)
    )
    if not application.is_open:
        raise ValidationError(f"该申请已{application.get_status_display()}，不能再录入验收结论。")
    previous = list(application.reviews.order_by("round"))
    round_no = len(previous) + 1
    if expected_round is not None and expected_round != round_no:
        raise ValidationError("该申请的验收结论已由他人录入，请返回申请页面查看最新情况。")
    member_units = list(member_units)
    extra_problems = [p.strip() for p in extra_problems if p and p.strip()]

    errors = _validate_group(lead_unit, member_units, agency, observer)
    if not methods or any(m not in ReviewMethod.values for m in methods):
        errors["methods"] = "请选择验收方式（现场检查、听取报告、查看材料、随机抽查）。"
    if reviewed_on > today:
        errors["reviewed_on"] = "验收日期不能晚于今天。"
    elif reviewed_on < application.received_on:
        errors["reviewed_on"] = "验收日期不能早于申请受理日期。"
    elif previous and reviewed_on < previous[-1].reviewed_on:
        errors["reviewed_on"] = "整改复核日期不能早于上一轮验收日期。"
    if not member_names.strip():
        errors["member_names"] = "请填写验收小组成员。"
    if not opinion.strip():
        errors["opinion"] = "请填写验收意见。"
    if conclusion not in AcceptanceReview.Conclusion.values:
        errors["conclusion"] = "请选择验收结论。"
    errors.update(_validate_checklist(checklist, final=application.kind == AcceptanceApplication.Kind.FINAL))
    if errors:
        raise ValidationError(errors)

    not_met = [r for r in checklist if r["judgement"] == ChecklistItem.Judgement.NOT_MET]
    new_items_needed = conclusion == AcceptanceReview.Conclusion.NOT_PASSED and round_no == 1
    if conclusion == AcceptanceReview.Conclusion.PASSED:
        if not_met:
            raise ValidationError(
                {"conclusion": f"检查表中有 {len(not_met)} 项未达标，不能作出通过结论；请作出不予通过结论并提出整改意见。"}
            )
        # A final acceptance releases the retention: every task and target must be judged
        # met, none waved through as "本阶段不涉及" (附件3 第八条（一）: 按要求完成建设内容).
        skipped = [r for r in checklist if r["judgement"] == ChecklistItem.Judgement.NOT_APPLICABLE
                   and r.get("kind") in (ChecklistItem.Kind.TASK, ChecklistItem.Kind.INDICATOR)]
        if skipped and application.kind == AcceptanceApplication.Kind.FINAL:
            raise ValidationError({"checklist": (
                f"终期验收须对每项建设任务和绩效目标作出达标判定，尚有 {len(skipped)} 项标为“本阶段不涉及”"
                f"（如：{skipped[0]['label']}），不能作出通过结论。"
            )})
        still_open = sum(len(rectification_selectors.open_items_for_source(r)) for r in previous)
        if still_open:
            raise ValidationError(
                {"conclusion": f"上一轮验收提出的整改事项尚有 {still_open} 项未销号，整改复核不能作出通过结论。"}
            )
    if new_items_needed:
        if rectification_deadline is None:
            errors["rectification_deadline"] = "不予通过的，请规定整改期限（验收制度第八条）。"
        elif rectification_deadline <= reviewed_on:
            errors["rectification_deadline"] = "整改期限须晚于验收日期。"
        if not not_met and not extra_problems:
            errors["extra_problems"] = "不予通过的，请在检查表中标出未达标项或填写整改问题。"
        if not units.strip():
            errors["units"] = "请填写整改责任单位。"
        if not persons.strip():
            errors["persons"] = "请填写整改责任人。"
        if errors:
            raise ValidationError(errors)

    review = AcceptanceReview(
        etown=application.etown, application=application, round=round_no, reviewed_on=reviewed_on,
        methods=[m for m in ReviewMethod.values if m in methods], lead_unit=lead_unit, agency=agency,
        observer=observer, member_names=member_names.strip(), opinion=opinion.strip(), conclusion=conclusion,
        rectification_deadline=rectification_deadline if new_items_needed else None, recorded_by=by,
    )
    save_with_history(review, by=by, reason=f"录入{review}结论：{review.get_conclusion_display()}")
    review.member_units.set(member_units)
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                review=review, kind=r["kind"], task=r.get("task"), indicator=r.get("indicator"), position=n,
                label=r["label"][:300], requirement=r.get("requirement", "")[:200], figure=r.get("figure"),
                unit=r.get("unit", "")[:20], judgement=r["judgement"], remark=r.get("remark", "").strip()[:300],
                # Each exception waits for the leading group's own decision (issue 11).
                exception_status=(ChecklistItem.ExceptionStatus.PENDING
                                  if r["judgement"] == ChecklistItem.Judgement.EXCEPTION else ""),
            )
            for n, r in enumerate(checklist)
        ]
    )
    if new_items_needed:
        # supervision takes lists of names (each may hold several separated by 、 or ，).
        for row in not_met:
            rectification_services.rectification_create(
                etown=application.etown, source=Rectification.Source.ACCEPTANCE, problem=_problem_text(row),
                measures=row["remark"].strip(), units=[units], persons=[persons], deadline=rectification_deadline,
                by=by, source_obj=review, reason="验收不予通过，提出整改意见",
            )
        for problem in extra_problems:
            rectification_services.rectification_create(
                etown=application.etown, source=Rectification.Source.ACCEPTANCE, problem=problem,
                measures="按验收小组意见整改到位", units=[units], persons=[persons], deadline=rectification_deadline,
                by=by, source_obj=review, reason="验收不予通过，提出整改意见",
            )

    _conclude(application, review, by=by, today=today)
    review_report_queue(review=review, by=by)
    return review


def review_report_queue(*, review, by):
    """Queue the acceptance report's rendering as a background job (issue 13), published
    after the commit; the application page shows its state and a retry."""
    from etown.models.jobs import REVIEW_REPORT
    from etown.services.jobs import job_enqueue

    return job_enqueue(kind=REVIEW_REPORT, target_id=review.pk, args=[review.pk], by=by, county=review.etown.county,
                       etown=review.etown, title=f"{review.etown.name}验收报告（第{review.round}轮）")


def _conclude(application, review, *, by, today):
    passed = review.conclusion == AcceptanceReview.Conclusion.PASSED
    if review.round == 1:
        application.concluded_on = review.reviewed_on
    if passed:
        application.status = AcceptanceApplication.Status.PASSED
        application.closed_on = review.reviewed_on
        # A passed opinion does not count yet: it goes to the leading group, the county
        # government and the result notice (acceptance.services.conclusions).
        application.result_stage = ResultStage.LEADER
    elif review.round == 1:
        application.status = AcceptanceApplication.Status.RECTIFYING
    else:
        application.status = AcceptanceApplication.Status.FAILED
        application.closed_on = review.reviewed_on
    save_with_history(application, by=by, reason=f"{review}：{review.get_conclusion_display()}")

    etown = application.etown
    # A passed opinion is published only after the county government's review
    # (acceptance.services.conclusions); a failed end is published now.
    if application.status == AcceptanceApplication.Status.FAILED:
        _publish_result(application, review, by=by, today=today)

    if passed:
        title = f"{etown.name}{application.get_kind_display()}验收小组意见：通过"
        body = ("通过验收意见报领导小组审批、县政府审核，并公示 5 个工作日无异议后生效"
                "（临猗验收制度第八条（二）、资金办法第十二条3）。")
        notify(
            users=staff(county_id=etown.county_id, role=Role.LEADER), title=f"{title}，请审批验收结论", body=body,
            url=application.get_absolute_url(), kind="acceptance_conclusion",
        )
    elif application.status == AcceptanceApplication.Status.RECTIFYING:
        title = f"{etown.name}{application.get_kind_display()}未通过，请于 {review.rectification_deadline:%Y-%m-%d} 前完成整改"
        body = "整改事项已列入整改台账，请逐项上传整改佐证材料；全部销号后由验收小组复核。"
    else:
        title = f"{etown.name}{application.get_kind_display()}整改复核未通过"
        body = "按临猗资金办法第十二条，整改后仍不合格的，专项资金不予拨付。"
    notify(
        users=contractor_users(etown=etown) + office_users(etown.county_id), title=title, body=body,
        url=application.get_absolute_url(), kind="acceptance_concluded",
    )


def _publish_result(application, review, *, by, today):
    """The result in the public column (附件3 第七条; 附件2 第十二条3：验收合格的项目须公示
    至少 5 个工作日)."""
    etown = application.etown
    when = f"{review.reviewed_on.year}年{review.reviewed_on.month}月{review.reviewed_on.day}日"
    what = application.get_kind_display() + (f"（{application.stage_name}）" if application.stage_name else "")
    if review.conclusion == AcceptanceReview.Conclusion.PASSED:
        result = "通过验收"
    else:
        result = "整改后复核仍未通过验收"
    body = (
        f"{when}，县乡村e镇工作领导小组组织验收小组对{etown.name}（承办企业：{application.contract.contractor.name}）"
        f"{what}进行了验收，结论为：{result}。\n验收意见：{review.opinion}\n"
        "公示期 5 个工作日。如有异议，请在公示期内通过专栏意见窗口或举报窗口反映。"
    )
    return notice_create(
        county=etown.county, etown=etown, kind=Notice.Kind.ACCEPTANCE,
        title=f"{etown.name}{what}结果公示", body=body, start_date=today, by=by, source=review,
    )


@transaction.atomic
def review_generate_report(*, review, by):
    """Render and store the acceptance report (验收报告) of a review. An issued report is
    the record: it is written once and never silently regenerated."""
    review = AcceptanceReview.objects.select_for_update().select_related("etown__county", "application").get(pk=review.pk)
    if review.report_file_id:
        return review
    pdf_bytes = review_report_pdf(review)
    name = f"{review.etown.name}-{review.application.get_kind_display()}-验收报告-第{review.round}轮.pdf"
    upload = SimpleUploadedFile(name, pdf_bytes, content_type="application/pdf")
    review.report_file = file_store(
        upload=upload, county=review.etown.county, etown=review.etown, by=by, access=StoredFile.Access.ETOWN,
        purpose="验收报告",
    )
    return save_with_history(review, by=by, reason="生成验收报告")


# The deadline sweep ---------------------------------------------------------------------
# 15 working days from receipt (004 附件2 第十七条). Registered with
# etown.notifications.register_sweep (hooks.py); the daily reminder task runs it. Each
# reminder goes out once per (application, kind, deadline) through remind_many.

DUE_SOON_WORKDAYS = 3


def acceptance_deadline_sweep(today, calendar):
    """Set-based (issue 16): one read of the applications, the offices in two queries,
    one batch of reminders (``remind_many``)."""
    applications = list(AcceptanceApplication.objects.filter(status=AcceptanceApplication.Status.SUBMITTED).filter(
        Q(due_on__lt=today) | Q(due_on__lte=calendar.add_workdays(today, DUE_SOON_WORKDAYS))
    ).select_related("etown__county"))
    recipients = staff_by_county({a.etown.county_id for a in applications}, Role.OFFICE)
    dues = []
    for application in applications:
        etown = application.etown
        users = recipients.get(etown.county_id, [])
        url = application.get_absolute_url()
        if today > application.due_on:
            late = calendar.workdays_between(application.due_on, today)
            dues.append(Due.of(
                application, kind="acceptance_overdue", due_date=application.due_on, users=users,
                title=f"{etown.name}{application.get_kind_display()}申请已超过验收期限（{application.due_on:%Y-%m-%d}）",
                body=f"已超期 {late} 个工作日。按临猗资金办法第十七条，须在接到申请的 15 个工作日内组织验收。", url=url,
            ))
        else:
            left = calendar.workdays_between(today, application.due_on)
            dues.append(Due.of(
                application, kind="acceptance_due_soon", due_date=application.due_on, users=users,
                title=f"{etown.name}{application.get_kind_display()}申请将于 {application.due_on:%Y-%m-%d} 到期",
                body=f"距验收期限还有 {left} 个工作日，请及时组织验收并录入结论。", url=url,
            ))
    return remind_many(dues)
