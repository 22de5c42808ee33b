"""Separation of duties (三权分立, 等保 2.0): three administrator groups whose rights do not
overlap. The system administrator manages accounts and base data; the security
administrator manages roles and object permissions (and unlocks accounts); the audit
administrator reads the audit trail. Nobody can both grant permissions and alter the
trail, and nobody can alter it at all: the security log admin is read-only for everyone
and history rows have no change permission granted to any group.

The groups are (re)built after every migrate, so the rule is code, not a manual step.
"""
from django.contrib.auth.models import Group, Permission

SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
ADMIN_GROUPS = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)


def is_in(user, group_name):
    """Is the user a member of one of the three administrator groups (by name)?"""
    return user.is_authenticated and user.groups.filter(name=group_name).exists()

GROUP_PERMISSIONS = {
    SYSTEM_ADMIN: [
        "auth.add_user", "auth.change_user", "auth.view_user",
        "etown.add_county", "etown.change_county", "etown.view_county",
        "etown.add_organization", "etown.change_organization", "etown.view_organization",
        "etown.add_workcalendaryear", "etown.change_workcalendaryear", "etown.view_workcalendaryear",
        "etown.add_calendarday", "etown.change_calendarday", "etown.delete_calendarday", "etown.view_calendarday",
    ],
    SECURITY_ADMIN: [
        "auth.view_user", "auth.view_group",
        "etown.add_membership", "etown.change_membership", "etown.delete_membership", "etown.view_membership",
        "etown.view_etownuserobjectpermission", "etown.view_etowngroupobjectpermission",
        "axes.view_accessattempt", "axes.delete_accessattempt",
    ],
    AUDIT_ADMIN: [
        "etown.view_auditevent", "axes.view_accesslog", "axes.view_accessfailurelog",
        "etown.view_historicaletown", "etown.view_historicalcontract", "etown.view_historicalmembership",
        "etown.view_historicalorganization", "etown.view_historicalcounty",
    ],
}

# Rights no group may hold: editing the trail, or granting rights at large.
FORBIDDEN = {"auth.change_permission", "auth.add_permission", "auth.change_group", "auth.add_group",
             "etown.change_auditevent", "etown.delete_auditevent",
             # Sign-in records are evidence (issue 14): nobody deletes them.
             "axes.delete_accesslog", "axes.delete_accessfailurelog", "axes.change_accesslog",
             "axes.change_accessfailurelog", "auth.delete_user"}


def _permission(label):
    app_label, codename = label.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def ensure_admin_groups(**kwargs):
    for name, labels in GROUP_PERMISSIONS.items():
        assert not FORBIDDEN & set(labels), name
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([p for p in (_permission(label) for label in labels) if p is not None])
