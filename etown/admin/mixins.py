"""Shared admin machinery.

Records whose every change must go through a service (history with actor and reason,
row locks, notifications, money gates) are shown read-only in the admin: the admin is a
window onto them, never a side door around the rules.
"""
from django.contrib import admin

from ..models import COUNTY_WIDE_ROLES
from ..permissions import has_scope


class ReadOnlyAdminMixin:
    """No add, change or delete from the admin; viewing stays with the model's view
    permission."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GovernmentOnlyAdminMixin:
    """Records internal to government (a 请示, a clawback proposal): shown only to a
    superuser or a user holding a government role (office, department, leader, auditor),
    never to an agency's or contractor's staff account, whatever model permissions it
    was given."""

    def _government(self, request):
        user = request.user
        return user.is_active and (user.is_superuser or has_scope(user, COUNTY_WIDE_ROLES))

    def has_module_permission(self, request):
        return self._government(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._government(request) and super().has_view_permission(request, obj)


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
