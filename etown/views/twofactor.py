"""两步验证: the enrolment page (scan the QR code, confirm with a code, note the recovery
codes) and the verification step after the password (issue 14)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login

from ..audit import record
from ..models import AuditEvent
from ..services import twofactor as services


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "dashboard"


@never_cache
@login_required
def twofactor_setup(request):
    user = request.user
    required = services.needs_second_factor(user)
    enrolled = services.has_second_factor(user)
    if enrolled and not user.is_verified():
        return redirect(f"{request.path.replace('setup/', 'verify/')}?next={request.path}")
    device = services.totp_device_pending(user=user)
    error, codes = "", None
    if request.method == "POST":
        codes = services.totp_enrol_confirm(user=user, device=device, token=request.POST.get("token", ""),
                                            request=request)
        if codes is None:
            error = "验证码不正确，请核对手机验证器上当前显示的 6 位数字后重试。"
        else:
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, "两步验证已启用。请妥善保存下列恢复码，每个只能使用一次。")
    return render(request, "registration/twofactor_setup.html", {
        "required": required, "enrolled": enrolled and codes is None, "codes": codes, "error": error,
        "qr": services.qr_svg_data_uri(device) if codes is None else "", "secret": services.secret_base32(device),
    })


@never_cache
@login_required
def twofactor_verify(request):
    user = request.user
    if user.is_verified() or not services.has_second_factor(user):
        return redirect(_next(request))
    error = ""
    if request.method == "POST":
        device = services.second_factor_verify(user=user, token=request.POST.get("token", ""))
        if device is not None:
            otp_login(request, device)
            record(AuditEvent.Kind.LOGIN, user=user, request=request,
                   detail="两步验证通过" + ("（使用恢复码）" if device.__class__.__name__ == "StaticDevice" else ""))
            return redirect(_next(request))
        record(AuditEvent.Kind.LOGIN_FAILED, user=user, request=request, detail="两步验证码错误")
        error = "验证码不正确或已使用，请重试。"
    return render(request, "registration/twofactor_verify.html", {"error": error, "next": _next(request)})
