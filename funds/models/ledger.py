"""The contractor's special-funds ledger (专账), the asset register (资产台账) and the
clawback and reduction records.

The ledger is append-only (DESIGN.md: money data never edited in place): a correction
is a reversing entry with a reason, after which a new, correct entry is recorded. Each
entry carries the contract's running totals at the time it was recorded (as a paper
ledger carries its balance), so the current spending is one indexed row, not a sum over
a million.
"""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from etown.models.registry import MONEY


class LedgerEntry(models.Model):
    county = models.ForeignKey("etown.County", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="ledger_entries")
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    entry_date = models.DateField("支付日期")
    payee = models.CharField("收款单位（人）", max_length=150)
    summary = models.CharField("摘要", max_length=200, help_text="支出内容，如“物流中心货架采购”。")
    amount = models.DecimalField("金额（元）", **MONEY, help_text="单位：元。冲销记录为负数。")
    task = models.ForeignKey(
        "etown.Task", verbose_name="建设任务", on_delete=models.PROTECT, null=True, blank=True, related_name="ledger_entries"
    )
    voucher_number = models.CharField("记账凭证号", max_length=60)
    # Upper-cased, spaces removed, so that "No 0123" and "no0123" are the same invoice.
    invoice_number = models.CharField("发票号码", max_length=60, blank=True)
    invoice_file = models.ForeignKey(
        "etown.StoredFile", verbose_name="发票影像", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payee_contract = models.ForeignKey(
        "etown.StoredFile", verbose_name="支出合同", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField(
        "self", verbose_name="冲销的记录", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    reversal_reason = models.CharField("冲销原因", max_length=300, blank=True)
    # Running figures of the contract after this entry, computed under the contract's row
    # lock when the entry is recorded.
    cumulative_spent = models.DecimalField("累计支出（元）", **MONEY, editable=False)
    disbursed_to_date = models.DecimalField("登记时累计到账（元）", **MONEY, editable=False)
    over_disbursed = models.BooleanField("超出已拨付", default=False, editable=False)
    # True when another live entry of the county already carried this invoice number at
    # recording time: it narrows the duplicate-invoice count to a few rows (see
    # funds.selectors.ledger_flag_counts); the flag itself is computed live.
    invoice_reused = models.BooleanField("发票号重复登记", default=False, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "专账支出"
        ordering = ["-entry_date", "-pk"]
        indexes = [
            models.Index(fields=["etown", "-entry_date", "-id"], name="funds_ledger_list"),
            models.Index(fields=["contract", "-id"], name="funds_ledger_latest"),
            models.Index(fields=["county", "invoice_number"], name="funds_ledger_invoice"),
            models.Index(
                fields=["county", "invoice_number"], condition=Q(invoice_reused=True), name="funds_ledger_reused"
            ),
            models.Index(fields=["etown"], condition=Q(task__isnull=True), name="funds_ledger_no_task"),
            models.Index(fields=["etown"], condition=Q(over_disbursed=True), name="funds_ledger_over"),
            models.Index(fields=["etown"], condition=Q(reverses__isnull=False), name="funds_ledger_reversals"),
            models.Index(
                fields=["etown", "amount"], condition=Q(payee_contract__isnull=True), name="funds_ledger_no_contract"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="funds_ledger_sign",
            ),
        ]

    def __str__(self):
        return f"{self.entry_date} {self.payee} {self.amount:,.2f}"

    def get_absolute_url(self):
        return reverse("funds:ledger", args=[self.etown_id]) + f"#entry-{self.pk}"

    @property
    def is_reversal(self):
        return self.reverses_id is not None


class AssetState(models.TextChoices):
    IN_USE = "in_use", "在用"
    IDLE = "idle", "闲置"
    MOVED = "moved", "挪用"
    SCRAPPED = "scrapped", "报废"


class Asset(models.Model):
    """An asset formed by the special funds (临猗资金办法第八条: 建立资产台账)."""

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="assets")
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, null=True, blank=True, related_name="assets"
    )
    name = models.CharField("资产名称", max_length=150)
    specification = models.CharField("规格型号", max_length=150, blank=True)
    quantity = models.PositiveIntegerField("数量", default=1, validators=[MinValueValidator(1)])
    value = models.DecimalField("价值（元）", **MONEY, validators=[MinValueValidator(Decimal("0"))], help_text="单位：元。")
    acquired_on = models.DateField("购置日期")
    location = models.CharField("存放地点", max_length=200)
    ownership = models.CharField("权属", max_length=150, help_text="资产所有权归属单位，如“临猗县人民政府”。")
    task = models.ForeignKey(
        "etown.Task", verbose_name="建设任务", on_delete=models.PROTECT, null=True, blank=True, related_name="assets"
    )
    ledger_entry = models.ForeignKey(
        LedgerEntry, verbose_name="对应支出", on_delete=models.PROTECT, null=True, blank=True, related_name="assets"
    )
    state = models.CharField("状态", max_length=20, choices=AssetState.choices, default=AssetState.IN_USE)
    state_checked_on = models.DateField("状态核查日期", null=True, blank=True)
    photo = models.ForeignKey(
        "etown.StoredFile", verbose_name="照片", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "资产台账"
        ordering = ["etown", "-acquired_on", "pk"]
        indexes = [models.Index(fields=["etown", "state"], name="funds_asset_state")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funds:assets", args=[self.etown_id]) + f"#asset-{self.pk}"


class AssetInspection(models.Model):
    """The state of an asset as found at an inspection (office staff or the assigned
    agency). Append-only: the asset's ``state`` follows the latest one."""

    asset = models.ForeignKey(Asset, verbose_name="资产", on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField("核查日期")
    state = models.CharField("核查状态", max_length=20, choices=AssetState.choices)
    note = models.TextField("核查情况", blank=True)
    photo = models.ForeignKey(
        "etown.StoredFile", verbose_name="现场照片", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "资产核查记录"
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.asset} {self.inspected_on} {self.get_state_display()}"


class ClawbackKind(models.TextChoices):
    CLAWBACK = "clawback", "追回已拨资金"
    REDUCTION = "reduction", "核减支持资金"


class ClawbackBasis(models.TextChoices):
    LATE_OR_UNRECTIFIED = "002-9", "安泽办法第九条：未如期完工或整改不到位，追回预付资金"
    EVALUATION_FAILED = "002-18", "安泽办法第十八条：中期绩效评价不合格，减少支持资金或收回已拨资金"
    MISUSE = "004-2-16", "临猗资金办法第十六条：弄虚作假、截留、挪用、挤占、骗取专项资金"
    OTHER = "other", "其他依据"


class Clawback(models.Model):
    """A clawback (追回) or reduction (核减) decided for a contract. Either lowers what
    can still be paid on it: a reduction lowers the ceiling; money clawed back cannot be
    requested again (see ``funds.selectors.ContractPosition``)."""

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="clawbacks")
    contract = models.ForeignKey("etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, related_name="clawbacks")
    kind = models.CharField("类型", max_length=20, choices=ClawbackKind.choices)
    amount = models.DecimalField("金额（元）", **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    basis = models.CharField("依据", max_length=20, choices=ClawbackBasis.choices)
    reason = models.TextField("事由")
    decision_number = models.CharField("决定文号", max_length=80, help_text="领导小组或县政府的决定文号、会议纪要编号。")
    decided_on = models.DateField("决定日期")
    # The 不合格 evaluation whose decision (002 第十八条) this record carries out, created
    # in the same transaction as the decision (issue 12); shown on both pages.
    evaluation = models.ForeignKey(
        "acceptance.Evaluation", verbose_name="中期绩效评价", on_delete=models.PROTECT, null=True, blank=True,
        related_name="funds_records",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = verbose_name_plural = "追回与核减"
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:,.2f} 元"
