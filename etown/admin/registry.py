from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from simple_history.admin import SimpleHistoryAdmin


from .mixins import ReadOnlyAdminMixin
from ..models import AuditEvent, Contract, County, ETown, Indicator, Membership, Organization, Task

admin.site.site_header = "乡村e镇项目监管平台 · 系统管理"
admin.site.site_title = "系统管理"


@admin.register(County)
class CountyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "city", "province", "office_name", "letter_code", "report_due_day"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "county", "contact_person"]
    list_filter = ["kind", "county"]
    search_fields = ["name", "credit_code"]

    def save_model(self, request, obj, form, change):
        if not obj.group_id:
            from django.contrib.auth.models import Group

            obj.group = Group.objects.create(name=f"org:{obj.kind}:{obj.county_id or 'p'}:{obj.name}"[:150])
        super().save_model(request, obj, form, change)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "county", "organization", "is_head"]
    list_filter = ["role", "county"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["user"]


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(ETown)
class ETownAdmin(GuardedModelAdmin, SimpleHistoryAdmin):
    list_display = ["name", "county", "kind", "phase", "status"]
    list_filter = ["county", "kind", "phase", "status"]
    search_fields = ["name"]
    inlines = [TaskInline, IndicatorInline]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    list_display = ["title", "number", "etown", "contractor", "amount", "status"]
    list_filter = ["status"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: nobody edits or deletes the security log."""

    list_display = ["at", "kind", "username", "ip_address", "path", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "detail"]
