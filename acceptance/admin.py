"""Administrators see evaluations, applications, reviews and dossier exports read-only:
every change goes through the services (history, locks, notifications, the flag that
releases the retention), never through the admin."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AcceptanceApplication, AcceptanceReview, ApplicationMaterial, ChecklistItem, DossierExport, Evaluation


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


class MaterialInline(ReadOnlyInline):
    model = ApplicationMaterial
    fields = ["category", "file"]
    readonly_fields = fields


class ChecklistInline(ReadOnlyInline):
    model = ChecklistItem
    fields = ["kind", "label", "requirement", "figure", "unit", "judgement", "remark"]
    readonly_fields = fields


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["etown", "evaluated_on", "evaluator_name", "score", "result", "decided_on"]
    list_filter = ["result", "evaluator_kind", "etown__county"]
    list_select_related = ["etown"]
    search_fields = ["etown__name", "evaluator_name"]


@admin.register(AcceptanceApplication)
class AcceptanceApplicationAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["etown", "kind", "received_on", "due_on", "status", "closed_on"]
    list_filter = ["status", "kind", "etown__county"]
    list_select_related = ["etown"]
    search_fields = ["etown__name"]
    inlines = [MaterialInline]


@admin.register(AcceptanceReview)
class AcceptanceReviewAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["application", "round", "reviewed_on", "conclusion", "lead_unit"]
    list_filter = ["conclusion", "etown__county"]
    list_select_related = ["application__etown", "lead_unit"]
    inlines = [ChecklistInline]


@admin.register(DossierExport)
class DossierExportAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["etown", "requested_by", "requested_at", "status", "file_count", "size"]
    list_filter = ["status"]
    list_select_related = ["etown", "requested_by"]
