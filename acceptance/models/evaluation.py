"""Mid-term performance evaluation (中期绩效评价, 安泽办法 002 第十七条、第十八条)."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 16, "decimal_places": 2}


class Evaluation(models.Model):
    """One evaluation of an e-town. The latest one (by date) decides the funds gate
    (002 第十八条): 合格 continue; 基本合格 only once its rectification items are closed;
    不合格 blocked, with the decision on reduction, cancellation and clawback recorded."""

    class Evaluator(models.TextChoices):
        PROVINCE = "province", "省级（省商务厅会同省财政厅、省乡村振兴局）"
        CITY = "city", "市级主管部门"
        AGENCY = "agency", "第三方机构"

    class Result(models.TextChoices):
        QUALIFIED = "qualified", "合格"
        BASIC = "basic", "基本合格"
        UNQUALIFIED = "unqualified", "不合格"

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="evaluations")
    evaluator_kind = models.CharField("评价主体", max_length=20, choices=Evaluator.choices)
    evaluator_name = models.CharField(
        "评价单位", max_length=100, help_text="如“山西省商务厅”或受托第三方机构名称。",
    )
    agency = models.ForeignKey(
        "etown.Organization", verbose_name="受托第三方机构", on_delete=models.PROTECT, null=True, blank=True,
        related_name="evaluations", limit_choices_to={"kind": "agency"},
    )
    evaluated_on = models.DateField("评价日期")
    score = models.DecimalField(
        "评价得分", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))], help_text="百分制，可留空。",
    )
    result = models.CharField("评价结果", max_length=20, choices=Result.choices)
    summary = models.TextField("评价意见", blank=True)
    report_file = models.ForeignKey(
        "etown.StoredFile", verbose_name="评价报告", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+",
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    # The decision taken on a 不合格 result (002 第十八条: 视情况采取减少支持资金、取消培育资格
    # 并收回已拨付资金等措施). Funds records the actual Clawback rows; this is the decision.
    decided_on = models.DateField("处理决定日期", null=True, blank=True)
    reduction_amount = models.DecimalField(
        "减少支持资金（元）", **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))],
    )
    cancel_qualification = models.BooleanField("取消培育资格", default=False)
    clawback_amount = models.DecimalField(
        "收回已拨付资金（元）", **MONEY, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))],
    )
    decision_basis = models.TextField("决定依据及说明", blank=True, help_text="如领导小组会议纪要文号及决定内容。")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定录入人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    # A re-evaluation (复评, issue 11): it replaces the result it names, of the same
    # authority, only once an office head confirms it (acceptance.selectors.evaluations
    # .governing_evaluation); until then the earlier result still governs the funds.
    replaces = models.ForeignKey(
        "self", verbose_name="复评所替代的评价", on_delete=models.PROTECT, null=True, blank=True,
        related_name="replaced_by",
    )
    replacement_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="复评确认人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    replacement_confirmed_at = models.DateTimeField("复评确认时间", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = verbose_name_plural = "中期绩效评价"
        ordering = ["-evaluated_on", "-pk"]
        indexes = [models.Index(fields=["etown", "evaluated_on"], name="evaluation_etown_date")]

    def __str__(self):
        return f"{self.etown} · {self.evaluated_on:%Y年%m月} 中期绩效评价（{self.get_result_display()}）"

    def get_absolute_url(self):
        return reverse("acceptance:evaluation_detail", args=[self.pk])

    @property
    def has_decision(self):
        return self.decided_on is not None

    def decision_text(self):
        """The recorded decision in one line, for gates and pages."""
        if not self.has_decision:
            return ""
        parts = []
        if self.reduction_amount:
            parts.append(f"减少支持资金 {self.reduction_amount:,.2f} 元")
        if self.cancel_qualification:
            parts.append("取消培育资格")
        if self.clawback_amount:
            parts.append(f"收回已拨付资金 {self.clawback_amount:,.2f} 元")
        return "、".join(parts) or "不采取资金措施"
