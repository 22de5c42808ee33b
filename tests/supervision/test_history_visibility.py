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


# Per-contract scoping (issue 11; 004 附件2 第十一条 allows two contractors on one e-town) ----


def _report_rows(changes):
    return [c for c in changes if c.label == "月度报告"]


def test_it_shows_a_contractor_only_its_own_contracts_report_history(demo, second_contract, client_for):
    from etown.history import changes_for_etown
    from tests.supervision.reports.support import OCTOBER, filled_report

    filled_report(demo.etown, demo.contractor, OCTOBER)  # contractor 1's report: created, then edited
    own = _report_rows(changes_for_etown(demo.etown, full=False, viewer=demo.contractor))
    assert own and {c.user for c in own} == {demo.contractor}
    # Contractor 2 has filed nothing: contractor 1's report history is not theirs to read.
    assert _report_rows(changes_for_etown(demo.etown, full=False, viewer=demo.contractor2)) == []
    filled_report(demo.etown, demo.contractor2, OCTOBER)
    theirs = _report_rows(changes_for_etown(demo.etown, full=False, viewer=demo.contractor2))
    assert theirs and {c.user for c in theirs} == {demo.contractor2}
    # The office sees both contractors' rows; the shared e-town facts stay visible to both.
    office = _report_rows(changes_for_etown(demo.etown, full=True, viewer=demo.office))
    assert {c.user for c in office} == {demo.contractor, demo.contractor2}

    url = reverse("etown_history", args=[demo.etown.pk])
    mine, other = (client_for(u).get(url).content.decode() for u in (demo.contractor, demo.contractor2))
    office_page = client_for(demo.office).get(url).content.decode()
    rows = office_page.count('text-bg-light">月度报告<')
    assert rows == len(office) and rows > mine.count('text-bg-light">月度报告<') == len(own)
    assert other.count('text-bg-light">月度报告<') == len(theirs)
    assert "临猗新城涑水e镇" in other


def test_it_shows_a_contractor_only_its_own_contracts_disbursement_request_history(demo, second_contract):
    """The funds app's shared kind registers the same per-contract scope (004 附件2 第十一条)."""
    from decimal import Decimal

    from etown.history import changes_for_etown
    from funds.models import RequestKind
    from tests.funds.helpers import new_request

    new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))  # contractor 1's contract
    label = "资金拨付申请"
    assert [c for c in changes_for_etown(demo.etown, full=False, viewer=demo.contractor) if c.label == label]
    assert not [c for c in changes_for_etown(demo.etown, full=False, viewer=demo.contractor2) if c.label == label]
    assert [c for c in changes_for_etown(demo.etown, full=True, viewer=demo.office) if c.label == label]
