"""The data step of ``etown.0005_issue16_membership_scope`` (issue 16): a membership
that had no county (before issue 16 it read the whole country, its help text said 省级)
becomes a province membership of its organisation's county's province; failing that, of
the one province every county is in; failing that, a national (read-only) membership.
A county membership is left as it was.

The step is called as the migration calls it, with an apps registry, on rows in the
state the step finds them: no county, scope not yet derived. (A round trip of the whole
migration graph with MigrationExecutor did the same in minutes instead of milliseconds;
the schema half of the migration is exercised by every test database's creation.) A
county-less row is written as ``national`` only because today's check constraint refuses
``county`` without a county; the step does not read the old scope."""
import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, User

from etown.models import County, Membership, Organization

pytestmark = pytest.mark.django_db

step = importlib.import_module("etown.migrations.0005_issue16_membership_scope").county_less_to_province


def _county(name, province):
    return County.objects.create(name=name, province=province, city=f"{name}所在市")


def _member(username, *, county=None, organization_county=None, with_org=False, role="leader"):
    user = User.objects.create(username=username)
    organization = None
    if organization_county is not None or with_org:
        group = Group.objects.create(name=f"org-{username}")
        organization = Organization.objects.create(name=f"{username}单位", kind="department",
                                                   county=organization_county, group=group)
    scope = "county" if county else "national"  # the old state: no county, nothing derived
    return Membership.objects.create(user=user, role=role, county=county, organization=organization,
                                     scope=scope).pk


def _scope_of(pk):
    m = Membership.objects.get(pk=pk)
    return m.scope, m.province, m.county_id


def test_it_gives_a_county_less_membership_its_organisations_province_else_national():
    linyi = _county("临猗县", "山西省")
    tongcheng = _county("通城县", "湖北省")  # two provinces: no "only province"
    by_org = _member("hb_official", organization_county=tongcheng)
    org_without_county = _member("mofcom_org", with_org=True)
    bare = _member("mofcom")
    county_office = _member("linyi_office", county=linyi, role="office")

    step(django_apps, None)

    assert _scope_of(by_org) == ("province", "湖北省", None)  # its organisation's county's province
    assert _scope_of(org_without_county) == ("national", "", None)  # nothing names one of the two
    assert _scope_of(bare) == ("national", "", None)
    assert _scope_of(county_office) == ("county", "", linyi.pk)  # untouched


def test_it_uses_the_only_province_present():
    assert not County.objects.exclude(province="山西省").exists()
    linyi = _county("临猗县", "山西省")
    _county("安泽县", "山西省")
    bare = _member("sx_official")
    county_office = _member("linyi_office", county=linyi, role="office")

    step(django_apps, None)

    assert _scope_of(bare) == ("province", "山西省", None)  # the only province present
    assert _scope_of(county_office) == ("county", "", linyi.pk)
