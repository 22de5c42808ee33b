"""Administrators see the monthly reports read-only: every change goes through the
services (a state machine with history), never through the admin."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MonthlyReport, MonthlyReportIndicatorLine, MonthlyReportTaskLine


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TaskLineInline(ReadOnlyInline):
    model = MonthlyReportTaskLine
    fields = ["task", "progress", "note"]
    readonly_fields = fields


class IndicatorLineInline(ReadOnlyInline):
    model = MonthlyReportIndicatorLine
    fields = ["indicator", "month_value", "cumulative_value", "unit", "target", "note"]
    readonly_fields = fields


@admin.register(MonthlyReport)
class MonthlyReportAdmin(SimpleHistoryAdmin):
    list_display = ["etown", "period", "status", "due_date", "first_submitted_on", "reviewed_by"]
    list_filter = ["status", "period", "etown__county"]
    search_fields = ["etown__name"]
    list_select_related = ["etown", "reviewed_by"]
    inlines = [TaskLineInline, IndicatorLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
