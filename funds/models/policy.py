"""A county's settings for its special funds, edited by its office."""
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from etown.models.registry import MONEY

DEFAULT_CONTRACT_THRESHOLD = Decimal("50000")
MIN_NOTICE_WORKDAYS = 5  # 临猗资金办法（004 附件2）第十二条第3项：公示至少 5 个工作日


class FundsPolicy(models.Model):
    """One row per county; a county without a row gets the defaults (see
    ``funds.selectors.policy_for``)."""

    county = models.OneToOneField(
        "etown.County", verbose_name="区县", on_delete=models.CASCADE, related_name="funds_policy"
    )
    finance_department = models.ForeignKey(
        "etown.Organization", verbose_name="财政部门", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", limit_choices_to={"kind": "department"},
        help_text="审核拨付申请并办理拨付的县财政局（临猗资金办法第三条、第六条）。留空时取本县名称含“财政局”的部门。",
    )
    ledger_contract_threshold = models.DecimalField(
        "单笔支出须附合同的金额（元）", **MONEY, default=DEFAULT_CONTRACT_THRESHOLD,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="专账中单笔支出超过此金额而未附支出合同的，标记为疑点。",
    )
    notice_workdays = models.PositiveSmallIntegerField(
        "拨付公示期（工作日）", default=MIN_NOTICE_WORKDAYS,
        validators=[MinValueValidator(MIN_NOTICE_WORKDAYS)],
        help_text="不少于 5 个工作日（临猗资金办法第十二条第3项）。",
    )

    # The county's disbursement chain (issue 12): which optional steps a request passes,
    # each county by its own document (cited in ``chain_clause``). The office's review
    # is in every document (004 附件2 第十二条第2项; 002 第十条) and always taken; a step
    # switched off here is skipped by funds.workflow. Changed only by an office head,
    # with a reason and a confirmation (funds.services.ledger.policy_update).
    department_review = models.BooleanField(
        "财政部门审核", default=True, help_text="县财政局审核拨付申请（临猗资金办法第三条、第六条）。"
    )
    leader_approval = models.BooleanField(
        "领导小组审批", default=True, help_text="报县乡村e镇工作领导小组审批（安泽办法第十条）。"
    )
    executive_meeting = models.BooleanField(
        "县政府常务会议审议", default=True, help_text="提请县政府常务会议审议通过后拨付（安泽办法第十条、第十二条）。"
    )
    payment_notice = models.BooleanField(
        "拨付前公示", default=True, help_text="在专栏公示，期满无异议后拨付（临猗资金办法第十二条第3项）。"
    )
    stage_acceptance = models.BooleanField(
        "进度款须经阶段验收", default=True,
        help_text="进度款以阶段验收合格为依据（临猗资金办法第十二条第3项、第4项：阶段验收报告）。",
    )
    chain_clause = models.CharField(
        "拨付程序依据", max_length=300, blank=True, help_text="本县规定拨付程序的文件及条款。"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "专项资金设置"

    def __str__(self):
        return f"{self.county} 专项资金设置"

    CHAIN_FIELDS = ("department_review", "leader_approval", "executive_meeting", "payment_notice", "stage_acceptance")

    def chain_labels(self):
        """[(label, on)] of the optional steps, in the chain's order."""
        return [(self._meta.get_field(f).verbose_name, getattr(self, f)) for f in self.CHAIN_FIELDS]
