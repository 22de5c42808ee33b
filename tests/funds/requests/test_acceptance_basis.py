"""Payments follow acceptance (issue 11; issue 12): a progress payment names the counted
stage acceptance it rests on, the retention needs the final acceptance counted, an
objection to the result notice holds the payments resting on it until resolved, the
prepayment follows the contract alone. 004 附件2 第十二条3：建设项目必须经验收小组验收，经
验收合格的项目，须在县政府网站公示至少 5 个工作日，公示无异议后，方可拨付; 附件3 第五条
（一）、第八条（二）; 附件2 第七条（尾款）.

The check is acceptance's hub check ``acceptance_basis``, registered not overridable
(here installed alone: the funds tests run without the other apps' checks)."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from acceptance.models import AcceptanceApplication
from acceptance.services import conclusions
from etown.hub import Check, hub
from funds import services
from funds.models import RequestKind, RequestStatus
from funds.selectors import gates
from funds.selectors.requests import acceptance_basis
from tests.acceptance import conftest as acceptance

from ..helpers import AFTER_NOTICE, TODAY, advance, new_request, only_checks

pytestmark = pytest.mark.django_db

BASIS = Check(group="disbursement", key="acceptance_basis", label="拨付依据的验收结论已生效",
              func=acceptance_basis, order=62, overridable=False)


@pytest.fixture(autouse=True)
def _basis_check():
    with only_checks(BASIS):
        yield


def stage_acceptance(demo, *, until="counted", name="电商公共服务中心改造完成"):
    application = acceptance.apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name=name)
    acceptance.pass_review(demo, application)
    return acceptance.count(demo, application, until=until)


@pytest.fixture
def cashier(demo):
    """The finance bureau's treasury desk pays: not the person who reviewed the request
    (不相容岗位分离)."""
    return demo.treasury


def pay(demo, request, cashier):
    advance(demo, request, RequestStatus.IN_NOTICE)
    services.disbursement_disburse(request=request, disbursed_on=AFTER_NOTICE, amount=request.amount,
                                   voucher_number=f"GK{request.pk}", by=cashier, today=AFTER_NOTICE)
    request.refresh_from_db()
    assert request.status == RequestStatus.DISBURSED


def basis(request):
    return {g.key: g for g in gates.evaluate(request, today=TODAY)}["hub:acceptance_basis"]


def test_it_is_registered_as_a_non_overridable_disbursement_check():
    # The real registration, as funds.hooks made it (the fixture swaps hub.checks for a copy).
    from funds.hooks import register

    saved = list(hub.checks)
    hub.checks[:] = []
    try:
        register()
        registered = [c for c in hub.checks if c.key == "acceptance_basis"]
    finally:
        hub.checks[:] = saved
    assert registered and registered[0].overridable is False and registered[0].func is acceptance_basis


def test_it_refuses_a_progress_payment_without_a_counted_stage_acceptance(demo):
    request = new_request(demo)
    result = basis(request)
    assert not result.passed and not result.overridable
    assert "进度款须依据一项已生效的阶段验收" in result.reason
    with pytest.raises(ValidationError, match="拨付依据的验收结论已生效"):
        services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    request.refresh_from_db()
    assert request.status == RequestStatus.DRAFT


def test_it_refuses_a_stage_acceptance_that_has_not_counted_yet(demo):
    """Passed by the review group and approved by the leading group, but not reviewed by
    the county government and noticed: not a basis."""
    pending = stage_acceptance(demo, until="leader")
    with pytest.raises(ValidationError) as error:
        new_request(demo, stage_acceptance=pending)
    assert "尚未生效" in error.value.message_dict["stage_acceptance"][0]


def test_it_pays_a_progress_payment_that_rests_on_a_counted_stage_acceptance(demo, cashier):
    accepted = stage_acceptance(demo)
    request = new_request(demo, stage_acceptance=accepted)
    assert basis(request).passed and "公示期满无异议" in basis(request).reason
    pay(demo, request, cashier)
    # Used once: a second progress payment cannot rest on it.
    with pytest.raises(ValidationError) as error:
        new_request(demo, stage_acceptance=accepted)
    assert "另一笔进度款" in error.value.message_dict["stage_acceptance"][0]


def test_it_lets_only_one_of_two_drafts_on_the_same_acceptance_through(demo):
    accepted = stage_acceptance(demo)
    first, second = new_request(demo, stage_acceptance=accepted), new_request(demo, stage_acceptance=accepted)
    services.disbursement_submit(request=first, by=demo.contractor, today=TODAY)
    with pytest.raises(ValidationError, match="另一笔进度款"):
        services.disbursement_submit(request=second, by=demo.contractor, today=TODAY)
    second.refresh_from_db()
    assert second.status == RequestStatus.DRAFT


def test_it_refuses_another_contracts_acceptance_and_a_final_one(demo):
    other_contract = demo.other_etown.contracts.get()
    foreign = acceptance.apply(demo, etown=demo.other_etown, contract=other_contract, by=demo.contractor2,
                               kind=AcceptanceApplication.Kind.STAGE, stage_name="站点建设")
    with pytest.raises(ValidationError, match="本合同的阶段验收"):
        new_request(demo, stage_acceptance=foreign)
    with pytest.raises(ValidationError, match="只有进度款"):
        new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100"), stage_acceptance=stage_acceptance(demo))


def test_it_holds_the_payment_while_an_objection_to_the_result_notice_is_unresolved(demo, cashier):
    accepted = stage_acceptance(demo)
    request = new_request(demo, stage_acceptance=accepted)
    advance(demo, request, RequestStatus.IN_NOTICE)
    objection = conclusions.acceptance_record_objection(application=accepted, text="阶段建设内容与公示不符",
                                                        by=demo.office)
    assert not basis(request).passed and "1 条异议尚未处理" in basis(request).reason
    with pytest.raises(ValidationError, match="拨付依据的验收结论已生效"):
        services.disbursement_disburse(request=request, disbursed_on=AFTER_NOTICE, amount=request.amount,
                                       voucher_number="GK1", by=cashier, today=AFTER_NOTICE)
    # No one may let it through.
    with pytest.raises(ValidationError, match="不能例外放行"):
        services.gate_override_record(request=request, gate_key="hub:acceptance_basis", reason="急需", by=demo.office)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_NOTICE

    conclusions.acceptance_resolve_objection(objection=objection, resolution="经核实与公示一致。", by=demo.office)
    pay(demo, request, cashier)


def test_it_holds_the_retention_until_the_final_acceptance_counts(demo):
    final = acceptance.apply(demo)
    acceptance.pass_review(demo, final)
    request = new_request(demo, kind=RequestKind.RETENTION, amount=Decimal("500000"))
    steps = [
        lambda: acceptance.count(demo, final, until="leader"),
        lambda: conclusions.acceptance_record_government_review(
            application=final, by=demo.office, reviewed_on=TODAY, document_number="临政审〔2026〕23号", today=TODAY),
    ]
    for step in [lambda: None, *steps]:  # passed opinion, then approved, then reviewed and in notice
        step()
        result = {g.key: g for g in gates.evaluate(request, today=TODAY)}
        assert not result["retention"].passed and not result["hub:acceptance_basis"].passed
        with pytest.raises(ValidationError, match="尾款待终验合格后拨付"):
            services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)
    conclusions.acceptance_confirm_result(application=final, by=demo.office, today=acceptance.NOTICE_OVER)
    result = {g.key: g for g in gates.evaluate(request, today=TODAY)}
    assert result["retention"].passed and result["hub:acceptance_basis"].passed
    services.disbursement_submit(request=request, by=demo.contractor, today=TODAY)


def test_it_follows_a_county_whose_chain_asks_no_stage_acceptance(demo):
    """安泽 (002 第十条、第十二条) asks for no stage acceptance before a progress payment: the
    county policy says so, and the check follows it; the retention still waits."""
    from funds.models import FundsPolicy

    FundsPolicy.objects.update_or_create(county=demo.linyi, defaults={"stage_acceptance": False,
                                                                      "chain_clause": "安泽办法（002）第十条、第十二条"})
    request = new_request(demo)
    assert basis(request).passed and "不以阶段验收为进度款前提" in basis(request).reason
    retention = new_request(demo, kind=RequestKind.RETENTION, amount=Decimal("500000"))
    assert not basis(retention).passed


def test_it_lets_the_prepayment_follow_the_contract_alone(demo, cashier):
    request = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100000"))
    assert basis(request).passed
    pay(demo, request, cashier)


# Over HTTP: the request form offers the counted, unused stage acceptances -----------------


def test_it_offers_the_counted_unused_stage_acceptances_on_the_request_form(demo, client_for):
    accepted = stage_acceptance(demo)
    url = reverse("funds:request_create", args=[demo.etown.pk])
    page = client_for(demo.contractor).get(url).content.decode()
    assert "依据的阶段验收" in page and "电商公共服务中心改造完成" in page
    task = demo.etown.tasks.first()
    data = {"contract": demo.contract.pk, "kind": "progress", "amount": "1000000", "purpose": "进度款",
            "tasks": [task.pk], "stage_acceptance": accepted.pk}
    response = client_for(demo.contractor).post(url, data)
    assert response.status_code == 302
    request = demo.contract.disbursement_requests.get()
    assert request.stage_acceptance == accepted
    # The page of the request names it.
    assert "电商公共服务中心改造完成" in client_for(demo.contractor).get(request.get_absolute_url()).content.decode()


def test_it_refuses_a_stage_acceptance_not_offered_with_a_chinese_message(demo, client_for):
    pending = stage_acceptance(demo, until="leader")
    url = reverse("funds:request_create", args=[demo.etown.pk])
    data = {"contract": demo.contract.pk, "kind": "progress", "amount": "1000000", "purpose": "进度款",
            "tasks": [demo.etown.tasks.first().pk], "stage_acceptance": pending.pk}
    response = client_for(demo.contractor).post(url, data)
    assert response.status_code == 200
    assert "请选择本合同已生效且尚未使用的阶段验收。" in response.content.decode()
    assert not demo.contract.disbursement_requests.exists()
