"""The filing of an e-town's implementation plan and fund rules (实施方案及资金管理办法备案).

004 附件2 第四条：乡村e镇工作实施方案及项目资金管理办法，经公示 5 个工作日后，报运城市商务局，
并经山西省商务厅备案后组织实施. A real county failed its mid-term evaluation on exactly
this step (问题一：方案未报省备案). The clause names two documents, so there are two
filings per e-town (issue 12), one per kind — the implementation plan (实施方案) and the
fund rules (资金管理办法) — each with its own notice and its own filing with city and
province (date, document number, file). Written only by etown.services.filing.
"""
from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

PLAN_NOTICE_WORKDAYS = 5  # 004 附件2 第四条


class PlanFiling(models.Model):
    class Kind(models.TextChoices):
        PLAN = "plan", "实施方案"
        FUND_RULES = "fund_rules", "资金管理办法"

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="plan_filings")
    kind = models.CharField("文件", max_length=20, choices=Kind.choices, default=Kind.PLAN)
    notice = models.ForeignKey(
        "etown.Notice", verbose_name="方案公示", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    filed_on = models.DateField("备案日期", null=True, blank=True)
    filed_to = models.CharField("备案单位", max_length=200, blank=True)
    document_number = models.CharField("备案文号", max_length=60, blank=True)
    file = models.ForeignKey(
        "etown.StoredFile", verbose_name="备案文件", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "实施方案及资金办法备案"
        constraints = [models.UniqueConstraint(fields=["etown", "kind"], name="plan_filing_etown_kind")]

    def __str__(self):
        return f"{self.etown} · {self.get_kind_display()}备案"

    @property
    def is_filed(self):
        return self.filed_on is not None
