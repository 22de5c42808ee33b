"""Accounts in the admin, under the separation of duties (三权分立, issue 14 finding 6;
等保 2.0 三级 安全管理中心 / 身份鉴别):

- the system administrator (``auth.change_user``) manages accounts: name, password,
  whether the account is active and may enter the admin; never groups, rights or
  ``is_superuser`` — nobody sets ``is_superuser`` through the portal (only
  ``manage.py createsuperuser`` on the server);
- the security administrator changes roles: which of the three administrator groups
  a user is in (and, on the Membership page, portal roles); never on their own account;
- deactivating an account or changing its groups ends its sessions and is recorded.

The axes sign-in records (AccessLog, AccessFailureLog) are read-only for everyone; the
security administrator may still delete an AccessAttempt, which unlocks the account.
"""
from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth.admin import UserAdmin as StockUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from ..services.access import access_changed
from ..services.twofactor import can_reset_second_factor, twofactor_reset
from .mixins import ReadOnlyAdminMixin
from .roles import ADMIN_GROUPS, SECURITY_ADMIN, is_in

User = get_user_model()

ACCOUNT_FIELDS = ("username", "password", "first_name", "last_name", "email", "is_active", "is_staff")
NEVER_IN_PORTAL = {"is_superuser", "user_permissions"}


def _is_security_admin_only(request):
    return is_in(request.user, SECURITY_ADMIN) and not request.user.has_perm("auth.change_user")


class UserActionForm(ActionForm):
    reason = forms.CharField(label="原因", required=False, max_length=200)


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(StockUserAdmin):
    list_display = ["username", "first_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("first_name", "last_name", "email")}),
        ("状态", {"fields": ("is_active", "is_staff")}),
        ("登录记录", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    action_form = UserActionForm
    actions = ["twofactor_reset"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not (request.user.is_superuser or is_in(request.user, SECURITY_ADMIN)):
            actions.pop("twofactor_reset", None)
        return actions

    @admin.action(description="重置两步验证（手机丢失，需填写原因）")
    def twofactor_reset(self, request, queryset):
        """Lost phone: the security administrator deletes another person's TOTP and
        recovery codes (etown.services.twofactor.twofactor_reset); never its own."""
        reason = request.POST.get("reason", "")
        done = 0
        for user in queryset:
            if not can_reset_second_factor(request.user, user):
                self.message_user(request, f"不能重置 {user.get_username()} 的两步验证（不能重置自己的）。", level="error")
                continue
            try:
                twofactor_reset(user=user, by=request.user, reason=reason, request=request)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), level="error")
                return
            done += 1
        if done:
            self.message_user(request, f"已重置 {done} 个账号的两步验证，下次登录时需重新绑定。")

    def has_change_permission(self, request, obj=None):
        if _is_security_admin_only(request):
            return obj is None or obj.pk != request.user.pk
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)
        if _is_security_admin_only(request):
            return ((None, {"fields": ("username", "groups")}),)
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and _is_security_admin_only(request):
            return ["username"]
        return self.readonly_fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = Group.objects.filter(name__in=ADMIN_GROUPS)
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name in NEVER_IN_PORTAL:
            form.base_fields.pop(name, None)
        return form

    def save_model(self, request, obj, form, change):
        if NEVER_IN_PORTAL & set(form.changed_data):
            raise PermissionDenied("不能通过平台设置超级管理员或直接授权。")
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            access_changed(user=obj, by=request.user, what="停用账号")  # ends its sessions, recorded

    def save_related(self, request, form, formsets, change):
        if "groups" in form.changed_data:
            if form.instance.pk == request.user.pk:
                raise PermissionDenied("不能为自己授予或变更角色。")
            # The organisation groups come from memberships; only the admin groups are
            # edited here, so keep the others as they are.
            kept = set(form.instance.groups.exclude(name__in=ADMIN_GROUPS))
            super().save_related(request, form, formsets, change)
            form.instance.groups.add(*kept)
            names = "、".join(g.name for g in form.instance.groups.filter(name__in=ADMIN_GROUPS)) or "无"
            access_changed(user=form.instance, by=request.user, what=f"管理员角色变更为：{names}")
        else:
            super().save_related(request, form, formsets, change)

    def user_change_password(self, request, id, form_url=""):
        # Passwords are accounts: the system administrator's (the security administrator,
        # who may open a user to change its groups, may not reset its password).
        if not request.user.has_perm("auth.change_user"):
            raise PermissionDenied("仅系统管理员可以重置密码。")
        return super().user_change_password(request, id, form_url)

    def has_delete_permission(self, request, obj=None):
        # Accounts are deactivated, never deleted: the trail keeps pointing at them.
        return False


for model, base in ((AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(f"ReadOnly{base.__name__}", (ReadOnlyAdminMixin, base), {}))
