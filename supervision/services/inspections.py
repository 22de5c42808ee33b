"""Every write to inspection rules, plans, inspections and their findings."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from etown.models import COUNTY_WIDE_ROLES, Organization, Role, StoredFile
from etown.permissions import memberships
from etown.services import save_with_history
from etown.uploads import DOCUMENTS, file_store

from ..models import (
    PLANNED_CATEGORIES,
    CountyInspectionRule,
    Frequency,
    Inspection,
    InspectionCategory,
    InspectionFinding,
    InspectionMethod,
    InspectionPlan,
    Judgement,
)

RULE_EDITABLE = (
    "construction_months", "operation_months", "training_months", "funds_months", "funds_before_disbursement",
    "funds_window_days", "basis",
)


# County rules and e-town plans ------------------------------------------------------------------


@transaction.atomic
def inspection_rule_save(*, county, by, reason="修改检查频次规则", **fields):
    unknown = set(fields) - set(RULE_EDITABLE)
    if unknown:
        raise ValidationError(f"未知字段：{'、'.join(sorted(unknown))}")
    rule = CountyInspectionRule.objects.select_for_update().filter(county=county).first() or CountyInspectionRule(county=county)
    for name, value in fields.items():
        setattr(rule, name, value)
    return save_with_history(rule, by=by, reason=reason)


@transaction.atomic
def inspection_rule_apply_preset(*, county, preset, by, reason="", confirmed=False, payment_check=False):
    """Set the county's rule to one of the seeds' (CountyInspectionRule.PRESETS), with a
    reason and an explicit confirmation (issue 12). A preset never switches on the funds
    inspection before every disbursement (000 §6（三）, a gate on payments) silently: the
    office ticks ``payment_check`` for that; without it the check stays as it was."""
    if preset not in CountyInspectionRule.PRESETS:
        raise ValidationError("未知的预设规则。")
    label, construction, operation, training, funds, before, basis = CountyInspectionRule.PRESETS[preset]
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "请填写采用预设的原因。"
    if not confirmed:
        errors["confirmed"] = "采用预设会改变本县所有项目的检查频次，请确认后再采用。"
    current = CountyInspectionRule.objects.filter(county=county).values_list("funds_before_disbursement", flat=True).first()
    if before and not current and not payment_check:
        errors["payment_check"] = (
            f"“{label}”要求每次拨付前开展资金检查（不检查不得拨付）。如本县采用，请勾选“同时开启拨付前资金检查”。"
        )
    if errors:
        raise ValidationError(errors)
    return inspection_rule_save(
        county=county, by=by, reason=f"采用预设：{label}（{reason.strip()}）", construction_months=construction,
        operation_months=operation, training_months=training, funds_months=funds, funds_before_disbursement=before,
        basis=basis,
    )


@transaction.atomic
def inspection_plan_set(*, etown, category, by, interval_months=None, starts_on=None, note=""):
    """Give an e-town its own frequency for a category; ``interval_months=None`` drops the
    e-town's own row so that the county's rule applies again."""
    if category not in PLANNED_CATEGORIES:
        raise ValidationError({"category": "该类别不排检查计划。"})
    plan = InspectionPlan.objects.select_for_update().filter(etown=etown, category=category).first()
    if interval_months is None:
        if plan is not None:
            plan._history_user = by
            plan._change_reason = "恢复按区县规则"
            plan.delete()
        return None
    if interval_months not in Frequency.values:
        raise ValidationError({"interval_months": "频次无效。"})
    plan = plan or InspectionPlan(etown=etown, category=category)
    plan.interval_months = interval_months
    plan.starts_on = starts_on
    plan.note = note or ""
    return save_with_history(plan, by=by, reason="调整检查计划")


# Inspections --------------------------------------------------------------------------------


def eligible_inspectors(etown):
    """Users who may be named as inspectors: the county's government staff (office,
    departments, leading group, auditors) and staff of the agencies assigned to it."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__county=etown.county, memberships__role__in=list(COUNTY_WIDE_ROLES))
            | Q(memberships__role=Role.AGENCY, memberships__organization__in=etown.agencies.all())
        )
        .distinct()
        .order_by("first_name", "username")
    )


def _agency_of(user, etown):
    """The assigned agency an agency user works for, when the recorder is one."""
    assigned = set(etown.agencies.values_list("pk", flat=True))
    for m in memberships(user):
        if m.role == Role.AGENCY and m.organization_id in assigned:
            return m.organization
    return None


