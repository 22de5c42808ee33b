"""Writes to the security audit log (等保 2.0 安全审计; issue 14): who, what, when, from
where, and the outcome, for every sign-in, failure, lockout (axes), sign-out, password
change, refusal, download and write.

Sign-in events arrive through auth and axes signals; a password change through the
user's pre/post save; refusals through ``record_denied`` (fetch-and-authorise helpers)
and ``AuditMiddleware`` (any other 403 and every write request). The middleware keeps the
current request, so a record made deep in a service still has the address and path.
"""
import logging
import threading
import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import AuditEvent
from .ratelimit import client_ip

log = logging.getLogger("etown.audit")


def _client_ip(request):
    return client_ip(request)  # behind TRUSTED_PROXY_HOPS proxies (issue 14)


_current = threading.local()


def set_current_request(request):
    _current.request = request


def current_request():
    return getattr(_current, "request", None)


def record(kind, *, user=None, username="", request=None, detail=""):
    request = request if request is not None else current_request()
    if user is not None and not user.is_authenticated:
        user = None
    if kind == AuditEvent.Kind.DENIED and request is not None:
        request._etown_denied_recorded = True  # AuditMiddleware does not record it twice
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
    session = getattr(request, "session", None)
    if session is not None:  # the absolute lifetime counts from here (SessionLifetimeMiddleware)
        session["_signed_in_at"] = int(time.time())


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEvent.Kind.LOGIN_FAILED, username=str(credentials.get("username", "")), request=request)


@receiver(user_locked_out)
def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(AuditEvent.Kind.LOCKED, username=str(username or ""), request=request,
           detail=f"连续登录失败，账号与来源地址已锁定（{ip_address or '未知地址'}）")


@receiver(pre_save, sender=get_user_model())
def _note_password(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    instance._etown_password_changed = old is not None and old != instance.password


@receiver(post_save, sender=get_user_model())
def _on_password_saved(sender, instance, created, **kwargs):
    if getattr(instance, "_etown_password_changed", False):
        instance._etown_password_changed = False
        request = current_request()
        actor = getattr(request, "user", None) if request is not None else None
        by = actor.get_username() if actor is not None and actor.is_authenticated else "system"
        record(AuditEvent.Kind.PASSWORD_CHANGED, user=instance, request=request,
               detail=f"修改人：{by}" if by != instance.get_username() else "本人修改")
