"""Who sees which e-town (DESIGN.md "Who uses it"; object permissions through guardian)."""
import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from etown import services
from etown.models import Contract, ETown, ETownGroupObjectPermission, ETownUserObjectPermission
from etown.permissions import (
    can_edit_etown,
    can_inspect,
    can_report_for,
    can_view_etown,
    get_etown_for,
    visible_etowns,
)

pytestmark = pytest.mark.django_db


def names(user):
    return set(visible_etowns(user).values_list("name", flat=True))


LINYI = {"临猗新城涑水e镇", "临猗县电子商务进农村综合示范项目"}


def test_it_shows_county_wide_roles_every_etown_of_their_county(demo):
    for user in (demo.office, demo.finance, demo.leader, demo.auditor):
        assert names(user) == LINYI


def test_it_shows_a_contractor_only_its_own_etown(demo):
    assert names(demo.contractor) == {"临猗新城涑水e镇"}
    assert names(demo.contractor2) == {"临猗县电子商务进农村综合示范项目"}


def test_it_shows_an_agency_only_the_etowns_it_is_assigned_to(demo):
    assert names(demo.agency) == {"临猗新城涑水e镇"}
    services.etown_unassign_agency(etown=demo.etown, agency=demo.etown.agencies.get(), by=demo.office)
    demo.agency = type(demo.agency).objects.get(pk=demo.agency.pk)  # fresh permission cache
    assert names(demo.agency) == set()


def test_it_keeps_other_counties_out(demo, anze_office):
    assert names(anze_office) == {"安泽县连翘产业乡村e镇"}
    assert not can_view_etown(anze_office, demo.etown)


def test_it_grants_through_the_organisation_group_not_per_user(demo):
    # Direct-foreign-key permission tables (DESIGN.md): rows per organisation, none per user.
    assert ETownUserObjectPermission.objects.count() == 0
    assert ETownGroupObjectPermission.objects.filter(content_object=demo.etown).exists()


def test_it_lets_a_new_staff_member_of_the_contractor_see_the_etown(demo):
    from django.contrib.auth import get_user_model

    new = get_user_model().objects.create_user("newhand", password="x")
    org = demo.contract.contractor
    services.membership_grant(user=new, role="contractor", county=demo.linyi, organization=org, by=demo.office)
    assert names(new) == {"临猗新城涑水e镇"}


def test_it_revokes_the_contractor_when_its_contract_is_terminated(demo):
    services.contract_update(contract=demo.contract, by=demo.office, reason="合同解除", status=Contract.Status.TERMINATED)
    contractor = type(demo.contractor).objects.get(pk=demo.contractor.pk)
    assert names(contractor) == set()


def test_it_gives_reasons_for_refusals(demo):
    verdict = can_edit_etown(demo.auditor, demo.etown)
    assert not verdict and "领导小组办公室" in verdict.reason
    assert can_edit_etown(demo.office, demo.etown)
    assert can_report_for(demo.contractor, demo.etown)
    assert not can_report_for(demo.office, demo.etown)
    assert not can_report_for(demo.contractor2, demo.etown)
    assert can_inspect(demo.agency, demo.etown)
    assert not can_inspect(demo.agency, demo.other_etown)
    assert not can_inspect(demo.finance, demo.etown)


def test_it_returns_404_to_outsiders_and_403_to_read_only_roles(demo):
    with pytest.raises(Http404):
        get_etown_for(demo.contractor2, demo.etown.pk)
    with pytest.raises(PermissionDenied):
        get_etown_for(demo.auditor, demo.etown.pk, write=can_edit_etown)
    assert get_etown_for(demo.office, demo.etown.pk, write=can_edit_etown) == demo.etown
    with pytest.raises(Http404):
        get_etown_for(demo.office, 999999)


def test_it_records_refused_access_in_the_security_log(demo):
    from etown.models import AuditEvent

    with pytest.raises(Http404):
        get_etown_for(demo.contractor2, demo.etown.pk)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DENIED)
    assert event.user == demo.contractor2 and f"etown:{demo.etown.pk}" in event.detail


def test_it_sees_nothing_without_a_role(demo):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password="x")
    assert ETown.objects.count() == 4
    assert names(nobody) == set()
