"""The county's chain page (issue 12): read by the county's staff, changed only by an
office head with a reason and a confirmation; another county's staff get 404."""
import pytest
from django.urls import reverse

from etown import services as etown_services
from funds.models import FundsPolicy

pytestmark = pytest.mark.django_db

CHAIN = {"department_review": "on", "payment_notice": "on", "stage_acceptance": "on",
         "chain_clause": "临猗资金办法（004 附件2）第三条、第十二条", "reason": "按本县资金管理办法"}


def test_it_changes_the_chain_only_for_a_head_who_confirms(demo, client_for, anze_office):
    from django.contrib.auth import get_user_model

    url = reverse("funds:chain", args=[demo.linyi.pk])
    assert client_for(anze_office).get(url).status_code == 404
    assert client_for(demo.contractor).get(url).status_code == 404
    page = client_for(demo.finance).get(url)
    assert page.status_code == 200 and 'data-testid="chain-submit"' not in page.content.decode()
    assert client_for(demo.finance).post(url, {**CHAIN, "confirmed": "on"}).status_code == 403
    clerk = get_user_model().objects.create_user("clerk", password="x")
    etown_services.membership_grant(user=clerk, role="office", county=demo.linyi, by=demo.system, is_head=False)
    assert client_for(clerk).post(url, {**CHAIN, "confirmed": "on"}).status_code == 403
    head = client_for(demo.office)
    page = head.post(url, CHAIN)  # not confirmed
    assert page.status_code == 200 and "请确认" in page.content.decode()
    assert not FundsPolicy.objects.filter(county=demo.linyi).exists()
    assert head.post(url, {**CHAIN, "confirmed": "on"}).status_code == 302
    policy = FundsPolicy.objects.get(county=demo.linyi)
    assert (policy.leader_approval, policy.executive_meeting, policy.department_review) == (False, False, True)
    page = head.get(url).content.decode()
    assert "取消“领导小组审批”" in page  # the history, on the page
    assert 'data-testid="chain-link"' in head.get(reverse("funds:home")).content.decode()
