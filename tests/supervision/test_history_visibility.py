"""The e-town change log shows contractors and agencies only the kinds of record they may
read: never draft letters, the termination proposal or interviews (found in review)."""
import datetime

import pytest
from django.urls import reverse

from supervision.models import SupervisionLetter
from supervision.services.letters import interview_create, letter_draft
from supervision.services.rectification import rectification_create

pytestmark = pytest.mark.django_db


def test_it_keeps_draft_letters_and_interviews_out_of_the_contractors_change_log(demo, client_for):
    item = rectification_create(
        etown=demo.etown, source="inspection", problem="物流仓储配送中心改造进度滞后", measures="倒排工期",
        units=["承办企业"], persons=["陈涛"], deadline=datetime.date(2026, 12, 31), by=demo.office,
    )
    letter_draft(etown=demo.etown, kind=SupervisionLetter.Kind.FIRST, items=[item], by=demo.office,
                 title="关于临猗新城涑水e镇整改事项的督办函（草稿）")
    interview_create(
        etown=demo.etown, held_on=datetime.date(2026, 11, 20), interviewee="陈涛", interviewers="王立新",
        reason="整改进度滞后", summary="约谈记录", by=demo.office,
    )
    url = reverse("etown_history", args=[demo.etown.pk])
    for user in (demo.contractor, demo.agency):
        body = client_for(user).get(url).content.decode()
        assert 'text-bg-light">督办函<' not in body and 'text-bg-light">约谈<' not in body, user
        assert "（草稿）" not in body, user
        assert "临猗新城涑水e镇" in body  # the registry's own changes are still there
    body = client_for(demo.office).get(url).content.decode()
    assert 'text-bg-light">督办函<' in body and 'text-bg-light">约谈<' in body
