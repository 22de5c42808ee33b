"""Clawback proposals (追回建议, issue 12): what the portal proposes and the office
confirms (it then becomes a ``Clawback``) or dismisses with a reason.

安泽办法 002 第九条: 项目未如期完工或整改不到位的，收回预付资金. A proposal appears when
a contract passes its term unfinished (the daily sweep), when a rectification item fails
verification (supervision's ``rectification_sent_back`` signal), and when a contract is
ended by a decision (termination or 取消承办资格; ``etown.signals.contract_terminated``).
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from etown.models.registry import MONEY

from .ledger import ClawbackBasis

__all__ = ["ClawbackProposal", "ProposalTrigger", "ProposalStatus"]


class ProposalTrigger(models.TextChoices):
    TERM_PASSED = "term_passed", "合同履约期满未完工"
    VERIFICATION_FAILED = "verification_failed", "整改核验未通过"
    TERMINATION = "termination", "县人民政府决定终止合同"
    DISQUALIFICATION = "disqualification", "取消承办资格"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "待办公室确认"
    CONFIRMED = "confirmed", "已确认追回"
    DISMISSED = "dismissed", "不予追回"


class ClawbackProposal(models.Model):
    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="clawback_proposals")
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, related_name="clawback_proposals"
    )
    trigger = models.CharField("触发原因", max_length=30, choices=ProposalTrigger.choices)
    basis = models.CharField("依据", max_length=20, choices=ClawbackBasis.choices, default=ClawbackBasis.LATE_OR_UNRECTIFIED)
    reason = models.TextField("事由")
    # One proposal per occasion (the sweep and the signals run again without doubling).
    key = models.CharField("去重键", max_length=80, unique=True, editable=False)
    suggested_amount = models.DecimalField("建议追回金额（元）", **MONEY, help_text="提出建议时的已拨付净额。")
    rectification = models.ForeignKey(
        "supervision.Rectification", verbose_name="整改事项", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    termination = models.ForeignKey(
        "supervision.Termination", verbose_name="终止合同或取消资格的决定", on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    status = models.CharField("状态", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    clawback = models.OneToOneField(
        "funds.Clawback", verbose_name="追回记录", on_delete=models.PROTECT, null=True, blank=True, related_name="proposal"
    )
    dismiss_reason = models.TextField("不予追回的理由", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "追回建议"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["etown", "status"], name="funds_proposal_status")]

    def __str__(self):
        return f"{self.contract} · {self.get_trigger_display()} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("funds:etown", args=[self.etown_id]) + f"#proposal-{self.pk}"
