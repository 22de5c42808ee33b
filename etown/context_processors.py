from django.conf import settings

from .hub import hub
from .notifications import unread_count
from .permissions import memberships


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_name": settings.PORTAL_NAME}
    ms = memberships(user)
    counties = sorted({m.area_label for m in ms})
    return {
        "portal_name": settings.PORTAL_NAME,
        "nav_items": hub.nav_for(user),
        "user_memberships": ms,
        "user_role_label": "、".join(sorted({m.get_role_display() for m in ms})) or "未分配角色",
        "user_county_label": "、".join(counties),
        "unread_notifications": unread_count(user),
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,  # static/js/etown/session.js (issue 14)
    }
