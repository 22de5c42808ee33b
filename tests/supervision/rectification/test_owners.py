"""Who owns a rectification item (issue 11). An item whose responsible units are all
government departments (a real county's list, 问题一: the plan was never filed with the
province; 责任单位 工信局 alone) is the department's: it does not block the contractor's
money (004 附件2 第十二条3 is about the project's rectification, not the county's own
duties), no 督办函 is drafted to the contractor for it, and it never enters the
contractor's ladder toward termination (004 附件4 第二条); the office tracks it on its
dashboard. An item with mixed units stays as before."""
import datetime

import pytest
from django.utils import timezone

from etown.hub import hub
from etown.models import Notification
from supervision.models import SupervisionLetter
from supervision.permissions import can_escalate
from supervision.selectors.rectification import blocking_items, government_only
from supervision.services.letters import letter_draft, letters_draft_overdue
from supervision.services.rectification import rectification_create, rectification_update

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = datetime.timedelta


def item(demo, units, problem="实施方案未报省商务厅备案", days=-3):
    return rectification_create(etown=demo.etown, source="inspection", problem=problem, measures="补报备案",
                                units=units, persons=[], deadline=TODAY + D(days=days), by=demo.office)


def test_it_reads_which_units_are_government_departments(demo):
    county = demo.etown.county
    assert government_only("临猗县工业和信息化局", county)
    assert government_only("县工信局、县商务局", county)
    assert government_only("临猗县人民政府", county)
    assert not government_only("临猗县涑水电子商务运营有限公司", county)
    assert not government_only("县商务局、临猗县涑水电子商务运营有限公司", county)  # mixed
    assert not government_only("某某物流中心", county)  # unknown: not taken for government


def test_it_does_not_block_the_contractors_money_for_a_department_item(demo):
    department = item(demo, ["工信局"])
    mixed = item(demo, ["县商务局、临猗县涑水电子商务运营有限公司"], problem="物流中心建设滞后")
    assert department.government_only and not mixed.government_only
    assert list(blocking_items(demo.etown, TODAY)) == [mixed]
    check = next(c for c in hub.checks_for("disbursement") if c.key == "rectification")
    passed, reason = check.func(demo.etown, today=TODAY)
    assert passed is False and "物流中心建设滞后" in reason and "未报省商务厅备案" not in reason


def test_it_never_drafts_a_letter_to_the_contractor_nor_climbs_the_ladder_for_a_department_item(demo):
    department = item(demo, ["工信局"])
    assert letters_draft_overdue(TODAY) == 0
    assert not SupervisionLetter.objects.exists()
    verdict = can_escalate(department, 1, TODAY)
    assert not verdict and "政府部门" in verdict.reason
    with pytest.raises(Exception, match="政府部门"):
        letter_draft(etown=demo.etown, kind=1, items=[department], by=demo.office, today=TODAY)
    mixed = item(demo, ["县商务局、临猗县涑水电子商务运营有限公司"], problem="物流中心建设滞后")
    assert can_escalate(mixed, 1, TODAY)
    assert letters_draft_overdue(TODAY) == 1


def test_it_tells_the_office_not_the_contractor_and_counts_it_on_the_dashboard(demo):
    item(demo, ["工信局"])
    assert not Notification.objects.filter(user=demo.contractor, kind="rectification").exists()
    metric = next(m for m in hub.metrics if m.key == "rectification_government_overdue")
    assert metric.func({demo.etown.county_id}) == 1
    assert metric.func({demo.anze_etown.county_id}) == 0


def test_it_recomputes_the_owner_when_the_units_change(demo):
    department = item(demo, ["工信局"], days=5)
    rectification_update(item=department, by=demo.office, reason="增加承办企业",
                         units=["工信局、临猗县涑水电子商务运营有限公司"])
    department.refresh_from_db()
    assert not department.government_only
