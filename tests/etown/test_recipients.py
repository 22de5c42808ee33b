"""Who is told (etown.recipients): the one rule every app's notifications follow.

Decided in the house issue: province-wide office staff are told of their province's
e-towns; contractor staff are found through their memberships (not permission groups),
and only for contracts that still bind (a terminated contract's staff hear nothing)."""
from django.contrib.auth import get_user_model

from etown import services
from etown.models import Contract, Organization, Role
from etown.recipients import contractor_users, contractor_users_by_etown, office_users, staff


def _user(name, **membership):
    user = get_user_model().objects.create_user(name, password="x")
    services.membership_grant(user=user, by=get_user_model().objects.get(username="system-seed"), **membership)
    return user


def test_it_tells_the_county_office_and_province_wide_office_staff(demo, anze_office):
    provincial = _user("province_office", role=Role.OFFICE, county=None, organization=None)
    told = office_users(demo.etown.county_id)
    assert demo.office in told and provincial in told
    assert anze_office not in told  # another county's office hears nothing of 临猗
    assert demo.auditor not in told and demo.contractor not in told


def test_it_leaves_out_inactive_accounts(demo):
    demo.office.is_active = False
    demo.office.save()
    assert demo.office not in office_users(demo.etown.county_id)


def test_it_finds_reviewers_of_one_department(demo):
    department = demo.finance.memberships.get(role=Role.REVIEWER).organization
    # The finance bureau's reviewer and its treasury desk, who pays (不相容岗位分离, issue 11).
    assert set(staff(county_id=demo.etown.county_id, role=Role.REVIEWER, organization_id=department.pk)) == {
        demo.finance, demo.treasury}
    other = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).exclude(pk=department.pk).first()
    assert staff(county_id=demo.etown.county_id, role=Role.REVIEWER, organization_id=other.pk) == []


def test_it_finds_contractor_staff_through_their_memberships(demo):
    assert contractor_users(etown=demo.etown) == [demo.contractor]
    assert contractor_users(contract=demo.contract) == [demo.contractor]
    assert demo.contractor2 not in contractor_users(etown=demo.etown)
    # A colleague added to the company by membership alone (no group yet) is told too.
    colleague = get_user_model().objects.create_user("colleague", password="x")
    colleague.memberships.create(role=Role.CONTRACTOR, county=demo.etown.county, organization=demo.contract.contractor)
    assert colleague in contractor_users(etown=demo.etown)


def test_it_tells_no_one_of_a_terminated_contract(demo):
    Contract.objects.filter(pk=demo.contract.pk).update(status=Contract.Status.TERMINATED)
    assert contractor_users(etown=demo.etown) == []
    assert contractor_users_by_etown([demo.etown.pk]) == {}


def test_it_groups_contractor_staff_by_etown_in_two_queries(demo, django_assert_num_queries):
    with django_assert_num_queries(2):  # live contracts; contractor memberships with their users
        by_etown = contractor_users_by_etown([demo.etown.pk, demo.other_etown.pk])
    assert by_etown[demo.etown.pk] == [demo.contractor]
    assert by_etown[demo.other_etown.pk] == [demo.contractor2]
