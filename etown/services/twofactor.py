"""The second factor (issue 14; 等保 2.0 三级 身份鉴别): TOTP through django-otp, required
for office heads (``Membership.is_head`` with the office role) and the three administrator
groups, with ten single-use recovery codes (django-otp's static device).

Off while ``settings.TWO_FACTOR_REQUIRED`` is off (the DEBUG demo, README says so).
"""
import base64
import io

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..audit import record
from ..models import AuditEvent, Membership, Role

RECOVERY_CODES = 10
ADMIN_GROUP_NAMES = ("系统管理员", "安全管理员", "审计管理员")  # etown.admin.roles (admin imports services)
SECURITY_ADMIN_NAME = ADMIN_GROUP_NAMES[1]


def needs_second_factor(user):
    """Must this user pass a second factor? Office heads and administrators."""
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False) or not user.is_authenticated:
        return False
    if user.is_superuser or user.groups.filter(name__in=ADMIN_GROUP_NAMES).exists():
        return True
    return Membership.objects.filter(user=user, role=Role.OFFICE, is_head=True).exists()


def has_second_factor(user):
    return any(True for _ in devices_for_user(user, confirmed=True))


def totp_device_pending(*, user):
    """The unconfirmed TOTP device of the enrolment page (one; made when missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=False)
    return device


def qr_svg_data_uri(device):
    """The otpauth:// URI as an SVG QR code, as a data: URI (CSP allows data: images)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def secret_base32(device):
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@transaction.atomic
def totp_enrol_confirm(*, user, device, token, request=None):
    """Confirm the authenticator with a first code; replaces older devices and returns
    fresh recovery codes (shown once). None when the code is wrong."""
    if device.user_id != user.pk or not device.verify_token(token):
        record(AuditEvent.Kind.LOGIN_FAILED, user=user, request=request, detail="两步验证绑定：验证码错误")
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user)
    record(AuditEvent.Kind.ACCESS_CHANGED, user=user, request=request, detail="启用两步验证（TOTP）")
    return codes


@transaction.atomic
def recovery_codes_renew(*, user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def second_factor_verify(*, user, token):
    """The confirmed device (TOTP, or a recovery code, used up) that accepts ``token``."""
    token = (token or "").replace(" ", "").strip()
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None


def can_reset_second_factor(by, user):
    """三权分立: resetting a person's second factor changes how they prove who they are, a
    security-administrator duty (etown.admin.roles); never on one's own account."""
    if not getattr(by, "is_authenticated", False) or by.pk == user.pk:
        return False
    return by.is_superuser or by.groups.filter(name=SECURITY_ADMIN_NAME).exists()


@transaction.atomic
def twofactor_reset(*, user, by, reason, request=None):
    """A lost phone: delete the person's TOTP and recovery-code devices so that they enrol
    again at the next sign-in. Returns how many devices were removed; recorded."""
    if not can_reset_second_factor(by, user):
        raise PermissionDenied("仅安全管理员可以重置他人的两步验证，不能重置自己的。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写重置两步验证的原因。")
    totp, static = TOTPDevice.objects.filter(user=user), StaticDevice.objects.filter(user=user)
    removed = totp.count() + static.count()
    totp.delete()
    static.delete()  # its recovery codes go with it (cascade)
    record(
        AuditEvent.Kind.ACCESS_CHANGED,
        user=by,
        request=request,
        detail=f"{user.get_username()}：重置两步验证（删除设备 {removed} 项）；原因：{reason}",
    )
    return removed
