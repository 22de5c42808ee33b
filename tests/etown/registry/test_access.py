"""Access follows people (issue 14 finding 1; 等保 2.0 访问控制: rights are granted and
withdrawn with the person's post). A membership is the one source of access: granting,
changing or ending it (service or admin) moves the organisation's object permissions in
the same transaction, ends the person's sessions, and is recorded."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from etown import services
from etown.admin.roles import SECURITY_ADMIN, SYSTEM_ADMIN
from etown.models import AuditEvent, Membership, Organization

pytestmark = pytest.mark.django_db


def _membership(user):
    return Membership.objects.get(user=user)


def _company_of(user):
    return _membership(user).organization


def test_it_moves_a_contractor_to_another_company_and_the_old_rights_go(demo, client_for):
    c = client_for(demo.contractor)
    assert c.get(reverse("etown_detail", args=[demo.etown.pk])).status_code == 200
    services.membership_update(
        membership=_membership(demo.contractor), organization=_company_of(demo.contractor2), by=demo.system,
        reason="调往供销电商",
    )
    # The open session ended with the change.
    assert c.get(reverse("dashboard")).status_code == 302
    c = client_for(demo.contractor)
    assert c.get(reverse("etown_detail", args=[demo.etown.pk])).status_code == 404
    assert c.get(reverse("funds:request_create", args=[demo.etown.pk])).status_code == 404
    assert c.get(reverse("etown_detail", args=[demo.other_etown.pk])).status_code == 200
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ACCESS_CHANGED, detail__contains="调往供销电商")
    assert "contractor" in event.detail


def test_it_moves_an_office_to_another_county(demo, client_for):
    services.membership_update(
        membership=_membership(demo.office), county=demo.anze_etown.county,
        organization=Organization.objects.get(name="安泽县工业和信息化局"), by=demo.system,
    )
    c = client_for(demo.office)
    assert c.get(reverse("etown_detail", args=[demo.etown.pk])).status_code == 404
    assert c.get(reverse("etown_detail", args=[demo.anze_etown.pk])).status_code == 200


def test_it_revokes_everything_when_a_membership_ends(demo, client_for):
    c = client_for(demo.agency)
    assert c.get(reverse("etown_detail", args=[demo.etown.pk])).status_code == 200
    group = _company_of(demo.agency).group
    services.membership_end(membership=_membership(demo.agency), by=demo.system, reason="离职")
    assert c.get(reverse("dashboard")).status_code == 302
    assert not demo.agency.groups.filter(pk=group.pk).exists()
    assert client_for(demo.agency).get(reverse("etown_detail", args=[demo.etown.pk])).status_code == 404
    assert Membership.history.filter(user_id=demo.agency.pk, history_type="-", history_change_reason="离职").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCESS_CHANGED, detail__contains="离职").exists()


def test_it_keeps_a_company_group_while_another_membership_needs_it(demo):
    company = _company_of(demo.contractor)
    services.membership_grant(user=demo.contractor, role="contractor", county=demo.anze_etown.county,
                              organization=company, by=demo.system)
    services.membership_end(membership=Membership.objects.get(user=demo.contractor, county=demo.linyi), by=demo.system)
    assert demo.contractor.groups.filter(pk=company.group_id).exists()


def _admin(username, group):
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def test_it_moves_people_through_the_admin_too(demo, client_for):
    security = client_for(_admin("sec", SECURITY_ADMIN))
    m = _membership(demo.contractor)
    r = security.post(reverse("admin:etown_membership_change", args=[m.pk]), {
        "user": demo.contractor.pk, "role": "contractor", "county": demo.linyi.pk, "scope": "county",
        "organization": _company_of(demo.contractor2).pk, "title": "项目负责人",
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    c = client_for(demo.contractor)
    assert c.get(reverse("etown_detail", args=[demo.etown.pk])).status_code == 404
    assert c.get(reverse("etown_detail", args=[demo.other_etown.pk])).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.ACCESS_CHANGED, username="sec").exists()

    r = security.post(reverse("admin:etown_membership_delete", args=[m.pk]), {"post": "yes"})
    assert r.status_code == 302
    assert client_for(demo.contractor).get(reverse("etown_detail", args=[demo.other_etown.pk])).status_code == 404


def test_it_gives_a_new_employee_added_in_the_admin_access(demo, client_for):
    system = client_for(_admin("sys", SYSTEM_ADMIN))
    r = system.post(reverse("admin:auth_user_add"), {
        "username": "newhire", "password1": "Xy-secret-2026", "password2": "Xy-secret-2026",
        "usable_password": "true",
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    newhire = get_user_model().objects.get(username="newhire")
    security = client_for(_admin("sec", SECURITY_ADMIN))
    r = security.post(reverse("admin:etown_membership_add"), {
        "user": newhire.pk, "role": "contractor", "county": demo.linyi.pk, "scope": "county",
        "organization": _company_of(demo.contractor).pk, "title": "",
    })
    assert r.status_code == 302, r.content.decode()[:3000]
    assert client_for(newhire).get(reverse("etown_detail", args=[demo.etown.pk])).status_code == 200
