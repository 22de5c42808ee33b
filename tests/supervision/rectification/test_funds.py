"""The supervision checks stop a real disbursement request in the funds app's chain
(004 annex 2 art. 12(3): no payment while a problem is not rectified in time; 000 §6(三):
a funds inspection before each disbursement where the county asks for it)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from etown.hub import hub
from funds import services as funds
from funds.models import RequestKind, RequestStatus
from supervision.services.inspections import inspection_create, inspection_rule_apply_preset
from supervision.services.rectification import rectification_close, rectification_create, rectification_submit_evidence
from tests.funds.helpers import new_request, only_checks

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def supervision_check(key):
    return next(c for c in hub.checks_for("disbursement") if c.key == key)


def test_it_blocks_a_disbursement_request_while_an_item_is_overdue(demo):
    # Only this app's check, so that the test does not depend on the acceptance app's data.
    with only_checks(supervision_check("rectification")):
        item = rectification_create(etown=demo.etown, source="evaluation", problem="专项资金专账凭证不全", measures="",
                                    units=["临猗县涑水电子商务运营有限公司"], persons=[],
                                    deadline=TODAY - datetime.timedelta(days=1), by=demo.office)
        request = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1000000"))
        with pytest.raises(ValidationError) as error:
            funds.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
        message = " ".join(error.value.messages)
        assert "无逾期或被退回的整改事项" in message and "专项资金专账凭证不全" in message
        request.refresh_from_db()
        assert request.status == RequestStatus.DRAFT
        rectification_submit_evidence(item=item, text="已补齐凭证", by=demo.contractor)
        rectification_close(item=item, note="核验到位", by=demo.office)
        funds.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
        request.refresh_from_db()
        assert request.status == RequestStatus.SUBMITTED


def test_it_asks_for_a_funds_inspection_before_disbursement_where_the_county_does(demo):
    with only_checks(supervision_check("funds_inspection")):
        inspection_rule_apply_preset(county=demo.linyi, preset="gaoping", by=demo.office, reason="按本县文件", confirmed=True,
                                        payment_check=True)
        request = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("1000000"))
        with pytest.raises(ValidationError, match="拨付前资金检查"):
            funds.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
        inspection_create(etown=demo.etown, category="funds", inspected_on=TODAY, methods=["documents"], by=demo.office)
        funds.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
        request.refresh_from_db()
        assert request.status == RequestStatus.SUBMITTED
