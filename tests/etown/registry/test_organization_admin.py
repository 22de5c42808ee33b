"""The Organization admin is no side door (phase-2 rules: every path to the same data goes
through one service): adding and changing an organisation in the admin goes through
``organization_create`` / ``organization_update``, which keep history with who and why
(等保 2.0 三级 安全审计), and a kind change that would break the members' roles is refused."""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from etown import services
from etown.admin.roles import SYSTEM_ADMIN
from etown.models import Organization

pytestmark = pytest.mark.django_db


def _system_admin():
    user = get_user_model().objects.create_user("sys", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=SYSTEM_ADMIN))
    return user


def _form(org, **extra):
    data = {"name": org.name, "kind": org.kind, "county": org.county_id or "", "credit_code": org.credit_code,
            "contact_person": org.contact_person, "contact_phone": org.contact_phone}
    data.update(extra)
    return data


def test_it_adds_an_organisation_in_the_admin_through_the_service(client_for, demo):
    system = _system_admin()
    r = client_for(system).post(reverse("admin:etown_organization_add"),
                                {"name": "临猗县新远网络科技有限公司", "kind": "contractor", "county": demo.linyi.pk,
                                 "credit_code": "", "contact_person": "", "contact_phone": ""})
    assert r.status_code == 302, r.content.decode()[:2000]
    org = Organization.objects.get(name="临猗县新远网络科技有限公司")
    assert org.group.name.startswith("org:contractor:")
    last = org.history.latest()
    assert last.history_user == system and last.history_change_reason == "系统管理：登记单位"


def test_it_changes_an_organisation_in_the_admin_through_the_service(client_for, demo):
    system = _system_admin()
    org = demo.contractor.memberships.first().organization
    r = client_for(system).post(reverse("admin:etown_organization_change", args=[org.pk]),
                                _form(org, contact_person="赵明"))
    assert r.status_code == 302, r.content.decode()[:2000]
    org.refresh_from_db()
    assert org.contact_person == "赵明"
    last = org.history.latest()
    assert last.history_user == system and last.history_change_reason == "系统管理：修改单位"


def test_it_refuses_a_kind_change_that_would_break_the_members_roles(client_for, demo):
    system = _system_admin()
    org = demo.contractor.memberships.first().organization
    before = org.history.count()
    with pytest.raises(ValidationError) as refused:
        services.organization_update(organization=org, by=system, reason="改类型", kind=Organization.Kind.AGENCY)
    assert "单位类型" in str(refused.value)
    # The admin shows the kind read-only once people or contracts hang on it.
    page = client_for(system).get(reverse("admin:etown_organization_change", args=[org.pk])).content.decode()
    assert 'name="kind"' not in page
    client_for(system).post(reverse("admin:etown_organization_change", args=[org.pk]), _form(org, kind="agency"))
    org.refresh_from_db()
    assert org.kind == Organization.Kind.CONTRACTOR


def test_it_asks_for_a_reason_when_changing_an_organisation(demo):
    org = demo.contractor.memberships.first().organization
    with pytest.raises(ValidationError):
        services.organization_update(organization=org, by=_system_admin(), reason=" ", contact_person="赵明")
    org.refresh_from_db()
    assert org.contact_person != "赵明"
