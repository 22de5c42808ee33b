"""Resetting a lost second factor (issue 14 finding 10, 三权分立): the security
administrator deletes another person's TOTP and recovery-code devices, never its own; the
reset is recorded in the audit trail (等保 2.0 三级 安全审计)."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from etown.admin.roles import SECURITY_ADMIN, SYSTEM_ADMIN
from etown.models import AuditEvent
from etown.services.twofactor import recovery_codes_renew, twofactor_reset

pytestmark = pytest.mark.django_db


def _admin_user(username, group):
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _enrolled(user):
    TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)
    recovery_codes_renew(user=user)


def _devices(user):
    return TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()


def test_it_lets_the_security_administrator_reset_another_persons_second_factor(client_for, demo):
    security = _admin_user("sec", SECURITY_ADMIN)
    _enrolled(demo.office)
    c = client_for(security)
    page = c.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "twofactor_reset" in page and "重置两步验证" in page
    r = c.post(reverse("admin:auth_user_changelist"),
               {"action": "twofactor_reset", "_selected_action": [demo.office.pk], "reason": "手机丢失"})
    assert r.status_code == 302
    assert _devices(demo.office) == 0
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCESS_CHANGED, username="sec")
    assert "office" in event.detail and "两步验证" in event.detail


def test_it_refuses_a_reset_of_ones_own_second_factor(client_for, demo):
    security = _admin_user("sec", SECURITY_ADMIN)
    _enrolled(security)
    c = client_for(security)
    c.post(reverse("admin:auth_user_changelist"), {"action": "twofactor_reset", "_selected_action": [security.pk], "reason": "手机丢失"})
    assert _devices(security) == 2
    with pytest.raises(PermissionDenied):
        twofactor_reset(user=security, by=security, reason="手机丢失")
    assert _devices(security) == 2
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCESS_CHANGED, detail__contains="两步验证").exists()


def test_it_refuses_the_reset_to_other_administrators(client_for, demo):
    system = _admin_user("sys", SYSTEM_ADMIN)
    _enrolled(demo.office)
    c = client_for(system)
    assert "twofactor_reset" not in c.get(reverse("admin:auth_user_changelist")).content.decode()
    c.post(reverse("admin:auth_user_changelist"), {"action": "twofactor_reset", "_selected_action": [demo.office.pk], "reason": "手机丢失"})
    assert _devices(demo.office) == 2
    with pytest.raises(PermissionDenied):
        twofactor_reset(user=demo.office, by=system, reason="手机丢失")
    assert _devices(demo.office) == 2


def test_it_asks_for_a_reason(client_for, demo):
    security = _admin_user("sec", SECURITY_ADMIN)
    _enrolled(demo.office)
    r = client_for(security).post(reverse("admin:auth_user_changelist"),
                                  {"action": "twofactor_reset", "_selected_action": [demo.office.pk], "reason": ""},
                                  follow=True)
    assert "请填写重置两步验证的原因" in r.content.decode()
    assert _devices(demo.office) == 2
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        twofactor_reset(user=demo.office, by=security, reason="  ")
    assert _devices(demo.office) == 2
