"""The idle-timeout warning's endpoint (issue 14): the page's script (static/js/etown/
session.js) warns at 25 idle minutes and, on 继续, calls this to push the 30-minute idle
expiry on, so a half-filled form is not lost."""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST


@never_cache
@require_POST
@login_required
def session_ping(request):
    request.session.modified = True  # saved with a fresh idle expiry
    return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})
