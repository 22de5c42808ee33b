"""Administrators see disbursement and change requests, the ledger, the asset register
and clawbacks read-only: every change goes through the services (the approval chain
with its gates and row locks, a ledger corrected only by a reversing entry, history with
actor and reason), never through the admin."""
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from etown.admin import GovernmentOnlyAdminMixin, ReadOnlyAdminMixin

from .models import Asset, ChangeRequest, Clawback, ClawbackProposal, DisbursementRequest, LedgerEntry


@admin.register(DisbursementRequest)
class DisbursementRequestAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "etown", "contract", "kind", "amount", "status", "submitted_at", "disbursed_on"]
    list_filter = ["status", "kind", "etown__county"]
    list_select_related = ["etown", "contract"]
    search_fields = ["etown__name", "purpose"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["code", "etown", "contract", "kind", "title", "status", "new_term_end"]
    list_filter = ["status", "kind", "etown__county"]
    list_select_related = ["etown", "contract"]
    search_fields = ["etown__name", "title"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["entry_date", "etown", "payee", "summary", "amount", "voucher_number", "invoice_number"]
    list_filter = ["county", "over_disbursed", "invoice_reused"]
    list_select_related = ["etown"]
    search_fields = ["payee", "summary", "invoice_number", "voucher_number"]


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "etown", "quantity", "value", "acquired_on", "location", "state"]
    list_filter = ["state", "etown__county"]
    list_select_related = ["etown"]
    search_fields = ["name", "etown__name"]


@admin.register(Clawback)
class ClawbackAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["etown", "contract", "kind", "amount", "basis", "decision_number", "decided_on"]
    list_filter = ["kind", "basis", "etown__county"]
    list_select_related = ["etown", "contract"]


@admin.register(ClawbackProposal)
class ClawbackProposalAdmin(GovernmentOnlyAdminMixin, ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Clawback proposals (002 第九条; termination, disqualification): confirmed or
    dismissed only through funds.services.clawbacks."""

    list_display = ["etown", "contract", "trigger", "basis", "suggested_amount", "status", "clawback", "decided_by",
                    "created_at"]
    list_filter = ["status", "trigger", "basis", "etown__county"]
    search_fields = ["etown__name", "contract__contractor__name", "reason"]
    list_select_related = ["etown", "contract__contractor", "clawback", "decided_by"]
