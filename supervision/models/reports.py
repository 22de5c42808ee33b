"""Contractor monthly reports (月度报告).

The contractor reports its progress every month in writing (通城 001 §1(2); 临猗 004
annex 4 §1(2); 高平 000 §1(2)): progress per construction task, actual values of the
targets, a work summary, this month's use of special funds, next month's plan and
attachments. The office accepts or returns each report; accepted reports are the source
of the registry's latest figures (``etown.services.indicator_record_actual`` and
``task_record_progress``) and of the monthly data sent to the departments (000 §5(2)).
"""
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

__all__ = ["MonthlyReport", "MonthlyReportTaskLine", "MonthlyReportIndicatorLine"]

VALUE = {"max_digits": 16, "decimal_places": 2}


class MonthlyReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "已退回"
        RESUBMITTED = "resubmitted", "已重新报送"
        ACCEPTED = "accepted", "已通过"

    # The contractor may change the report in these states only; once accepted it is frozen.
    EDITABLE = (Status.DRAFT, Status.RETURNED)
    # Waiting for the office's review.
    WAITING = (Status.SUBMITTED, Status.RESUBMITTED)
    TONES = {"draft": "secondary", "submitted": "primary", "resubmitted": "info", "returned": "warning", "accepted": "success"}

    etown = models.ForeignKey("etown.ETown", verbose_name="e镇项目", on_delete=models.PROTECT, related_name="monthly_reports")
    # The contract the report is filed under (issue 11; 004 附件2 第十一条 allows two
    # contractors on one e-town): each contractor files its own report every month, and
    # its staff see only their own contract's reports. Set by monthly_report_create from
    # the filer's company; empty only for an e-town that had no contract when it was filed.
    contract = models.ForeignKey(
        "etown.Contract", verbose_name="项目建设合同", on_delete=models.PROTECT, null=True, blank=True,
        related_name="monthly_reports",
    )
    period = models.DateField("报告月份", help_text="该月的第一天，如 2026-10-01 表示 2026年10月。")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    due_date = models.DateField(
        "报送期限", help_text="次月的月报报送日（区县设置），遇非工作日顺延至下一个工作日。",
    )
    work_summary = models.TextField("本月工作总结", blank=True)
    fund_use = models.DecimalField(
        "本月专项资金使用（元）", **VALUE, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))],
        help_text="本月实际支出的专项资金，单位：元。资金台账上线后以台账为准。",
    )
    next_plan = models.TextField("下月工作计划", blank=True)
    attachments = models.ManyToManyField(
        "etown.StoredFile", verbose_name="附件", blank=True, related_name="monthly_reports",
    )
    # The first submission decides whether the report was on time: a report the office
    # returns for correction is not late because of the round trip.
    first_submitted_on = models.DateField("首次报送日期", null=True, blank=True)
    submitted_at = models.DateTimeField("最近报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    review_note = models.TextField("审核意见", blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    return_count = models.PositiveSmallIntegerField("退回次数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, null=True, related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = verbose_name_plural = "月度报告"
        ordering = ["-period", "etown", "contract_id"]
        constraints = [
            # One report per contract per month (issue 11), and one per e-town per month
            # for a report filed with no contract.
            models.UniqueConstraint(
                fields=["etown", "contract", "period"], name="monthly_report_once_per_contract_month",
                condition=models.Q(contract__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["etown", "period"], name="monthly_report_once_per_month",
                condition=models.Q(contract__isnull=True),
            ),
        ]
        indexes = [
            # The review queue filters on status and orders by submission; the monthly
            # export and the "missing" list look reports up by month.
            models.Index(fields=["status", "submitted_at"], name="monthly_report_queue"),
            # The queue's page in its order (issue 16): over a country's 6,000 waiting
            # reports PostgreSQL reads 25 rows of this index instead of sorting them all.
            models.Index(fields=["submitted_at", "id"], condition=models.Q(status__in=["submitted", "resubmitted"]),
                         name="monthly_report_waiting"),
            models.Index(fields=["period", "status"], name="monthly_report_period"),
        ]

    def __str__(self):
        return f"{self.etown} · {self.period_label}月报"

    def get_absolute_url(self):
        return reverse("report_detail", args=[self.pk])

    @property
    def period_label(self):
        return f"{self.period.year}年{self.period.month}月"

    @property
    def period_end(self):
        return last_day_of_month(self.period)

    @property
    def status_tone(self):
        """The Bootstrap tone of the status badge."""
        return self.TONES.get(self.status, "secondary")

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def is_waiting(self):
        return self.status in self.WAITING

    def is_late(self, today=None):
        """Submitted after its due date, or not submitted and the due date has passed."""
        if self.first_submitted_on is not None:
            return self.first_submitted_on > self.due_date
        from django.utils import timezone

        return (today or timezone.localdate()) > self.due_date


class MonthlyReportTaskLine(models.Model):
    """Progress of one construction task (建设内容) as reported for the month."""

    report = models.ForeignKey(MonthlyReport, verbose_name="月度报告", on_delete=models.CASCADE, related_name="task_lines")
    task = models.ForeignKey("etown.Task", verbose_name="建设任务", on_delete=models.PROTECT, related_name="report_lines")
    progress = models.PositiveSmallIntegerField(
        "完成进度（%）", null=True, blank=True, validators=[MaxValueValidator(100)],
    )
    note = models.CharField("进展说明", max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "月报任务进度"
        ordering = ["report", "task__position", "task_id"]
        constraints = [models.UniqueConstraint(fields=["report", "task"], name="monthly_report_task_once")]

    def __str__(self):
        return f"{self.task} {self.progress if self.progress is not None else '—'}%"


class MonthlyReportIndicatorLine(models.Model):
    """The actual value of one target (绩效目标) as reported for the month: this month's
    figure and the cumulative one (year to date for a yearly target, since the start for a
    cumulative target). Unit and target are copied from the indicator while the report is
    open, so an accepted report keeps the figures it was judged against."""

    report = models.ForeignKey(
        MonthlyReport, verbose_name="月度报告", on_delete=models.CASCADE, related_name="indicator_lines",
    )
    indicator = models.ForeignKey(
        "etown.Indicator", verbose_name="绩效目标", on_delete=models.PROTECT, related_name="report_lines",
    )
    month_value = models.DecimalField("本月值", **VALUE, null=True, blank=True)
    cumulative_value = models.DecimalField(
        "累计值", **VALUE, null=True, blank=True, help_text="年度目标为本年累计，累计目标为项目开始以来累计。",
    )
    note = models.CharField("说明", max_length=300, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    target = models.DecimalField("目标值", **VALUE, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "月报指标数据"
        ordering = ["report", "indicator__position", "indicator_id"]
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="monthly_report_indicator_once")]

    def __str__(self):
        return f"{self.indicator.name} {self.cumulative_value if self.cumulative_value is not None else '—'}{self.unit}"


def first_of_month(day):
    return day.replace(day=1)


def last_day_of_month(day):
    return add_months(first_of_month(day), 1) - datetime.timedelta(days=1)


def add_months(day, n):
    """The first day of the month ``n`` months after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first, last):
    """The first days of the months from ``first`` to ``last`` inclusive (empty when last < first)."""
    first, last = first_of_month(first), first_of_month(last)
    months = []
    while first <= last:
        months.append(first)
        first = add_months(first, 1)
    return months
