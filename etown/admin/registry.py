import inspect

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


from .. import services
from .mixins import ReadOnlyAdminMixin
from ..models import CONTRACT_TERMS, AuditEvent, Contract, County, ETown, Indicator, Membership, Organization, Task

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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and (obj.memberships.exists() or obj.contracts.exists() or obj.assigned_etowns.exists()):
            fields.append("kind")  # organization_update refuses it; don't offer it
        return fields

    def save_model(self, request, obj, form, change):
        # Through the registry services, like every other path (no side door).
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in form.changed_data if name in data}
            services.organization_update(organization=obj, by=request.user, reason="系统管理：修改单位", **fields)
        else:
            saved = services.organization_create(by=request.user, reason="系统管理：登记单位", **data)
            obj.pk, obj.group_id = saved.pk, saved.group_id


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Memberships are the one source of access (issue 14): every add, change and
    removal here goes through the registry services, which move the organisation's
    object permissions, end the person's sessions and record the change."""

    list_display = ["user", "role", "county", "organization", "is_head"]
    list_filter = ["role", "county"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in form.changed_data if name in data}
            saved = services.membership_update(membership=obj, by=request.user, reason="系统管理：变更角色", **fields)
        else:
            accepted = set(inspect.signature(services.membership_grant).parameters) - {"by", "reason"}
            saved = services.membership_grant(
                by=request.user, reason="系统管理：授予角色", **{name: data[name] for name in data if name in accepted}
            )
            extra = {name: data[name] for name in form.changed_data if name in data and name not in accepted}
            if extra:
                saved = services.membership_update(membership=saved, by=request.user, reason="系统管理：授予角色", **extra)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.membership_end(membership=obj, by=request.user, reason="系统管理：撤销角色")

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            self.delete_model(request, membership)


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(ETown)
class ETownAdmin(SimpleHistoryAdmin):
    # No guardian object-permission pages here (issue 14): access to an e-town comes from
    # memberships and contracts/agency assignments through the services, never granted
    # by hand beside them.
    list_display = ["name", "county", "kind", "phase", "status"]
    list_filter = ["county", "kind", "phase", "status"]
    search_fields = ["name"]
    inlines = [TaskInline, IndicatorInline]


@admin.register(Contract)
class ContractAdmin(SimpleHistoryAdmin):
    """The money terms are read-only here once the contract is locked (its first
    disbursement request submitted); every save goes through the registry services,
    which hold the same rule for every path (issue 11)."""

    list_display = ["title", "number", "etown", "contractor", "amount", "status"]
    list_filter = ["status"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.terms_locked_at:
            fields += [name for name in CONTRACT_TERMS if name not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        if change:
            services.contract_update(contract=obj, by=request.user, reason="系统管理：修改合同", **data)
        else:
            fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "etown"}
            saved = services.contract_create(etown=form.cleaned_data["etown"], by=request.user, reason="系统管理：登记合同",
                                             **fields)
            obj.pk = saved.pk


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: nobody edits or deletes the security log."""

    list_display = ["at", "kind", "username", "ip_address", "path", "detail"]
    list_filter = ["kind"]
    search_fields = ["username", "detail"]
