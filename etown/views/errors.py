"""Error pages in Chinese with DEBUG off (issue 13): 400, 403, 404, 413 (a request over
DATA_UPLOAD_MAX_MEMORY_SIZE / the field or file count limits, which Django reports as a
bare English "Bad Request (400)") and 500, plus the CSRF failure page. Wired in
etown/urls.py (``handler400`` …) and settings.CSRF_FAILURE_VIEW.

400, 413 and 500 render a standalone page (templates/errors/…) that needs no context
processor and no database, so a broken request or a failing database cannot break the
error page too. Recording 403s in the security log is not done here."""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def _plain(template, status, **context):
    try:
        body = loader.get_template(template).render(context)
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        body = f"<!doctype html><meta charset=utf-8><h1>出错了（{status}）</h1>"
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def _limit_mb():
    return max(1, settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024))


@requires_csrf_token
def bad_request(request, exception=None):
    if isinstance(exception, TOO_BIG) or isinstance(getattr(exception, "__cause__", None), TOO_BIG):
        return _plain("errors/413.html", 413, limit_mb=_limit_mb(),
                      upload_mb=max(1, getattr(settings, "UPLOAD_MAX_BYTES", 0) // (1024 * 1024)))
    return _plain("errors/400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    reason = str(exception) if exception is not None and str(exception) else ""
    body = loader.render_to_string("403.html", {"exception": reason}, request=request)
    return HttpResponse(body, status=403)


@requires_csrf_token
def page_not_found(request, exception=None):
    body = loader.render_to_string("404.html", {}, request=request)
    return HttpResponse(body, status=404)


@requires_csrf_token
def server_error(request):
    return _plain("500.html", 500)


def csrf_failure(request, reason=""):
    """Django's CSRF failure page is English; ours says what to do (the form was open too
    long, or cookies are off)."""
    return _plain("errors/csrf.html", 403)
