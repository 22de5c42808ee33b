"""The termination pages and prompts (issue 12): the 请示's approval and decision page
(government staff of the county only), the 取消承办资格 form with its warning, and the
约谈 prompt after a second order (高平 000 第八条)."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from etown.models import Contract, Notification
from supervision.models import DisqualificationRule, Interview, SupervisionLetter, Termination
from supervision.services.letters import interview_create

from .test_services import issue, make_item

pytestmark = pytest.mark.django_db
K = SupervisionLetter.Kind
TODAY = timezone.localdate()
D = datetime.timedelta


@pytest.fixture
def second(demo):
    """An item taken to the second order, overdue again."""
    item = make_item(demo, TODAY - D(days=40))
    issue(demo, [item], K.FIRST, TODAY - D(days=30), deadline=TODAY - D(days=20))
    issue(demo, [item], K.SECOND, TODAY - D(days=15), deadline=TODAY - D(days=5))
    return item


@pytest.fixture
def termination(demo, second):
    proposal = issue(demo, [second], K.TERMINATION, TODAY)
    return Termination.objects.get(proposal=proposal)


def test_it_shows_the_termination_to_the_county_government_only(demo, client_for, anze_office, termination):
    url = termination.get_absolute_url()
    page = client_for(demo.leader).get(url)
    assert page.status_code == 200 and "领导小组审批" in page.content.decode()
    assert client_for(demo.office).get(url).status_code == 200
    assert client_for(demo.contractor).get(url).status_code == 404
    assert client_for(anze_office).get(url).status_code == 404
    letter_page = client_for(demo.office).get(termination.proposal.get_absolute_url()).content.decode()
    assert 'data-testid="letter-termination"' in letter_page


def test_it_takes_the_proposal_through_the_leader_and_the_county_government(demo, client_for, termination):
    url = termination.get_absolute_url()
    assert client_for(demo.office).post(reverse("termination_leader", args=[termination.pk]),
                                        {"approve": "1"}).status_code == 403
    response = client_for(demo.leader).post(reverse("termination_leader", args=[termination.pk]),
                                            {"approve": "1", "note": "同意"})
    assert response.status_code == 302
    client_for(demo.office).post(reverse("termination_send", args=[termination.pk]), {"sent_on": TODAY.isoformat()})
    page = client_for(demo.office).post(reverse("termination_decide", args=[termination.pk]), {
        "terminate": "1", "decided_on": TODAY.isoformat(), "decision_number": "",
    })
    assert page.status_code == 200 and "请填写决定文号" in page.content.decode()
    assert Contract.objects.get(pk=demo.contract.pk).status == Contract.Status.ACTIVE
    client_for(demo.office).post(reverse("termination_decide", args=[termination.pk]), {
        "terminate": "1", "decided_on": TODAY.isoformat(), "decision_number": "临政函〔2026〕8号",
    })
    assert Contract.objects.get(pk=demo.contract.pk).status == Contract.Status.TERMINATED
    page = client_for(demo.office).get(url).content.decode()
    assert "临政函〔2026〕8号" in page and "已决定终止" in page


def test_it_warns_the_office_when_the_countys_disqualification_rule_is_met(demo, client_for, second):
    url = reverse("etown_letters", args=[demo.etown.pk])
    assert 'data-testid="disqualification-warning"' not in client_for(demo.office).get(url).content.decode()
    DisqualificationRule.objects.create(county=demo.linyi, min_items=1, clause="临猗日常监督管理制度（004 附件4）第一条（四）")
    page = client_for(demo.office).get(url).content.decode()
    assert 'data-testid="disqualification-warning"' in page and "第一条（四）" in page
    form = client_for(demo.office).get(reverse("disqualification_create", args=[demo.etown.pk])).content.decode()
    assert 'data-testid="disqualification-warning"' in form
    assert client_for(demo.contractor).get(reverse("disqualification_create", args=[demo.etown.pk])).status_code == 403
    assert client_for(demo.contractor2).get(reverse("disqualification_create", args=[demo.etown.pk])).status_code == 404
    response = client_for(demo.office).post(reverse("disqualification_create", args=[demo.etown.pk]), {
        "contract": demo.contract.pk, "decided_on": TODAY.isoformat(), "decision_number": "临政函〔2026〕10号",
        "reason": "再次限期整改后仍未整改",
    })
    assert response.status_code == 302
    assert Contract.objects.get(pk=demo.contract.pk).status == Contract.Status.TERMINATED


def test_it_prompts_an_interview_after_the_second_order_until_one_is_recorded(demo, client_for, second):
    assert Notification.objects.filter(user=demo.office, title__contains="请约谈项目负责人").exists()
    item_url = second.get_absolute_url()
    letters_url = reverse("etown_letters", args=[demo.etown.pk])
    assert 'data-testid="interview-prompt"' in client_for(demo.office).get(item_url).content.decode()
    assert 'data-testid="interview-prompt"' in client_for(demo.office).get(letters_url).content.decode()
    assert 'data-testid="interview-prompt"' not in client_for(demo.contractor).get(item_url).content.decode()
    interview_create(etown=demo.etown, held_on=TODAY, interviewee="陈涛", interviewers="王主任", reason="再次逾期",
                     summary="承诺十日内整改", items=[second], by=demo.office)
    assert Interview.objects.filter(items=second).exists()
    assert 'data-testid="interview-prompt"' not in client_for(demo.office).get(item_url).content.decode()
    assert 'data-testid="interview-prompt"' not in client_for(demo.office).get(letters_url).content.decode()
