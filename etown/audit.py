"""Writes to the security audit log. Sign-in events arrive through auth signals."""
import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent

log = logging.getLogger("etown.audit")


def _client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(kind, *, user=None, username="", request=None, detail=""):
    if user is not None and not user.is_authenticated:
        user = None
    AuditEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        ip_address=_client_ip(request),
        path=(request.path if request is not None else "")[:300],
        detail=detail[:300],
    )


def record_denied(user, what, reason, request=None):
    log.info("denied %s %s: %s", getattr(user, "pk", None), what, reason)
    record(AuditEvent.Kind.DENIED, user=user, request=request, detail=f"{what} {reason}")


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    record(AuditEvent.Kind.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEvent.Kind.LOGIN_FAILED, username=str(credentials.get("username", "")), request=request)
