"""Administrators see evaluations, applications, reviews and dossier exports read-only:
every change goes through the services (history, locks, notifications, the flag that
releases the retention), never through the admin."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from etown.admin import ReadOnlyAdminMixin, ReadOnlyTabularInline

from .models import (
    AcceptanceApplication,
    AcceptanceReview,
    ApplicationMaterial,
    ChecklistItem,
    ConclusionReturn,
    DossierExport,
    Evaluation,
)


class ReturnInline(ReadOnlyTabularInline):
    model = ConclusionReturn
    fields = ["body", "decided_on", "document_number", "reason", "recorded_by", "resubmitted_on"]
    readonly_fields = fields


class MaterialInline(ReadOnlyTabularInline):
    model = ApplicationMaterial
    fields = ["category", "file"]
    readonly_fields = fields


class ChecklistInline(ReadOnlyTabularInline):
    model = ChecklistItem
    fields = ["kind", "label", "requirement", "figure", "unit", "judgement", "remark", "exception_status",
              "exception_note"]
    readonly_fields = fields


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["etown", "evaluated_on", "evaluator_name", "score", "result", "decided_on"]
    list_filter = ["result", "evaluator_kind", "etown__county"]
    list_select_related = ["etown"]
    search_fields = ["etown__name", "evaluator_name"]


@admin.register(AcceptanceApplication)
class AcceptanceApplicationAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["etown", "kind", "received_on", "due_on", "status", "result_stage", "closed_on"]
    list_filter = ["status", "kind", "result_stage", "etown__county"]
    list_select_related = ["etown"]
    search_fields = ["etown__name"]
    inlines = [MaterialInline, ReturnInline]


@admin.register(AcceptanceReview)
class AcceptanceReviewAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["application", "round", "reviewed_on", "conclusion", "lead_unit"]
    list_filter = ["conclusion", "etown__county"]
    list_select_related = ["application__etown", "lead_unit"]
    inlines = [ChecklistInline]


@admin.register(DossierExport)
class DossierExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["etown", "requested_by", "requested_at", "status", "file_count", "size"]
    list_filter = ["status"]
    list_select_related = ["etown", "requested_by"]
