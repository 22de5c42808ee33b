"""Daily supervision: inspection rules and plans, inspections and their findings.

Rectification items (rectification.py) and letters and interviews (letters.py) are
re-exported from here, so ``supervision.models`` offers them all.

The seeds differ on how often each category is checked, so frequencies are data:
- 000 §6 (高平): construction progress monthly; industry, entities, brands, services,
  logistics and operations quarterly; funds before each disbursement (not periodic).
- 001 §3(一) (通城): construction monthly; operations quarterly; training quarterly;
  funds every half year.
- 004 annex 4 §4(一) (临猗): construction monthly; funds quarterly.
- 002 art. 13 (安泽): funds quarterly.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class InspectionCategory(models.TextChoices):
    CONSTRUCTION = "construction", "项目建设进度"
    OPERATION = "operation", "项目运营情况"
    TRAINING = "training", "培训情况"
    FUNDS = "funds", "资金使用情况"
    SPECIAL = "special", "专项抽查"


# The categories a plan schedules; special checks are ad hoc (000 §1(三) 专项抽查).
PLANNED_CATEGORIES = [
    InspectionCategory.CONSTRUCTION,
    InspectionCategory.OPERATION,
    InspectionCategory.TRAINING,
    InspectionCategory.FUNDS,
]


class Frequency(models.IntegerChoices):
    """Months between two checks; a plan period is the calendar month, quarter or half."""

    NONE = 0, "不定期（不排计划）"
    MONTHLY = 1, "每月一次"
    QUARTERLY = 3, "每季度一次"
    HALF_YEARLY = 6, "每半年一次"
    YEARLY = 12, "每年一次"


class InspectionMethod(models.TextChoices):
    """001 §3(二), 004 annex 4 §4(二)."""

    SITE_VISIT = "site_visit", "实地考察"
    REPORT = "report", "听取报告"
    DOCUMENTS = "documents", "查看材料"
    DISCUSSION = "discussion", "座谈交流"
    OTHER = "other", "其他可行方式"


class Judgement(models.TextChoices):
    """The three standards of 000 §7 / 001 §4 / 004 annex 4 §5, each judged."""

    PASS = "pass", "符合要求"
    PROBLEM = "problem", "存在问题"
    NOT_CHECKED = "not_checked", "本次未检查"


RULE_FIELDS = {
    InspectionCategory.CONSTRUCTION: "construction_months",
    InspectionCategory.OPERATION: "operation_months",
    InspectionCategory.TRAINING: "training_months",
    InspectionCategory.FUNDS: "funds_months",
}


class CountyInspectionRule(models.Model):
    """How often a county inspects each category, and whether it checks the funds before
    every disbursement (000 §6(三)). An e-town's plan starts from it."""

    # Presets from the seeds: (label, construction, operation, training, funds, before disbursement, basis)
    PRESETS = {
        "gaoping": ("高平方案（000 第六条）", 1, 3, 3, 0, True, "高乡村e镇办发〔2022〕9号 第六条"),
        "tongcheng": ("通城制度（001 第三条）", 1, 3, 3, 6, False, "通城县日常监管制度 第三条（一）"),
        "linyi": ("临猗附件4（004 附件4 第四条）", 1, 0, 0, 3, False, "临猗新城涑水e镇日常监督管理制度 第四条（一）"),
        "anze": ("安泽办法（002 第十三条）", 1, 3, 0, 3, False, "安泽县专项资金管理及拨付办法 第十三条"),
    }

    county = models.OneToOneField(
        "etown.County", verbose_name="区县", on_delete=models.CASCADE, related_name="inspection_rule"
    )
    construction_months = models.PositiveSmallIntegerField("项目建设进度检查", choices=Frequency.choices, default=Frequency.MONTHLY)
    operation_months = models.PositiveSmallIntegerField("运营情况检查", choices=Frequency.choices, default=Frequency.QUARTERLY)
    training_months = models.PositiveSmallIntegerField("培训情况检查", choices=Frequency.choices, default=Frequency.QUARTERLY)
    funds_months = models.PositiveSmallIntegerField("资金使用情况检查", choices=Frequency.choices, default=Frequency.QUARTERLY)
    funds_before_disbursement = models.BooleanField(
        "拨付前须开展资金检查", default=False,
        help_text="高平方案第六条（三）：财政资金拨付前进行资金使用情况检查。勾选后，拨付申请须有窗口期内的资金检查。",
    )
    funds_window_days = models.PositiveSmallIntegerField(
        "拨付前资金检查有效期（天）", default=30, validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="拨付申请前多少天内的资金使用情况检查有效。",
    )
    basis = models.CharField("依据", max_length=200, blank=True, help_text="如“临猗新城涑水e镇日常监督管理制度 第四条”。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "区县检查频次规则"

    def __str__(self):
        return f"{self.county} 检查频次规则"

    def months_for(self, category):
        field = RULE_FIELDS.get(category)
        return getattr(self, field) if field else Frequency.NONE


class InspectionPlan(models.Model):
    """An e-town's own frequency for one category, overriding the county's rule. Without
    a row the county rule applies (selectors.inspections.effective_plans)."""

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.CASCADE, related_name="inspection_plans")
    category = models.CharField("检查类别", max_length=20, choices=InspectionCategory.choices)
    interval_months = models.PositiveSmallIntegerField("频次", choices=Frequency.choices)
    starts_on = models.DateField(
        "起算日期", null=True, blank=True,
        help_text="留空则自项目实施开始之日起算；运营情况检查可填运营之日（000 第六条（一））。",
    )
    note = models.CharField("说明", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "检查计划"
        constraints = [models.UniqueConstraint(fields=["etown", "category"], name="inspection_plan_unique")]

    def __str__(self):
        return f"{self.etown} · {self.get_category_display()} · {self.get_interval_months_display()}"


class Inspection(models.Model):
    """One inspection (监督检查) of an e-town: 000 §5-7, 001 §3-4, 004 annex 4 §4-5."""

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="inspections")
    category = models.CharField("检查类别", max_length=20, choices=InspectionCategory.choices)
    inspected_on = models.DateField("检查日期")
    methods = models.JSONField("检查方式", default=list, help_text="实地考察、听取报告、查看材料、座谈交流、其他可行方式，可多选。")
    agency = models.ForeignKey(
        "etown.Organization", verbose_name="参加的第三方机构", on_delete=models.PROTECT, null=True, blank=True,
        related_name="inspections", limit_choices_to={"kind": "agency"},
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="检查人员（平台用户）", blank=True, related_name="inspections",
    )
    other_inspectors = models.CharField(
        "其他检查人员", max_length=300, blank=True, help_text="未在平台注册的部门人员等，多人用顿号分隔。"
    )
    summary = models.TextField("检查情况", blank=True)
    construction_result = models.CharField("项目建设情况", max_length=20, choices=Judgement.choices, default=Judgement.NOT_CHECKED)
    construction_remarks = models.CharField("建设情况说明", max_length=500, blank=True)
    operation_result = models.CharField("项目运营情况", max_length=20, choices=Judgement.choices, default=Judgement.NOT_CHECKED)
    operation_remarks = models.CharField("运营情况说明", max_length=500, blank=True)
    funds_result = models.CharField("资金使用情况", max_length=20, choices=Judgement.choices, default=Judgement.NOT_CHECKED)
    funds_remarks = models.CharField("资金使用情况说明", max_length=500, blank=True)
    files = models.ManyToManyField("etown.StoredFile", verbose_name="照片及材料", blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = verbose_name_plural = "监督检查"
        ordering = ["-inspected_on", "-pk"]
        indexes = [
            models.Index(fields=["etown", "category", "inspected_on"], name="inspection_plan_lookup"),
            # The due list's ten most recent inspections of a scope (issue 16): read in
            # this order, not sorted from the country's 70,000 (47 ms to 0.3 ms).
            models.Index(fields=["-inspected_on", "-id"], name="inspection_recent"),
        ]

    def __str__(self):
        return f"{self.etown} · {self.get_category_display()} · {self.inspected_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("inspection_detail", args=[self.pk])

    def method_labels(self):
        labels = dict(InspectionMethod.choices)
        return [labels.get(m, m) for m in self.methods or []]

    def judgements(self):
        """[(standard, result value, result label, remarks)] for the three standards."""
        return [
            ("项目建设情况", self.construction_result, self.get_construction_result_display(), self.construction_remarks),
            ("项目运营情况", self.operation_result, self.get_operation_result_display(), self.operation_remarks),
            ("资金使用情况", self.funds_result, self.get_funds_result_display(), self.funds_remarks),
        ]


class InspectionFinding(models.Model):
    """A problem found in an inspection; one step turns it into a rectification item."""

    inspection = models.ForeignKey(Inspection, verbose_name="监督检查", on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveSmallIntegerField("序号", default=0)
    text = models.TextField("发现的问题")

    class Meta:
        verbose_name = verbose_name_plural = "检查发现的问题"
        ordering = ["inspection", "position", "pk"]

    def __str__(self):
        return self.text[:40]


class InspectionDue(models.Model):
    """The due state of one e-town × planned category as computed for ``InspectionDueStamp
    .computed_on`` (issue 16): a read model that selectors.inspection_due keeps, so the due
    list pages, its counts, the dashboards and the daily sweep read indexed rows instead
    of working out the periods of every e-town on every request. Never edited by hand:
    every write is a refresh from ``selectors.inspections.DueTable``."""

    etown = models.ForeignKey("etown.ETown", on_delete=models.CASCADE, related_name="+")
    category = models.CharField("检查类别", max_length=20, choices=InspectionCategory.choices)
    interval = models.PositiveSmallIntegerField("检查频次", choices=Frequency.choices)
    state = models.CharField("状态", max_length=10)
    state_order = models.PositiveSmallIntegerField()
    due_date = models.DateField("到期日")
    last_date = models.DateField("上次检查", null=True)
    prev_start = models.DateField(null=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查到期状态"
        constraints = [models.UniqueConstraint(fields=["etown", "category"], name="inspection_due_once")]
        indexes = [models.Index(fields=["state_order", "due_date"], name="inspection_due_order")]


class InspectionDueStamp(models.Model):
    """The day an e-town's ``InspectionDue`` rows were computed for. A write that changes
    what they depend on (an inspection, a plan, the county's rule, the e-town's start)
    deletes the stamp in its own transaction; a read finds the e-towns without today's
    stamp and computes them again (selectors.inspection_due.ensure_fresh)."""

    etown = models.OneToOneField("etown.ETown", on_delete=models.CASCADE, primary_key=True, related_name="+")
    computed_on = models.DateField(db_index=True)


from .rectification import *  # noqa: E402,F401,F403
from .rectification import __all__ as _rectification_all  # noqa: E402
from .letters import *  # noqa: E402,F401,F403
from .letters import __all__ as _letters_all  # noqa: E402

__all__ = [
    "InspectionCategory", "PLANNED_CATEGORIES", "Frequency", "InspectionMethod", "Judgement", "RULE_FIELDS",
    "CountyInspectionRule", "InspectionPlan", "Inspection", "InspectionFinding", "InspectionDue", "InspectionDueStamp",
    *_rectification_all, *_letters_all,
]
