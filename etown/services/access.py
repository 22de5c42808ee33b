"""Access follows memberships (issue 14, 等保 2.0 访问控制): a membership is the one source
of a person's rights. Whenever one is granted, changed or ended, the person's
organisation groups (which carry guardian's object permissions on e-towns) are brought
in line with their remaining memberships in the same transaction, every open session
of theirs is ended so that no page keeps the old rights, and the change is written to
the security audit log.

``registry.membership_grant`` / ``membership_update`` / ``membership_end`` call
``access_changed``; the admin's Membership and User pages call those services.
"""
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ..audit import record
from ..models import AuditEvent, Membership


def refuse_self_grant(*, user, by):
    """Nobody grants, changes or ends their own role (三权分立: a second person decides)."""
    if by is not None and getattr(by, "pk", None) == user.pk:
        raise PermissionDenied("不能为自己授予、变更或撤销角色。")


def organization_groups_sync(*, user):
    """Keep exactly the organisation groups of the user's current memberships. Groups
    that are not an organisation's (e.g. the three administrator groups) are left alone."""
    wanted = set(
        Membership.objects.filter(user=user, organization__isnull=False).values_list("organization__group_id", flat=True)
    )
    current = set(user.groups.filter(organization__isnull=False).values_list("pk", flat=True))
    stale = current - wanted
    if stale:
        user.groups.remove(*Group.objects.filter(pk__in=stale))
    missing = wanted - current
    if missing:
        user.groups.add(*Group.objects.filter(pk__in=missing))
    # Cached rights on this user object (etown.permissions, guardian) are stale now.
    for attr in ("_etown_memberships", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)
    return stale, missing


def user_sessions_end(*, user):
    """Delete every open session of the user; returns how many were ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def access_changed(*, user, by, what):
    """The one step after every change of a person's rights: sync groups, end sessions,
    record. Call it inside the service's transaction."""
    organization_groups_sync(user=user)
    ended = user_sessions_end(user=user)
    record(
        AuditEvent.Kind.ACCESS_CHANGED,
        user=by if by is not None and getattr(by, "is_authenticated", False) else None,
        username=getattr(by, "username", "") or "system",
        detail=f"{user.get_username()}：{what}；结束会话 {ended} 个",
    )
