"""Disbursement requests (资金拨付申请) and their approval trail.

The chain (安泽办法 002 第十条、第十二条; 临猗资金办法 004 附件2 第十二条): the contractor
submits → office review → finance bureau review → leading group → county executive
meeting (常务会议) → public notice of at least 5 working days with no objection →
the finance bureau disburses. Any step may return the request with a reason.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from etown.models.registry import MONEY


class RequestKind(models.TextChoices):
    PREPAYMENT = "prepayment", "预付款"
    PROGRESS = "progress", "进度款"
    RETENTION = "retention", "尾款"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待办公室审核"
    OFFICE_APPROVED = "office_approved", "待财政局审核"
    DEPARTMENT_APPROVED = "department_approved", "待领导小组审批"
    LEADER_APPROVED = "leader_approved", "待常务会议审议"
    MEETING_PASSED = "meeting_passed", "待公示"
    IN_NOTICE = "in_notice", "公示中"
    OBJECTED = "objected", "公示有异议"
    DISBURSED = "disbursed", "已拨付"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


# Requests that hold a place in the contract's queue: submitted and not yet finished.
IN_FLIGHT = (
    RequestStatus.SUBMITTED, RequestStatus.OFFICE_APPROVED, RequestStatus.DEPARTMENT_APPROVED,
    RequestStatus.LEADER_APPROVED, RequestStatus.MEETING_PASSED, RequestStatus.IN_NOTICE, RequestStatus.OBJECTED,
)
EDITABLE = (RequestStatus.DRAFT, RequestStatus.RETURNED)


class MaterialKind(models.TextChoices):
    """临猗资金办法第十二条第4项：资金申请表、合同、发票、建设进度、阶段验收报告。"""

    APPLICATION_FORM = "application_form", "资金申请表"
    CONTRACT = "contract", "合同"
    INVOICE = "invoice", "发票"
    PROGRESS = "progress", "建设进度"
    STAGE_ACCEPTANCE = "stage_acceptance", "阶段验收报告"
    OTHER = "other", "其他材料"


class DisbursementRequest(models.Model):
    etown = models.ForeignKey(
        "etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="disbursement_requests"
    )
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, related_name="disbursement_requests"
    )
    kind = models.CharField("拨付类型", max_length=20, choices=RequestKind.choices)
    amount = models.DecimalField(
        "申请金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))], help_text="单位：元。"
    )
    purpose = models.TextField("资金用途", help_text="说明本次申请对应的建设内容、完成情况和资金用途。")
    tasks = models.ManyToManyField("etown.Task", verbose_name="对应建设任务", related_name="disbursement_requests")
    # A progress payment rests on a counted stage acceptance of its contract (004 附件2
    # 第十二条3; 附件3 第五条（一）：每完成一个阶段性任务要进行验收); one acceptance
    # supports one progress payment. Chosen on the request form.
    stage_acceptance = models.ForeignKey(
        "acceptance.AcceptanceApplication", verbose_name="依据的阶段验收", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    status = models.CharField("状态", max_length=30, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    # Raised by every write of the request (funds.services.common.bump): the pages carry it
    # in a hidden field, and a step posted from a page rendered at an older version is
    # refused as already handled (a double click, or someone else was quicker).
    version = models.PositiveIntegerField("版本", default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # The request's place in the contract's queue (first come, first served): set at each
    # (re)submission. Gates count the in-flight requests ahead of this one.
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    meeting_date = models.DateField("常务会议日期", null=True, blank=True)
    meeting_minutes = models.CharField("会议纪要编号", max_length=60, blank=True)
    notice = models.ForeignKey(
        "etown.Notice", verbose_name="拨付公示", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    disbursed_on = models.DateField("拨付日期", null=True, blank=True)
    disbursed_amount = models.DecimalField("拨付金额（元）", **MONEY, null=True, blank=True)
    voucher_number = models.CharField("支付凭证号", max_length=60, blank=True)
    voucher_file = models.ForeignKey(
        "etown.StoredFile", verbose_name="支付凭证", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Blocked payments (issue 15, the county dashboard's 拨付受阻): the labels of the gates
    # (``funds.selectors.gates``) that held the request when they were last evaluated — by
    # each step of the chain (cleared when it passes) and by the daily sweep
    # ``funds_gates_refresh`` over the requests in flight. The gates read other apps' hub
    # checks and cannot be evaluated in SQL; this column lets the dashboards count blocked
    # requests in one query. A derived flag, so not in the history.
    blocked_gates = models.CharField("未满足的拨付条件", max_length=500, blank=True, default="", editable=False)
    gates_checked_on = models.DateField("拨付条件核验日期", null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["created_at", "blocked_gates", "gates_checked_on"])

    class Meta:
        verbose_name = verbose_name_plural = "资金拨付申请"
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["contract", "status"], name="funds_request_contract_status"),
            models.Index(fields=["status", "etown"], name="funds_request_queue"),
            models.Index(fields=["etown", "status"], condition=~models.Q(blocked_gates=""), name="funds_request_blocked"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="disbursed", disbursed_amount__gt=0) | ~models.Q(status="disbursed"),
                name="funds_disbursed_has_amount",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.get_kind_display()} {self.amount:,.2f} 元"

    def get_absolute_url(self):
        return reverse("funds:request_detail", args=[self.pk])

    @property
    def code(self):
        year = self.created_at.year if self.created_at else ""
        return f"ZJ{year}-{self.pk or 0:05d}"

    @property
    def is_editable(self):
        return self.status in EDITABLE

    @property
    def is_in_flight(self):
        return self.status in IN_FLIGHT


class RequestMaterial(models.Model):
    request = models.ForeignKey(DisbursementRequest, verbose_name="拨付申请", on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField("材料类别", max_length=30, choices=MaterialKind.choices)
    file = models.ForeignKey("etown.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "拨付申请材料"
        ordering = ["kind", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.file}"


class StepAction(models.TextChoices):
    CREATE = "create", "起草申请"
    SUBMIT = "submit", "提交申请"
    OFFICE_APPROVE = "office_approve", "办公室审核通过"
    DEPARTMENT_APPROVE = "department_approve", "财政局审核通过"
    LEADER_APPROVE = "leader_approve", "领导小组审批通过"
    MEETING = "meeting", "常务会议审议通过"
    NOTICE = "notice", "发布拨付公示"
    OBJECTION = "objection", "收到公示异议"
    RESUME_NOTICE = "resume_notice", "异议处理完毕，重新公示"
    DISBURSE = "disburse", "拨付"
    RETURN = "return", "退回"
    WITHDRAW = "withdraw", "撤回"
    OVERRIDE = "override", "负责人例外放行"
    NOTE = "note", "备注"
    # change and extension requests
    APPROVE = "approve", "批准"
    HIGHER_APPROVAL = "higher_approval", "上级同意"


# The steps of judgement of a request (不相容岗位分离): applying, each review, the approval
# and the payment. One person takes at most one of them on one request, whatever roles
# they hold (repeating the same one after a return is the same duty). Recording what
# another body decided (the executive meeting, the higher authority's consent) and
# running the notice are clerical and not counted.
DUTY_ACTIONS = (
    StepAction.SUBMIT, StepAction.OFFICE_APPROVE, StepAction.DEPARTMENT_APPROVE, StepAction.LEADER_APPROVE,
    StepAction.DISBURSE,
)


class StepBase(models.Model):
    """One line of an approval trail: who did what, when, from which state to which,
    and why. Never edited; the trail is the audit record the PDF form prints."""

    action = models.CharField("操作", max_length=30, choices=StepAction.choices)
    from_status = models.CharField("原状态", max_length=30, blank=True)
    to_status = models.CharField("新状态", max_length=30, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The actor's name, unit and role at the time, so that a later change of role or a
    # renamed unit does not rewrite the record.
    actor_label = models.CharField("操作人身份", max_length=200, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.TextField("意见或原因", blank=True)
    # The gates as they stood at this step: [{key, label, passed, reason, overridden}].
    gates = models.JSONField("条件核验", default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def overridden_gates(self):
        return [g for g in self.gates if g.get("overridden")]


class RequestStep(StepBase):
    request = models.ForeignKey(DisbursementRequest, verbose_name="拨付申请", on_delete=models.CASCADE, related_name="steps")

    class Meta(StepBase.Meta):
        verbose_name = verbose_name_plural = "拨付审批记录"

    def __str__(self):
        return f"{self.request.code} {self.get_action_display()}"


class GateOverride(models.Model):
    """An office head's decision to let a request pass a failing gate (例外放行), with
    the reason. Shown in red on every page and document of the request afterwards."""

    request = models.ForeignKey(DisbursementRequest, verbose_name="拨付申请", on_delete=models.CASCADE, related_name="overrides")
    gate_key = models.CharField("条件代码", max_length=60)
    gate_label = models.CharField("条件", max_length=100)
    reason = models.TextField("放行理由")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="决定人", on_delete=models.PROTECT, related_name="+")
    by_label = models.CharField("决定人身份", max_length=200, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "例外放行记录"
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "gate_key"], name="funds_override_once_per_gate")]

    def __str__(self):
        return f"{self.request.code} 例外放行：{self.gate_label}"


class Objection(models.Model):
    """An objection to a disbursement's public notice (公示异议): from the public window
    (``submission_id``) or recorded by office staff. It stops the request until the
    office has dealt with it."""

    request = models.ForeignKey(DisbursementRequest, verbose_name="拨付申请", on_delete=models.CASCADE, related_name="objections")
    notice = models.ForeignKey("etown.Notice", verbose_name="公示", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("异议内容")
    # The public window's PublicSubmission, kept by id: funds does not depend on it.
    submission_id = models.PositiveBigIntegerField("来源意见编号", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField("收到时间", auto_now_add=True)
    resolution = models.TextField("处理结果", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "公示异议"
        ordering = ["received_at", "pk"]

    def __str__(self):
        return f"{self.request.code} 公示异议"
