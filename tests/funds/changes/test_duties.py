"""Separation of duties and the stale-click guard on change and extension requests
(issue 11; 004 附件2 第九条、第十条: the office reviews, the leading group approves — two
people, whatever roles one of them holds)."""
import pytest
from django.core.exceptions import ValidationError

from etown import services as etown_services
from funds import services
from funds.models import ChangeRequest, ChangeStatus

from .test_chain import extension
from ..helpers import TODAY

C = ChangeStatus


def make_leader(demo, user):
    membership = demo.leader.memberships.get()
    etown_services.membership_grant(user=user, role="leader", county=demo.linyi, organization=membership.organization,
                                    by=demo.system)
    user._etown_memberships = None


def test_it_refuses_the_office_reviewer_the_leading_groups_approval_of_the_same_change(demo):
    make_leader(demo, demo.office)
    change = extension(demo)
    services.change_submit(change=change, by=demo.contractor, today=TODAY)
    change.refresh_from_db()
    services.change_approve(change=change, by=demo.office, note="情况属实")
    change.refresh_from_db()
    with pytest.raises(ValidationError, match="不相容岗位分离"):
        services.change_approve(change=change, by=demo.office, note="同意")
    change.refresh_from_db()
    assert change.status == C.OFFICE_APPROVED
    services.change_approve(change=change, by=demo.leader, note="同意延期")
    change.refresh_from_db()
    assert change.status == C.APPROVED


def test_it_refuses_a_double_click_on_a_change_over_http(demo, client_for):
    make_leader(demo, demo.office)
    change = extension(demo)
    services.change_submit(change=change, by=demo.contractor, today=TODAY)
    version = ChangeRequest.objects.get(pk=change.pk).version
    client = client_for(demo.office)
    assert f'name="version" value="{version}"' in client.get(f"/funds/changes/{change.pk}/").content.decode()
    assert client.post(f"/funds/changes/{change.pk}/approve/", {"note": "", "version": version}).status_code == 302
    second = client.post(f"/funds/changes/{change.pk}/approve/", {"note": "", "version": version}, follow=True)
    assert "已由他人处理" in second.content.decode()
    change.refresh_from_db()
    assert change.status == C.OFFICE_APPROVED
    assert change.steps.filter(action__in=["office_approve", "leader_approve"]).count() == 1
    page = client.get(f"/funds/changes/{change.pk}/").content.decode()
    assert 'data-testid="change-approve"' not in page and 'data-testid="separated"' in page
