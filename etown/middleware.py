import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url

from .audit import record, record_denied, set_current_request
from .models import AuditEvent
from .services.twofactor import has_second_factor, needs_second_factor


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: a strict CSP (every asset is ours, no CDN)
    and no caching of signed-in pages."""

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.CSP)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class SessionRefreshMiddleware:
    """Save a signed-in session only when it changes, and at most once a minute to push
    its idle expiry on (issue 16: the 30-minute idle timeout of 等保 stays, to within a
    minute, without a session write on every request). Sits after SessionMiddleware, so
    its response half runs first and SessionMiddleware saves what it marks."""

    INTERVAL = 60  # seconds
    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key or session.is_empty():
            return response
        now = int(time.time())
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            session["_wrote_at"] = now  # etown.db_router: read your own writes from the primary
        if session.modified:
            return response
        if now - session.get(self.KEY, 0) >= self.INTERVAL:
            session[self.KEY] = now  # marks it modified: saved with a fresh expiry
        return response


class AuditMiddleware:
    """The security log's eyes on every request (issue 14; 等保 2.0 安全审计):

    - keeps the current request for ``etown.audit.record`` (address and path on records
      made inside views and services);
    - records a 403 raised anywhere (``PermissionDenied``) that ``record_denied`` did not
      record already, with the user, address, path and reason;
    - records every write (POST/PUT/PATCH/DELETE) of a signed-in user with its outcome
      (the HTTP status); what changed is in the history tables, who/where/when here.
    """

    WRITES = {"POST", "PUT", "PATCH", "DELETE"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        set_current_request(request)
        try:
            response = self.get_response(request)
            self._record_write(request, response)
            return response
        finally:
            set_current_request(None)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied) and not getattr(request, "_etown_denied_recorded", False):
            record_denied(getattr(request, "user", None), request.path[:100], str(exception) or "拒绝访问", request=request)
        return None

    def _record_write(self, request, response):
        user = getattr(request, "user", None)
        if request.method not in self.WRITES or user is None or not user.is_authenticated:
            return
        outcome = "成功" if response.status_code < 400 else "失败"
        record(AuditEvent.Kind.WRITE, user=user, request=request,
               detail=f"{request.method} {response.status_code} {outcome}")


class AlreadyHandledMiddleware:
    """A click that lost a race (etown.permissions.AlreadyHandled: a colleague approved,
    returned or issued the record a moment before) goes back to the page it came from
    with the message “已由他人处理：…”, instead of a 403 page and a false “denied”
    security event (issue 13). Sits after MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib import messages
        from django.http import HttpResponseRedirect
        from django.utils.http import url_has_allowed_host_and_scheme

        from .permissions import AlreadyHandled

        if not isinstance(exception, AlreadyHandled):
            return None
        messages.warning(request, "；".join(exception.messages))
        back = request.META.get("HTTP_REFERER", "")
        if not (back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure())):
            back = request.path if request.method == "GET" else "/"
        return HttpResponseRedirect(back)


class SessionLifetimeMiddleware:
    """An absolute lifetime for a signed-in session (issue 14; 等保 2.0 会话控制): besides
    the 30-minute idle timeout, a session ends ``SESSION_ABSOLUTE_SECONDS`` after the
    sign-in however busy it is; the sign-out is recorded. The clock starts at sign-in
    (``etown.audit`` stamps the session)."""

    KEY = "_signed_in_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(self.KEY)
            if started is None:
                request.session[self.KEY] = int(time.time())
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                record(AuditEvent.Kind.SESSIONS_ENDED, user=user, request=request, detail="会话达到最长时限，自动退出")
                logout(request)
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={quote(request.path)}")
        return self.get_response(request)


class TwoFactorMiddleware:
    """Office heads and administrators pass a second factor before any page (issue 14):
    signed in but not verified → the verification step, or, with no authenticator yet,
    the enrolment page. Off unless ``TWO_FACTOR_REQUIRED`` (the DEBUG demo has it off)."""

    OPEN = ("/accounts/2fa/", "/accounts/logout/", "/accounts/session/", "/static/", "/public/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            getattr(settings, "TWO_FACTOR_REQUIRED", False)
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(self.OPEN)
            and not (hasattr(user, "is_verified") and user.is_verified())
        ):
            if needs_second_factor(user):
                target = "twofactor_verify" if has_second_factor(user) else "twofactor_setup"
                return redirect(f"{resolve_url(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)
