"""Administrators read supervision's records here; every change goes through the services,
so the admin is read-only.

- Monthly reports: a state machine with history, never changed through the admin.
- Inspections, rectification items, letters and interviews: status machines with
  history, numbered letters whose PDF is the record. The letter counter is never edited
  by hand: a number once issued is never reused."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from etown.admin import GovernmentOnlyAdminMixin, ReadOnlyAdminMixin, ReadOnlyTabularInline

from .models import (
    CountyInspectionRule,
    Inspection,
    InspectionPlan,
    Interview,
    LetterCounter,
    MonthlyReport,
    MonthlyReportIndicatorLine,
    MonthlyReportTaskLine,
    Rectification,
    RectificationEscalation,
    RectificationResponse,
    SupervisionLetter,
    Termination,
)


@admin.register(CountyInspectionRule)
class CountyInspectionRuleAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["county", "construction_months", "operation_months", "training_months", "funds_months",
                    "funds_before_disbursement", "funds_window_days"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["etown", "category", "interval_months", "starts_on"]
    list_filter = ["category"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["etown", "category", "inspected_on", "agency", "recorded_by"]
    list_filter = ["category", "inspected_on"]
    list_select_related = ["etown", "agency", "recorded_by"]


class ResponseInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RectificationResponse
    extra = 0
    fields = ["submitted_at", "submitted_by", "letter", "text"]
    readonly_fields = fields


class EscalationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RectificationEscalation
    extra = 0
    fields = ["level", "letter", "previous_due_date", "new_due_date", "escalated_by", "escalated_at"]
    readonly_fields = fields


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["etown", "source", "problem", "units", "due_date", "status", "escalation_level"]
    list_filter = ["status", "source", "escalation_level"]
    search_fields = ["problem", "units", "persons"]
    list_select_related = ["etown"]
    inlines = [ResponseInline, EscalationInline]


@admin.register(SupervisionLetter)
class SupervisionLetterAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "title", "etown", "kind", "status", "issued_on", "acknowledged_at"]
    list_filter = ["status", "kind", "county"]
    search_fields = ["number", "title", "addressee"]
    list_select_related = ["etown"]


@admin.register(Termination)
class TerminationAdmin(GovernmentOnlyAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Termination and disqualification proposals (请示, 004 附件4 第二条): changed only by
    supervision.services.termination (leading group, county government's decision)."""

    list_display = ["etown", "contract", "kind", "status", "proposal", "leader_at", "sent_on", "decided_on",
                    "decision_number"]
    list_filter = ["status", "kind", "county"]
    search_fields = ["etown__name", "contract__contractor__name", "decision_number", "proposal__number"]
    list_select_related = ["etown", "contract__contractor", "proposal"]
    date_hierarchy = "created_at"


@admin.register(LetterCounter)
class LetterCounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["county", "year", "last_number"]


@admin.register(Interview)
class InterviewAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["etown", "held_on", "interviewee", "interviewers"]
    list_select_related = ["etown"]


# Monthly reports -----------------------------------------------------------------------


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