@transaction.atomic
def inspection_create(*, etown, category, inspected_on, methods, by, inspectors=(), agency=None, other_inspectors="",
                      summary="", construction_result=Judgement.NOT_CHECKED, construction_remarks="",
                      operation_result=Judgement.NOT_CHECKED, operation_remarks="", funds_result=Judgement.NOT_CHECKED,
                      funds_remarks="", findings=(), files=(), today=None):
    """Record an inspection with its findings, photos and papers (000 §5-7, 001 §3-4)."""
    today = today or timezone.localdate()
    errors = {}
    if category not in InspectionCategory.values:
        errors["category"] = "请选择检查类别。"
    if inspected_on is None:
        errors["inspected_on"] = "请填写检查日期。"
    elif inspected_on > today:
        errors["inspected_on"] = "检查日期不能晚于今天：请在检查后记录。"
    methods = list(dict.fromkeys(methods or []))
    if not methods:
        errors["methods"] = "请至少选择一种检查方式。"
    elif set(methods) - set(InspectionMethod.values):
        errors["methods"] = "检查方式无效。"
    judgements = {
        "construction": (construction_result, construction_remarks),
        "operation": (operation_result, operation_remarks),
        "funds": (funds_result, funds_remarks),
    }
    for key, (result, remarks) in judgements.items():
        if result not in Judgement.values:
            errors[f"{key}_result"] = "请选择检查结论。"
        elif result == Judgement.PROBLEM and not (remarks or "").strip():
            errors[f"{key}_remarks"] = "结论为“存在问题”时，请说明问题。"
    if agency is None:
        agency = _agency_of(by, etown)
    elif agency.kind != Organization.Kind.AGENCY or not etown.agencies.filter(pk=agency.pk).exists():
        errors["agency"] = "只能选择受委托监管本项目的第三方机构。"
    inspectors = list(inspectors)
    if inspectors:
        allowed = set(eligible_inspectors(etown).filter(pk__in=[u.pk for u in inspectors]).values_list("pk", flat=True))
        if any(u.pk not in allowed for u in inspectors):
            errors["inspectors"] = "检查人员须为本区县政府部门人员或受委托第三方机构人员。"
    findings = [f.strip() for f in findings if f and f.strip()]
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(
        etown=etown, category=category, inspected_on=inspected_on, methods=methods, agency=agency,
        other_inspectors=(other_inspectors or "").strip(), summary=(summary or "").strip(),
        construction_result=construction_result, construction_remarks=(construction_remarks or "").strip(),
        operation_result=operation_result, operation_remarks=(operation_remarks or "").strip(),
        funds_result=funds_result, funds_remarks=(funds_remarks or "").strip(), recorded_by=by,
    )
    save_with_history(inspection, by=by, reason="记录监督检查")
    if by.pk not in {u.pk for u in inspectors} and eligible_inspectors(etown).filter(pk=by.pk).exists():
        inspectors.append(by)  # the recorder took part unless the form says otherwise
    inspection.inspectors.set(inspectors)
    InspectionFinding.objects.bulk_create(
        [InspectionFinding(inspection=inspection, position=i, text=text) for i, text in enumerate(findings, 1)]
    )
    _attach(inspection, files, by)
    return inspection


def _attach(inspection, files, by):
    stored = [
        file_store(upload=f, county=inspection.etown.county, etown=inspection.etown, by=by,
                   access=StoredFile.Access.ETOWN, purpose="检查照片及材料", allowed=DOCUMENTS)
        for f in files
    ]
    if stored:
        inspection.files.add(*stored)
    return stored


@transaction.atomic
def inspection_add_finding(*, inspection, text, by):
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写发现的问题。"})
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    position = (inspection.findings.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    finding = InspectionFinding.objects.create(inspection=inspection, position=position, text=text)
    save_with_history(inspection, by=by, reason=f"补充发现的问题：{text[:40]}")
    return finding


@transaction.atomic
def inspection_attach(*, inspection, files, by):
    if not files:
        raise ValidationError({"files": "请选择文件。"})
    stored = _attach(inspection, files, by)
    save_with_history(inspection, by=by, reason=f"补充照片及材料 {len(stored)} 个")
    return stored
