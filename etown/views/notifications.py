from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..models import Notification
from ..notifications import notification_mark_read
from .common import paginate


@login_required
def notification_list(request):
    qs = Notification.objects.filter(user=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    return render(request, "etown/notifications.html", {"page": paginate(request, qs), "unread_only": request.GET.get("unread") == "1"})


@login_required
@require_POST
def notification_read(request):
    ids = [int(i) for i in request.POST.getlist("id") if i.isdigit()] or None
    notification_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site (issue 14: no open redirect to another host).
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "notification_list"
    return redirect(target)
