"""三权分立: the three administrator groups exist after migrate and their rights don't overlap."""
import pytest
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
