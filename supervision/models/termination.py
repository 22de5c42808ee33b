"""Decisions that end a contract, from the proposal to the county government's decision.

- 终止合同 (004 附件4 第二条, the third rung of the ladder): the office's 请示 (a
  ``SupervisionLetter`` of kind TERMINATION, numbered in its own 请 series and signed by
  an office head, 签发人) → the leading group approves (or declines) → the office sends
  it to the county government (date) → the office records the county government's
  decision: terminate (date, document number) or a new deadline for the items.
- 取消承办资格 (000 第一条（三）, 001 第一条（四）): when the county's rule is met (see
  ``DisqualificationRule``) the office records the county government's decision
  (date, document number); same effects as a termination.

A decision to terminate ends the contract through ``etown.services.contract_terminate``
(status 已终止, payments held by funds' gate, the contractor read-only, the clawback
proposed by funds).
"""
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

__all__ = ["Termination", "DisqualificationRule"]


class Termination(models.Model):
    class Kind(models.TextChoices):
        TERMINATION = "termination", "终止合同"
        DISQUALIFICATION = "disqualification", "取消承办资格"

    class Status(models.TextChoices):
        PENDING_LEADER = "pending_leader", "待领导小组审批"
        LEADER_APPROVED = "leader_approved", "领导小组已同意，待报县人民政府"
        WITH_GOVERNMENT = "with_government", "已报县人民政府，待决定"
        TERMINATED = "terminated", "已决定终止（合同已终止）"
        EXTENDED = "extended", "县人民政府决定限期整改"
        DECLINED = "declined", "领导小组不同意报请"

    county = models.ForeignKey("etown.County", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="terminations")
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, related_name="terminations"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.TERMINATION)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING_LEADER)
    proposal = models.OneToOneField(
        "supervision.SupervisionLetter", verbose_name="请示", on_delete=models.PROTECT, null=True, blank=True,
        related_name="termination",
    )
    leader_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="领导小组审批人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    leader_at = models.DateTimeField("领导小组审批时间", null=True, blank=True)
    leader_note = models.TextField("领导小组意见", blank=True)
    sent_on = models.DateField("报送县人民政府日期", null=True, blank=True)
    decided_on = models.DateField("县人民政府决定日期", null=True, blank=True)
    decision_number = models.CharField("决定文号", max_length=80, blank=True)
    decision_note = models.TextField("决定内容", blank=True)
    new_deadline = models.DateField("新的整改期限", null=True, blank=True)
    decision_file = models.ForeignKey(
        "etown.StoredFile", verbose_name="决定文件", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="决定登记人", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "终止合同与取消资格"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["etown", "status"], name="termination_etown_status")]

    def __str__(self):
        return f"{self.etown} · {self.get_kind_display()} · {self.get_status_display()}"

    def get_absolute_url(self):
        return reverse("termination_detail", args=[self.pk])

    @property
    def decided(self):
        return self.status in (self.Status.TERMINATED, self.Status.EXTENDED, self.Status.DECLINED)


class DisqualificationRule(models.Model):
    """A county's rule for cancelling a contractor's qualification (取消承办资格): the
    same contractor with at least ``min_items`` items still unrectified after the second
    written order (rung 2 of 004 附件4 §2) whose new deadline has passed. The clause
    is the county's own (高平 000 第一条（三）: 对整改不力……取消承办资格; 通城 001 第一条
    （四）). A county without a row has no such rule: nothing is flagged."""

    county = models.OneToOneField(
        "etown.County", verbose_name="区县", on_delete=models.CASCADE, related_name="disqualification_rule"
    )
    min_items = models.PositiveSmallIntegerField(
        "再次督办后仍逾期的事项数（项）", default=2, validators=[MinValueValidator(1)],
        help_text="同一承办企业在再次限期整改后仍逾期未整改的事项达到此数时，提示办公室报请取消承办资格。",
    )
    clause = models.CharField("依据条款", max_length=200, help_text="如“高平市乡村e镇监管办法第一条（三）”。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "取消承办资格规则"

    def __str__(self):
        return f"{self.county}：再次督办后逾期 ≥ {self.min_items} 项（{self.clause}）"
