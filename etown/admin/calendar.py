"""Admin for the working-day calendar: an administrator enters a new year's holidays
(e.g. 2027 once the State Council announces them) or corrects a seeded day.

Imported from ``etown/admin/__init__.py``.
"""
from django import forms
from django.contrib import admin
from django.db.models import Count, Q

from etown.models.calendar import CalendarDay, WorkCalendarYear


class CalendarDayInlineFormSet(forms.BaseInlineFormSet):
    """Every day entered under a year must belong to that year (also for a year being added)."""

    def clean(self):
        super().clean()
        year = self.instance.year
        if not year:
            return
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            day = form.cleaned_data.get("date")
            if day and day.year != year:
                form.add_error("date", f"日期不在本年度（{year}年）内。")


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    formset = CalendarDayInlineFormSet
    fields = ["date", "weekday", "is_workday", "name"]
    readonly_fields = ["weekday"]
    ordering = ["date"]
    extra = 3

    @admin.display(description="星期")
    def weekday(self, obj):
        return obj.weekday_name if obj and obj.pk else ""


@admin.register(WorkCalendarYear)
class WorkCalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source", "holiday_count", "adjusted_workday_count", "note", "updated_at"]
    list_filter = ["source"]
    search_fields = ["year", "note"]
    readonly_fields = ["updated_at"]
    fields = ["year", "source", "note", "updated_at"]
    inlines = [CalendarDayInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_holidays=Count("days", filter=Q(days__is_workday=False)),
                n_workdays=Count("days", filter=Q(days__is_workday=True)),
            )
        )

    @admin.display(description="工作日放假（天）", ordering="n_holidays")
    def holiday_count(self, obj):
        return obj.n_holidays

    @admin.display(description="周末调休上班（天）", ordering="n_workdays")
    def adjusted_workday_count(self, obj):
        return obj.n_workdays


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "name", "calendar_year"]
    list_filter = ["is_workday", "calendar_year__source", "calendar_year"]
    search_fields = ["name", "date"]
    date_hierarchy = "date"
    list_select_related = ["calendar_year"]
    fields = ["calendar_year", "date", "is_workday", "name"]

    @admin.display(description="星期", ordering="date")
    def weekday(self, obj):
        return obj.weekday_name
