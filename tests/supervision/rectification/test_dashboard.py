"""The dashboard's figure of contractors with repeated unrectified problems (000 第一条（三）,
001 第一条（四）: 多次存在问题且未及时整改), untested until issue 12, and the county's
取消承办资格 rule built on the second order (rung 2 of 004 附件4 §2)."""
import datetime

import pytest
from django.utils import timezone

from etown import services as etown_services
from supervision.models import DisqualificationRule, SupervisionLetter
from supervision.selectors.rectification import repeatedly_overdue_contractors
from supervision.selectors.termination import disqualification_warnings
from supervision.services.letters import letter_draft, letter_issue, letter_update
from supervision.services.rectification import rectification_close, rectification_create, rectification_submit_evidence

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = datetime.timedelta
K = SupervisionLetter.Kind


def item(demo, deadline, etown=None, problem="配送中心改造滞后"):
    return rectification_create(etown=etown or demo.etown, source="inspection", problem=problem, measures="倒排工期",
                                units=["承办企业"], persons=["陈涛"], deadline=deadline, by=demo.office)


def escalate(demo, items, kind, today, deadline):
    draft = letter_draft(etown=items[0].etown, kind=kind, items=items, by=demo.office, today=today)
    draft = letter_update(letter=draft, by=demo.office, today=today, deadline=deadline)
    return letter_issue(letter=draft, by=demo.office, today=today)


def test_it_counts_contractors_with_at_least_two_items_not_rectified_in_time(demo):
    item(demo, TODAY - D(days=3))
    assert repeatedly_overdue_contractors([demo.linyi.pk], TODAY) == []  # once is not 多次
    item(demo, TODAY - D(days=1), problem="直播间未投入使用")
    item(demo, TODAY + D(days=9), problem="未到期的事项不算")
    rows = repeatedly_overdue_contractors([demo.linyi.pk], TODAY)
    assert [(name, etown, n) for name, etown, _, n in rows] == [(demo.contract.contractor.name, demo.etown.name, 2)]
    assert rows[0][2] == demo.etown.pk


def test_it_counts_an_item_escalated_once_even_after_it_was_closed(demo):
    late = item(demo, TODAY - D(days=20))
    escalate(demo, [late], K.FIRST, TODAY - D(days=10), TODAY + D(days=5))
    rectification_submit_evidence(item=late, text="已整改", by=demo.contractor, files=[], today=TODAY)
    rectification_close(item=late, note="核验通过", by=demo.office, today=TODAY)
    item(demo, TODAY - D(days=2), problem="直播间未投入使用")
    assert [n for *_, n in repeatedly_overdue_contractors([demo.linyi.pk], TODAY)] == [2]


def test_it_keeps_to_the_counties_asked_and_to_live_contracts(demo, anze_office):
    item(demo, TODAY - D(days=3))
    item(demo, TODAY - D(days=2), problem="直播间未投入使用")
    assert repeatedly_overdue_contractors([demo.anze_etown.county_id], TODAY) == []
    assert len(repeatedly_overdue_contractors(None, TODAY)) == 1  # province-wide
    etown_services.contract_terminate(contract=demo.contract, by=demo.office, basis="disqualification", reason="x",
                                      decided_on=TODAY, document_number="临政函〔2026〕10号")
    assert repeatedly_overdue_contractors([demo.linyi.pk], TODAY) == []


def test_it_warns_when_the_countys_rule_is_met_after_the_second_order(demo):
    first, other = item(demo, TODAY - D(days=40)), item(demo, TODAY - D(days=40), problem="直播间未投入使用")
    escalate(demo, [first, other], K.FIRST, TODAY - D(days=30), TODAY - D(days=20))
    escalate(demo, [first], K.SECOND, TODAY - D(days=15), TODAY - D(days=5))
    assert disqualification_warnings([demo.linyi.pk], TODAY) == []  # no rule in the county: nothing flagged
    rule = DisqualificationRule.objects.create(county=demo.linyi, min_items=2, clause="004 附件4 第一条（四）")
    assert disqualification_warnings([demo.linyi.pk], TODAY) == []  # one item past the second order
    escalate(demo, [other], K.SECOND, TODAY - D(days=15), TODAY - D(days=5))
    assert disqualification_warnings([demo.linyi.pk], TODAY) == [(demo.contract, 2, rule)]
    assert disqualification_warnings([demo.anze_etown.county_id], TODAY) == []
    # before the second order's new deadline nothing is flagged
    assert disqualification_warnings([demo.linyi.pk], TODAY - D(days=6)) == []


def test_it_seeds_the_demo_counties_rules_from_their_own_documents(demo):
    """临猗 004 附件4 第一条（四）and 高平 000 第一条（三）have the clause; 安泽 002 has none."""
    from etown.models import County
    from supervision.hooks import _seed_demo_disqualification_rules

    assert _seed_demo_disqualification_rules(demo.system) is True
    assert _seed_demo_disqualification_rules(demo.system) is False
    assert "004 附件4" in DisqualificationRule.objects.get(county=demo.linyi).clause
    assert not DisqualificationRule.objects.filter(county=County.objects.get(name="安泽县")).exists()


def test_it_counts_overdue_and_submitted_items_on_the_dashboard_card(demo, rf):
    """The card's 逾期未整改 and 待核验 figures (one aggregate over the scope's items for a
    county, city or province; issue 16) count exactly the overdue and the submitted items,
    and a contractor is not offered the 待核验 figure (verification is the office's)."""
    from supervision import hooks

    item(demo, TODAY - D(days=3), problem="逾期一")
    item(demo, TODAY - D(days=1), problem="逾期二")
    item(demo, TODAY + D(days=10), problem="未到期")
    submitted = item(demo, TODAY + D(days=5), problem="已报送")
    rectification_submit_evidence(item=submitted, text="已完成改造并附照片", by=demo.contractor)
    request = rf.get("/")
    request.user = demo.office
    card = hooks.dashboard_card(request, None)
    assert (card["overdue"], card["submitted"]) == (2, 1)
    request.user = demo.contractor
    card = hooks.dashboard_card(request, None)
    assert card["overdue"] == 2 and card["submitted"] is None
