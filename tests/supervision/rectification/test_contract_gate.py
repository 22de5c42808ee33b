"""The rectification gate of a disbursement request counts the items of that request's
contract (issue 11). 004 附件2 第十一条 allows two contractors on one e-town; 附件2
第十二条3 withholds the special funds of a project whose problems are not rectified in
time. An overdue item of one contractor does not hold the other contractor's money; an
item naming no contractor of the e-town (an unresolved unit, a generic “承办企业”) is the
e-town's and holds both (the conservative reading); a department's item holds neither."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from etown.hub import hub
from funds import services as funds
from funds.models import RequestKind, RequestStatus
from funds.services.gates import gates_refresh
from supervision.selectors.rectification import blocking_items
from supervision.services.rectification import rectification_close, rectification_create, rectification_submit_evidence
from tests.funds.helpers import new_request, only_checks

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def rectification_check():
    return next(c for c in hub.checks_for("disbursement") if c.key == "rectification")


def overdue_item(demo, units, problem):
    return rectification_create(etown=demo.etown, source="inspection", problem=problem, measures="整改",
                                units=units, persons=[], deadline=TODAY - datetime.timedelta(days=1), by=demo.office)


def requests(demo, second_contract):
    first = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))
    second = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"), by=demo.contractor2,
                         contract=second_contract)
    return first, second


def test_it_blocks_only_the_contract_whose_contractor_owns_the_item(demo, second_contract):
    with only_checks(rectification_check()):
        item = overdue_item(demo, [second_contract.contractor.name], "物流站点逾期未建成")
        first, second = requests(demo, second_contract)
        assert list(blocking_items(demo.etown, TODAY, contract=second_contract)) == [item]
        assert not blocking_items(demo.etown, TODAY, contract=demo.contract).exists()
        funds.disbursement_submit(request=first, by=demo.contractor, today=TODAY)
        with pytest.raises(ValidationError, match="物流站点逾期未建成"):
            funds.disbursement_submit(request=second, by=demo.contractor2, today=TODAY)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == RequestStatus.SUBMITTED and second.status == RequestStatus.DRAFT
        # The maintained 拨付受阻 flag is per request: the sweep leaves the first clear.
        gates_refresh(TODAY)
        first.refresh_from_db()
        assert first.blocked_gates == ""
        # Closed, it holds no one.
        rectification_submit_evidence(item=item, text="站点已建成", by=demo.contractor2)
        rectification_close(item=item, note="核验到位", by=demo.office)
        funds.disbursement_submit(request=second, by=demo.contractor2, today=TODAY)


def test_it_blocks_both_contracts_on_an_item_naming_no_contractor(demo, second_contract):
    with only_checks(rectification_check()):
        unresolved = overdue_item(demo, ["某某项目组"], "站点标识不统一")
        generic = overdue_item(demo, ["承办企业"], "台账不全")
        department = overdue_item(demo, ["县商务局"], "实施方案未备案")
        assert unresolved.government_only is False and department.government_only is True
        first, second = requests(demo, second_contract)
        for contract in (demo.contract, second_contract):
            assert set(blocking_items(demo.etown, TODAY, contract=contract)) == {unresolved, generic}
        for request, by in ((first, demo.contractor), (second, demo.contractor2)):
            with pytest.raises(ValidationError, match="站点标识不统一"):
                funds.disbursement_submit(request=request, by=by, today=TODAY)
        # An item naming both contractors holds both.
        both = overdue_item(demo, [demo.contract.contractor.name, second_contract.contractor.name], "联合整改")
        for contract in (demo.contract, second_contract):
            assert both in set(blocking_items(demo.etown, TODAY, contract=contract))
