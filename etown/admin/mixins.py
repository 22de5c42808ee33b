"""Shared admin machinery.

Records whose every change must go through a service (history with actor and reason,
row locks, notifications, money gates) are shown read-only in the admin: the admin is a
window onto them, never a side door around the rules.
"""
from django.contrib import admin


class ReadOnlyAdminMixin:
    """No add, change or delete from the admin; viewing stays with the model's view
    permission."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
