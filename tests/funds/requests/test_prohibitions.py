"""Absolute prohibitions (issue 11): whether a disbursement gate may be overridden is
declared where it is registered and defaults to no. The checks the documents make
absolute can never be let pass, by anyone, through the service or over HTTP:

- 004 附件2 第十二条3: 整改后仍不合格的，专项资金不予拨付 (overdue or failed rectification,
  a failed acceptance);
- 002 第十八条: 不合格 暂停拨付; 基本合格 整改合格后方可拨付.

Only a discretionary gate (the materials: an original the office holds on paper) may be
overridden by an office head, with a reason shown in red.
"""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from acceptance.services.evaluations import evaluation_create
from etown.hub import Check, hub
from funds import services
from funds.models import GateOverride, RequestStatus
from funds.selectors import gates
from supervision.services.rectification import rectification_create

from ..helpers import TODAY, new_request, only_checks

ABSOLUTE = {"rectification", "funds_inspection", "evaluation", "acceptance"}
# The checks the other apps registered (the funds tests' autouse fixture empties the hub).
REGISTERED = list(hub.checks_for("disbursement"))


def registered(key):
    return next(c for c in REGISTERED if c.key == key)


def gate(request, key):
    return {g.key: g for g in gates.evaluate(request, today=TODAY)}[key]


def test_it_declares_no_registered_check_overridable_and_only_the_materials_gate(demo):
    checks = REGISTERED
    assert ABSOLUTE <= {c.key for c in checks}
    assert [c.key for c in checks if c.overridable] == []
    assert [g.key for g in gates.OWN_GATES if g.overridable] == ["materials"]


def test_it_defaults_a_check_to_not_overridable():
    assert Check(group="disbursement", key="x", label="x", func=lambda e, **c: (True, "")).overridable is False
    assert gates.Gate("x", "x", "", lambda ctx: (True, "")).overridable is False


def test_it_refuses_an_override_of_a_check_that_did_not_declare_it(demo):
    check = Check(group="disbursement", key="undeclared", label="未声明的条件", func=lambda e, **c: (False, "不满足"))
    request = new_request(demo, kind="prepayment", amount=Decimal("100000"))
    with only_checks(check):
        with pytest.raises(ValidationError, match="任何人不能例外放行"):
            services.gate_override_record(request=request, gate_key="hub:undeclared", reason="县长批示", by=demo.office,
                                          today=TODAY)
        assert not request.overrides.exists()


def test_it_ignores_an_override_row_written_around_the_service_for_an_absolute_check(demo):
    """A GateOverride row written by the admin, a script or an old version of the portal
    does not open an absolute check."""
    check = Check(group="disbursement", key="rect", label="无逾期整改事项", func=lambda e, **c: (False, "逾期"))
    request = new_request(demo, kind="prepayment", amount=Decimal("100000"))
    GateOverride.objects.create(request=request, gate_key="hub:rect", gate_label="无逾期整改事项", reason="旁门",
                                by=demo.office, by_label="x")
    with only_checks(check):
        assert gate(request, "hub:rect").blocking
        with pytest.raises(ValidationError, match="无逾期整改事项"):
            services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


def _overdue_item(demo):
    return rectification_create(etown=demo.etown, source="inspection", problem="专项资金专账凭证不全", measures="",
                                units=["临猗县涑水电子商务运营有限公司"], persons=[],
                                deadline=TODAY - datetime.timedelta(days=3), by=demo.office)


def test_it_refuses_the_office_head_an_override_of_overdue_rectification(demo):
    with only_checks(registered("rectification")):
        _overdue_item(demo)
        request = new_request(demo, kind="prepayment", amount=Decimal("100000"))
        assert not gate(request, "hub:rectification").overridable
        with pytest.raises(ValidationError, match="任何人不能例外放行"):
            services.gate_override_record(request=request, gate_key="hub:rectification", reason="县长批示先行拨付",
                                          by=demo.office, today=TODAY)
        assert not request.overrides.exists()


def test_it_refuses_the_override_of_overdue_rectification_over_http_and_offers_no_form(demo, client_for):
    with only_checks(registered("rectification")):
        _overdue_item(demo)
        request = new_request(demo, kind="prepayment", amount=Decimal("100000"))
        office = client_for(demo.office)
        page = office.get(f"/funds/requests/{request.pk}/").content.decode()
        assert 'data-testid="override-form-hub:rectification"' not in page
        response = office.post(f"/funds/requests/{request.pk}/override/",
                               {"override-gate_key": "hub:rectification", "override-reason": "县长批示先行拨付"})
        assert response.status_code == 400
        assert "任何人不能例外放行" in response.content.decode()
        assert not request.overrides.exists()


@pytest.mark.parametrize("result", ["unqualified", "basic"])
def test_it_refuses_an_override_of_an_evaluation_not_qualified(demo, result):
    with only_checks(registered("evaluation")):
        evaluation_create(etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
                          evaluated_on=TODAY - datetime.timedelta(days=5), result=result, today=TODAY)
        request = new_request(demo, kind="prepayment", amount=Decimal("100000"))
        assert gate(request, "hub:evaluation").blocking
        with pytest.raises(ValidationError, match="任何人不能例外放行"):
            services.gate_override_record(request=request, gate_key="hub:evaluation", reason="领导同意", by=demo.office,
                                          today=TODAY)
        assert not request.overrides.exists()


def test_it_still_lets_an_office_head_override_the_materials_with_a_reason(demo):
    request = new_request(demo, kind="prepayment", amount=Decimal("100000"), materials=False)
    override = services.gate_override_record(request=request, gate_key="materials", reason="原件已在办公室核验",
                                             by=demo.office, today=TODAY)
    result = gate(request, "materials")
    assert result.overridden and result.override == override
