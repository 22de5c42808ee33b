"""Administrators see the monthly reports read-only: every change goes through the
services (a state machine with history), never through the admin."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from etown.admin import ReadOnlyAdminMixin, ReadOnlyTabularInline

from .models import MonthlyReport, MonthlyReportIndicatorLine, MonthlyReportTaskLine


class TaskLineInline(ReadOnlyTabularInline):
    model = MonthlyReportTaskLine
    fields = ["task", "progress", "note"]
    readonly_fields = fields


class IndicatorLineInline(ReadOnlyTabularInline):
    model = MonthlyReportIndicatorLine
    fields = ["indicator", "month_value", "cumulative_value", "unit", "target", "note"]
    readonly_fields = fields


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["etown", "period", "status", "due_date", "first_submitted_on", "reviewed_by"]
    list_filter = ["status", "period", "etown__county"]
    search_fields = ["etown__name"]
    list_select_related = ["etown", "reviewed_by"]
    inlines = [TaskLineInline, IndicatorLineInline]
