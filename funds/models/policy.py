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

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "专项资金设置"

    def __str__(self):
        return f"{self.county} 专项资金设置"
