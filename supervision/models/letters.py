"""督办函 and the other written orders of the escalation ladder, and 约谈 records.

Document numbers (文号) are ``<机关代字>〔<year>〕<N>号`` (County.letter_code), N
sequential per issuing office (the county's 领导小组办公室) per year, never reused and
without gaps: ``LetterCounter`` is a row per (county, year) locked with
``select_for_update`` while a letter is issued, in the same transaction (a rolled-back
issue rolls the counter back with it).

An issued letter's PDF is the record: it is rendered once by a Celery task and never
regenerated; a correction is a new letter pointing at the one it corrects.
"""
from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

__all__ = ["LetterCounter", "LetterSeries", "SupervisionLetter", "Interview", "proposal_code"]

# Written into the requirements where the deadline goes; the letter's deadline field fills
# it when the letter is printed, so the text can never disagree with the deadline. Here,
# beside the model, because both the drafting service and the PDF read it.
DEADLINE_MARK = "【整改期限】"


class LetterSeries(models.TextChoices):
    """Number series (issue 12): the 督办函 and the second order are 下行文 of the office
    (``<代字>督〔年〕N号``); the 请示 to terminate a contract is a 上行文 to the county
    government with its own series (``<代字>请〔年〕N号``, see ``proposal_code``), so
    the two never share numbers."""

    ORDER = "督", "督办函"
    PROPOSAL = "请", "请示"


def proposal_code(letter_code):
    """The 机关代字 of the office's 请示: its letter code with the final 督 made 请
    (临乡村e镇办督 → 临乡村e镇办请), or 请 appended."""
    if not letter_code:
        return ""
    return (letter_code[:-1] if letter_code.endswith("督") else letter_code) + "请"


class LetterCounter(models.Model):
    county = models.ForeignKey("etown.County", verbose_name="发文机关（区县）", on_delete=models.CASCADE, related_name="+")
    series = models.CharField("文号系列", max_length=4, choices=LetterSeries.choices, default=LetterSeries.ORDER)
    year = models.PositiveSmallIntegerField("年度")
    last_number = models.PositiveIntegerField("已用到的序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "督办函文号计数"
        constraints = [models.UniqueConstraint(fields=["county", "series", "year"], name="letter_counter_series_unique")]

    def __str__(self):
        return f"{self.county} {self.year}：{self.last_number}"


class SupervisionLetter(models.Model):
    class Kind(models.IntegerChoices):
        # The value is the escalation level the letter carries (004 annex 4 §2).
        FIRST = 1, "督办函"
        SECOND = 2, "再次督办函（限期整改）"
        TERMINATION = 3, "关于终止合同的请示"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已印发"
        CANCELLED = "cancelled", "已作废"

    county = models.ForeignKey("etown.County", verbose_name="发文机关（区县）", on_delete=models.PROTECT, related_name="+")
    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="letters")
    kind = models.PositiveSmallIntegerField("文书类别", choices=Kind.choices, default=Kind.FIRST)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    series = models.CharField(
        "文号系列", max_length=4, choices=LetterSeries.choices, default=LetterSeries.ORDER, editable=False
    )
    year = models.PositiveSmallIntegerField("文号年度", null=True, blank=True, editable=False)
    seq = models.PositiveIntegerField("文号序号", null=True, blank=True, editable=False)
    number = models.CharField("文号", max_length=60, blank=True, editable=False)
    title = models.CharField("标题", max_length=120)
    addressee_org = models.ForeignKey(
        "etown.Organization", verbose_name="主送单位", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    addressee = models.CharField("主送", max_length=100, help_text="如承办企业全称；终止合同的请示主送县人民政府。")
    items = models.ManyToManyField(
        "supervision.Rectification", verbose_name="督办的整改事项", blank=True, related_name="letters"
    )
    opening = models.TextField("正文（事由）", help_text="每段一行。")
    requirements = models.TextField("整改要求", blank=True, help_text="每段一行。“【整改期限】”处印发时自动填入整改期限。")
    deadline = models.DateField("整改期限", null=True, blank=True, help_text="报请终止合同时不填。")
    contact_person = models.CharField("联系人", max_length=30, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    cc = models.CharField("抄送", max_length=300, blank=True, help_text="多个单位用逗号分隔。")
    signature = models.CharField("署名（发文机关）", max_length=100)
    issued_on = models.DateField("成文日期", null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.ForeignKey(
        "etown.StoredFile", verbose_name="PDF", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf_error = models.CharField("PDF 生成错误", max_length=300, blank=True)
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签收人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    corrects = models.ForeignKey(
        "self", verbose_name="更正的原文书", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    auto_drafted = models.BooleanField("系统起草", default=False, help_text="由每日巡检为逾期事项自动起草，待办公室审核。")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="起草人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    drafted_at = models.DateTimeField("起草时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["drafted_at"])

    class Meta:
        verbose_name = verbose_name_plural = "督办函"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "series", "year", "seq"], condition=Q(seq__isnull=False),
                name="letter_series_number_unique",
            ),
            # Issue 13: the daily sweep keeps at most one open auto-drafted letter per
            # e-town, kind and addressee (it adds newly overdue items to it), even when two
            # sweeps run at once (the loser's insert skips it, ``ignore_conflicts``).
            # Issue 11 (004 附件2 第十一条, two contractors on one e-town): one per
            # addressee company; no addressee counts as one addressee (Coalesce: NULLs
            # would otherwise all differ).
            models.UniqueConstraint(
                F("etown"), F("kind"), Coalesce(F("addressee_org"), Value(0)),
                condition=Q(status="draft", auto_drafted=True, corrects__isnull=True),
                name="letter_one_open_auto_draft_per_addressee",
            ),
        ]
        indexes = [
            models.Index(fields=["etown", "status"], name="letter_etown_status"),
            # The letters list, newest first: a page read in order, not every letter sorted
            # (issue 16: 1,500 letters over the whole country took 3.5 ms to sort).
            models.Index(fields=["-drafted_at", "-id"], name="letter_recent"),
        ]

    def __str__(self):
        return self.number or f"{self.get_kind_display()}（草稿）"

    def get_absolute_url(self):
        return reverse("letter_detail", args=[self.pk])

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def paragraphs(self, field):
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


class Interview(models.Model):
    """约谈 of a project's responsible person (000 §8)."""

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="interviews")
    held_on = models.DateField("约谈日期")
    location = models.CharField("地点", max_length=100, blank=True)
    interviewee = models.CharField("被约谈人", max_length=50)
    interviewee_title = models.CharField("被约谈人职务", max_length=50, blank=True)
    interviewers = models.CharField("约谈人", max_length=200, help_text="多人用顿号分隔。")
    reason = models.TextField("约谈事由")
    summary = models.TextField("约谈内容及整改承诺")
    items = models.ManyToManyField(
        "supervision.Rectification", verbose_name="涉及的整改事项", blank=True, related_name="interviews"
    )
    files = models.ManyToManyField("etown.StoredFile", verbose_name="约谈记录及材料", blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = verbose_name_plural = "约谈记录"
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.etown} · 约谈 {self.interviewee} · {self.held_on:%Y-%m-%d}"
