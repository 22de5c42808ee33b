"""The statutory working-day calendar (法定节假日及调休), kept as data the office can correct.

Only the exceptions to the Monday-Friday rule are stored: a holiday that falls on a weekday
(``is_workday=False``) and an adjusted workday (调休上班) on a Saturday or Sunday
(``is_workday=True``). A year is "known" when a ``WorkCalendarYear`` row exists; for a year
without one, ``etown.workdays`` falls back to Monday-Friday and warns.

The years that the ``chinese-calendar`` package knows are seeded by
``etown.workdays.seed_from_package`` (data migration and ``manage.py seed_calendar``); an
administrator enters a new year in the admin when the State Council announces it.
"""
from django.core.exceptions import ValidationError
from django.db import models

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


class WorkCalendarYear(models.Model):
    class Source(models.TextChoices):
        PACKAGE = "package", "chinese-calendar 软件包"
        MANUAL = "manual", "人工录入"

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField("数据来源", max_length=20, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(
        "备注", max_length=300, blank=True,
        help_text="如国务院办公厅通知的文号：国办发明电〔2026〕×号。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历年度"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年（{self.get_source_display()}）"


class CalendarDay(models.Model):
    date = models.DateField("日期", unique=True, db_index=True)
    is_workday = models.BooleanField(
        "是否上班", default=False,
        help_text="勾选：周末调休上班；不勾选：工作日放假。",
    )
    name = models.CharField("名称", max_length=50, help_text="如：春节、国庆节、春节调休上班。")
    calendar_year = models.ForeignKey(
        WorkCalendarYear, verbose_name="所属年度", on_delete=models.CASCADE, related_name="days"
    )

    class Meta:
        verbose_name = verbose_name_plural = "节假日及调休"
        ordering = ["date"]

    def __str__(self):
        kind = "上班" if self.is_workday else "放假"
        return f"{self.date:%Y-%m-%d}（{self.weekday_name}）{self.name} {kind}"

    @property
    def weekday_name(self):
        return WEEKDAY_NAMES[self.date.weekday()] if self.date else ""

    def clean(self):
        super().clean()
        if not self.date:
            return
        errors = {}
        if self.calendar_year_id is not None:
            year = WorkCalendarYear.objects.filter(pk=self.calendar_year_id).values_list("year", flat=True).first()
            if year is not None and year != self.date.year:
                errors["date"] = f"日期不在所属年度（{year}年）内。"
        weekend = self.date.weekday() >= 5
        if self.is_workday and not weekend:
            errors.setdefault("is_workday", f"{self.date:%Y-%m-%d}是{self.weekday_name}，本来就是工作日，无需录入。")
        elif not self.is_workday and weekend:
            errors.setdefault(
                "is_workday", f"{self.date:%Y-%m-%d}是{self.weekday_name}，本来就是休息日，无需录入；周末调休上班请勾选“是否上班”。"
            )
        if errors:
            raise ValidationError(errors)
