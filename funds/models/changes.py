"""Change and extension requests (临猗资金办法 004 附件2 第九条、第十条).

第九条: the contractor may not change the use of funds, the scope or the contract on its
own; a change needs the consent of the higher authority (报请上级同意). 第十条: a delay
needs a written request to 县商务局 (the office) stating the reason and the new
completion date, agreed by the leading group.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from etown.models.registry import MONEY, PERCENT_VALIDATORS

from .requests import StepBase


class ChangeKind(models.TextChoices):
    CHANGE = "change", "变更申请"
    EXTENSION = "extension", "延期申请"


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待办公室审核"
    OFFICE_APPROVED = "office_approved", "待领导小组审批"
    LEADER_APPROVED = "leader_approved", "待上级同意"
    APPROVED = "approved", "已批准"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


class ChangeRequest(models.Model):
    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="change_requests")
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, related_name="change_requests"
    )
    kind = models.CharField("申请类型", max_length=20, choices=ChangeKind.choices)
    title = models.CharField("事项", max_length=150)
    content = models.TextField("变更或延期内容", help_text="变更：调整的资金用途、实施范围或合同内容；延期：未完成的建设内容。")
    reason = models.TextField("原因", help_text="如政策变化、支撑条件改变（第九条）或延期的具体原因（第十条）。")
    new_term_end = models.DateField(
        "申请竣工日期", null=True, blank=True, help_text="延期申请须写明项目竣工的具体时间（第十条）。"
    )
    application_file = models.ForeignKey(
        "etown.StoredFile", verbose_name="书面申请", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField("状态", max_length=30, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT)
    version = models.PositiveIntegerField("版本", default=0, editable=False)  # see DisbursementRequest.version
    higher_approval_number = models.CharField("上级批复文号", max_length=80, blank=True)
    higher_approval_date = models.DateField("上级同意日期", null=True, blank=True)
    higher_approval_file = models.ForeignKey(
        "etown.StoredFile", verbose_name="上级同意文件", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The new contract terms a change asks for (blank: unchanged). Written to the contract
    # only when the change is approved (etown.services.contract_change_terms), with history.
    new_amount = models.DecimalField("调整后合同金额（元）", **MONEY, null=True, blank=True,
                                     validators=[MinValueValidator(Decimal("0.01"))])
    new_prepayment_ratio = models.DecimalField("调整后预付比例（%）", max_digits=5, decimal_places=2, null=True,
                                               blank=True, validators=PERCENT_VALIDATORS)
    new_retention_ratio = models.DecimalField("调整后尾款比例（%）", max_digits=5, decimal_places=2, null=True,
                                              blank=True, validators=PERCENT_VALIDATORS)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "变更与延期申请"
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "etown"], name="funds_change_queue")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    def get_absolute_url(self):
        return reverse("funds:change_detail", args=[self.pk])

    def new_terms(self):
        """{contract field: new value} of what this request changes in the contract."""
        terms = {
            "amount": self.new_amount, "prepayment_ratio": self.new_prepayment_ratio,
            "retention_ratio": self.new_retention_ratio,
        } if self.kind == ChangeKind.CHANGE else {}
        terms["term_end"] = self.new_term_end
        return {name: value for name, value in terms.items() if value is not None}

    @property
    def code(self):
        year = self.created_at.year if self.created_at else ""
        return f"BG{year}-{self.pk or 0:05d}"

    @property
    def is_editable(self):
        return self.status in (ChangeStatus.DRAFT, ChangeStatus.RETURNED)


class ChangeStep(StepBase):
    change = models.ForeignKey(ChangeRequest, verbose_name="变更与延期申请", on_delete=models.CASCADE, related_name="steps")

    class Meta(StepBase.Meta):
        verbose_name = verbose_name_plural = "变更与延期审批记录"

    def __str__(self):
        return f"{self.change.code} {self.get_action_display()}"
