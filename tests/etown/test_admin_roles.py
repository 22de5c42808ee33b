"""三权分立: the three administrator groups exist after migrate and their rights don't overlap."""
import pytest
from django.core.exceptions import PermissionDenied
from django.contrib.auth.models import Group

from etown.admin.roles import AUDIT_ADMIN, SECURITY_ADMIN, SYSTEM_ADMIN

pytestmark = pytest.mark.django_db


def perms(name):
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=name).permissions.all()}


def test_it_separates_the_three_administrators():
    system, security, audit = perms(SYSTEM_ADMIN), perms(SECURITY_ADMIN), perms(AUDIT_ADMIN)
    assert "auth.add_user" in system and "etown.add_membership" not in system
    assert "etown.add_membership" in security and "auth.add_user" not in security
    assert "etown.view_auditevent" in audit
    assert not ({p for p in system | security if "auditevent" in p or "historical" in p})
    writes = {p for p in audit if not p.split(".")[1].startswith("view_")}
    assert writes == set()


def test_it_lets_nobody_grant_rights_at_large_or_edit_the_trail():
    everyone = perms(SYSTEM_ADMIN) | perms(SECURITY_ADMIN) | perms(AUDIT_ADMIN)
    for label in ("auth.change_permission", "auth.change_group", "etown.change_auditevent", "etown.delete_auditevent",
                  "etown.change_historicaletown", "etown.delete_historicaletown"):
        assert label not in everyone


# Issue 14 finding 6: 三权分立 held at the admin ------------------------------------------

def _admin_user(username, group):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def _user_form(user, **extra):
    data = {"username": user.username, "first_name": user.first_name, "last_name": "", "email": user.email,
            "is_active": "on", "is_staff": "on" if user.is_staff else "", "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00"}
    data.update(extra)
    return data


def test_it_lets_the_system_administrator_set_no_superuser_flag_or_group(client_for, demo):
    from django.urls import reverse

    system = _admin_user("sys", SYSTEM_ADMIN)
    c = client_for(system)
    page = c.get(reverse("admin:auth_user_change", args=[system.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page and 'name="user_permissions"' not in page
    security = Group.objects.get(name=SECURITY_ADMIN)
    c.post(reverse("admin:auth_user_change", args=[system.pk]),
           _user_form(system, is_superuser="on", groups=[security.pk]))
    system.refresh_from_db()
    assert not system.is_superuser
    assert list(system.groups.values_list("name", flat=True)) == [SYSTEM_ADMIN]
    # …and it manages no memberships.
    assert c.get(reverse("admin:etown_membership_changelist")).status_code == 403


def test_it_lets_the_security_administrator_change_roles_but_not_its_own(client_for, demo):
    from django.urls import reverse

    from etown import services
    from etown.models import AuditEvent

    security = _admin_user("sec", SECURITY_ADMIN)
    c = client_for(security)
    audit = Group.objects.get(name=AUDIT_ADMIN)
    r = c.post(reverse("admin:auth_user_change", args=[security.pk]), {"groups": [audit.pk]})
    assert r.status_code == 403
    assert not security.groups.filter(name=AUDIT_ADMIN).exists()
    # Another person: allowed, recorded, and the company group from the membership stays.
    r = c.post(reverse("admin:auth_user_change", args=[demo.contractor.pk]), {"groups": [audit.pk]})
    assert r.status_code == 302
    assert demo.contractor.groups.filter(name=AUDIT_ADMIN).exists()
    assert demo.contractor.groups.filter(organization__isnull=False).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCESS_CHANGED, username="sec").exists()
    # Nor a portal role for itself, whoever calls the service.
    with pytest.raises(PermissionDenied):
        services.membership_grant(user=security, role="auditor", county=demo.linyi, by=security)


def test_it_keeps_sign_in_records_from_deletion(client_for, demo):
    from axes.models import AccessFailureLog, AccessLog
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    log = AccessLog.objects.create(username="office", ip_address="10.0.0.1", user_agent="x", path_info="/")
    fail = AccessFailureLog.objects.create(username="office", ip_address="10.0.0.1", user_agent="x", path_info="/")
    root = get_user_model().objects.create_superuser("root", password="x")
    for user in (root, _admin_user("aud", AUDIT_ADMIN), _admin_user("sec", SECURITY_ADMIN)):
        c = client_for(user)
        assert c.post(reverse("admin:axes_accesslog_delete", args=[log.pk]), {"post": "yes"}).status_code in (403, 302)
        assert c.post(reverse("admin:axes_accessfailurelog_delete", args=[fail.pk]), {"post": "yes"}).status_code in (403, 302)
    assert AccessLog.objects.filter(pk=log.pk).exists() and AccessFailureLog.objects.filter(pk=fail.pk).exists()


def test_it_lets_only_the_system_administrator_reset_passwords(client_for, demo):
    from django.urls import reverse

    security = _admin_user("sec", SECURITY_ADMIN)
    url = reverse("admin:auth_user_password_change", args=[demo.contractor.pk])
    r = client_for(security).post(url, {"password1": "Xy-secret-2026", "password2": "Xy-secret-2026"})
    assert r.status_code == 403
    demo.contractor.refresh_from_db()
    assert demo.contractor.check_password("demo12345")
    # No hand-made object permissions beside the memberships: no guardian page on e-towns.
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="x")
    assert client_for(root).get(f"/admin/etown/etown/{demo.etown.pk}/permissions/").status_code in (302, 404)


def test_it_ends_the_sessions_of_an_account_the_system_administrator_deactivates(client_for, demo):
    from django.urls import reverse

    from etown.models import AuditEvent

    contractor = client_for(demo.contractor)
    assert contractor.get(reverse("dashboard")).status_code == 200
    system = client_for(_admin_user("sys", SYSTEM_ADMIN))
    data = _user_form(demo.contractor)
    data.pop("is_active")
    r = system.post(reverse("admin:auth_user_change", args=[demo.contractor.pk]), data)
    assert r.status_code == 302
    assert contractor.get(reverse("dashboard")).status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCESS_CHANGED, detail__contains="停用账号").exists()
