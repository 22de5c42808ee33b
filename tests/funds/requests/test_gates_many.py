"""The gates of many requests at once (issue 16: the daily sweep over every request in
flight of the country): ``gates.evaluate_many`` answers, for each request, exactly what
``gates.evaluate`` answers (same gates, same passed, same reason, same override), in a
fixed number of queries, with the real checks of supervision, acceptance and funds
through their batch forms (``etown.hub.Check.batch``)."""
import datetime
import os
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from acceptance.models import AcceptanceApplication, Evaluation
from acceptance.services import evaluations as evaluation_services
from etown.hub import Check, hub
from etown.services import contract_create, contract_terminate, etown_create
from funds import services
from funds.models import DisbursementRequest, FundsPolicy, RequestKind, RequestStatus
from funds.selectors import gates
from supervision.services.inspections import inspection_create, inspection_rule_apply_preset
from supervision.services.rectification import rectification_create
from tests.acceptance import conftest as acceptance

from ..helpers import TODAY, new_request, only_checks

pytestmark = pytest.mark.django_db

# The checks the other apps registered (the funds tests' autouse fixture empties the hub).
REGISTERED = list(hub.checks_for("disbursement"))
S = RequestStatus
NOW = timezone.now()


def test_it_gives_every_registered_disbursement_check_a_batch_form():
    assert {c.key for c in REGISTERED} >= {"rectification", "funds_inspection", "evaluation", "acceptance",
                                           "acceptance_basis"}
    assert [c.key for c in REGISTERED if c.batch is None] == []


def place(request, status, submitted_at=None, **fields):
    """Put ``request`` at ``status`` directly (its steps' gates are what is under test)."""
    DisbursementRequest.objects.filter(pk=request.pk).update(status=status, submitted_at=submitted_at, **fields)
    return request


def written(contract, kind, amount, status=S.SUBMITTED, submitted_at=NOW, by=None):
    """A request on a contract whose contractor has no user in the demo: no materials."""
    return DisbursementRequest.objects.create(etown=contract.etown, contract=contract, kind=kind, amount=Decimal(amount),
                                              purpose="进度款", created_by=by, status=status, submitted_at=submitted_at)


def stage_acceptance(demo, name, until="counted"):
    application = acceptance.apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name=name)
    acceptance.pass_review(demo, application)
    return acceptance.count(demo, application, until=until)


def mixed_states(demo, second_contract, anze_office):
    """Requests over four e-towns of two counties in most of the states the gates judge."""
    minute = datetime.timedelta(minutes=1)
    # 临猗 asks for a funds inspection before each disbursement (000 §6(三) as a preset);
    # demo.etown had one three days ago, the other e-towns none.
    inspection_rule_apply_preset(county=demo.linyi, preset="gaoping", by=demo.office, reason="按本县文件", confirmed=True,
                                 payment_check=True)
    inspection_create(etown=demo.etown, category="funds", inspected_on=TODAY - datetime.timedelta(days=3),
                      methods=["documents"], by=demo.office, today=TODAY)
    # An overdue item of the second contractor: it holds that contract's money only (issue 11).
    rectification_create(etown=demo.etown, source="inspection", problem="物流站点逾期未建成", measures="整改",
                         units=[second_contract.contractor.name], persons=[], deadline=TODAY - datetime.timedelta(days=2),
                         by=demo.office)
    counted = stage_acceptance(demo, "电商公共服务中心改造完成")
    pending = stage_acceptance(demo, "物流配送中心建成", until="leader")
    made = [
        # Two prepayments queued at the same instant (the pk breaks the tie): together over 30 %.
        place(new_request(demo, kind=RequestKind.PREPAYMENT, amount="1000000"), S.SUBMITTED, NOW),
        place(new_request(demo, kind=RequestKind.PREPAYMENT, amount="1000000"), S.OFFICE_APPROVED, NOW),
        # Over the contract's cap, on a counted stage acceptance.
        place(new_request(demo, amount="6000000"), S.DEPARTMENT_APPROVED, NOW + minute, stage_acceptance=counted),
        # On a stage acceptance not yet counted (a draft: outside the queue).
        place(new_request(demo, amount="100000"), S.DRAFT, stage_acceptance=pending),
        # The retention before the final acceptance.
        place(new_request(demo, kind=RequestKind.RETENTION, amount="100000"), S.IN_NOTICE, NOW + 2 * minute),
        # No stage acceptance named; returned to the contractor.
        place(new_request(demo, amount="100000"), S.RETURNED, NOW - minute),
        # The second contractor's requests, held by its overdue item.
        place(new_request(demo, kind=RequestKind.PREPAYMENT, amount="100000", contract=second_contract,
                          by=demo.contractor2), S.SUBMITTED, NOW + 3 * minute),
        place(new_request(demo, amount="100000", contract=second_contract, by=demo.contractor2), S.DRAFT),
    ]
    # Materials missing, and the office head's override of them (the one overridable gate).
    missing = new_request(demo, kind=RequestKind.PREPAYMENT, amount="10000", materials=False)
    services.gate_override_record(request=missing, gate_key="materials", reason="原件已在办公室核验", by=demo.office,
                                  today=TODAY)
    made += [place(missing, S.LEADER_APPROVED, NOW + 4 * minute),
             place(new_request(demo, amount="10000", materials=False), S.SUBMITTED, NOW + 5 * minute)]
    # Another e-town of 临猗 whose province evaluation is 不合格.
    other = demo.other_etown.contracts.get()
    evaluation_services.evaluation_create(etown=demo.other_etown, by=demo.office, evaluator_kind="province",
                                          evaluator_name="山西省商务厅", evaluated_on=TODAY - datetime.timedelta(days=5),
                                          result=Evaluation.Result.UNQUALIFIED, today=TODAY)
    made += [written(other, RequestKind.PREPAYMENT, "100000", by=demo.system),
             written(other, RequestKind.PROGRESS, "100000", status=S.DRAFT, submitted_at=None, by=demo.system)]
    # 安泽: 基本合格 with an item still open; its chain needs no stage acceptance (002).
    anze = demo.anze_etown.contracts.get()
    basic = evaluation_services.evaluation_create(etown=demo.anze_etown, by=anze_office, evaluator_kind="province",
                                                  evaluator_name="山西省商务厅", evaluated_on=TODAY - datetime.timedelta(days=5),
                                                  result=Evaluation.Result.BASIC, today=TODAY)
    evaluation_services.evaluation_add_item(evaluation=basic, by=anze_office, problem="网货产品开发不足", measures="开发",
                                            units="承办企业", persons="陈涛", deadline=TODAY + datetime.timedelta(days=20))
    FundsPolicy.objects.create(county=demo.anze_etown.county, stage_acceptance=False, chain_clause="安泽办法（002）第十条")
    made += [written(anze, RequestKind.PROGRESS, "100000", by=demo.system),
             written(anze, RequestKind.RETENTION, "100000", submitted_at=NOW + minute, by=demo.system)]
    # A contract terminated with a request in flight on it.
    ended_etown = etown_create(county=demo.linyi, by=demo.office, name="测试终止e镇", leading_industries="苹果",
                               planned_investment=Decimal("1000000"))
    ended = contract_create(etown=ended_etown, by=demo.office, contractor=demo.contract.contractor, number="T-9",
                            title="合同", amount=Decimal("300000"), signed_on="2026-01-01")
    made.append(written(ended, RequestKind.PREPAYMENT, "50000", by=demo.system))
    contract_terminate(contract=ended, by=demo.office, basis="termination", reason="终止", decided_on=TODAY)
    return [r.pk for r in made]


def assert_same(pks, many):
    """``many`` ({pk: [GateResult]}) is what ``evaluate`` gives each request read afresh."""
    assert set(many) == set(pks)
    for pk in pks:
        request = DisbursementRequest.objects.get(pk=pk)
        assert many[pk] == gates.evaluate(request, today=TODAY), request


def test_it_answers_for_many_requests_what_it_answers_for_each(demo, second_contract, anze_office,
                                                               django_assert_max_num_queries):
    with only_checks(*REGISTERED):
        pks = mixed_states(demo, second_contract, anze_office)
        # Plain rows (their e-towns and contracts are read with them): at most 18 queries.
        with django_assert_max_num_queries(18):
            many = gates.evaluate_many(DisbursementRequest.objects.filter(pk__in=pks), today=TODAY)
        assert_same(pks, many)
        # What the sweep reads (e-town and contract selected): two fewer.
        with django_assert_max_num_queries(16):
            selected = gates.evaluate_many(
                DisbursementRequest.objects.filter(pk__in=pks).select_related("etown", "contract"), today=TODAY)
        assert selected == many
    # The mix reaches every state the issue names.
    blocking = {pk: {r.key for r in results if r.blocking} for pk, results in many.items()}
    overridden = {pk for pk, results in many.items() if any(r.overridden for r in results)}
    reached = set().union(*blocking.values())
    assert {"contract_active", "contract_cap", "prepayment", "retention", "materials", "hub:rectification",
            "hub:funds_inspection", "hub:evaluation", "hub:acceptance_basis"} <= reached
    assert len(overridden) == 1
    assert any(not results[-1].passed for results in many.values())


def test_it_fails_closed_on_a_batch_that_raises_or_leaves_a_request_out(demo):
    def broken(requests, **ctx):
        raise RuntimeError("boom")

    first = new_request(demo, kind=RequestKind.PREPAYMENT, amount="10000")
    second = new_request(demo, kind=RequestKind.PREPAYMENT, amount="20000")
    checks = (
        Check(group="disbursement", key="raises", label="出错的条件", func=lambda e, **c: (True, "满足"), batch=broken),
        Check(group="disbursement", key="partial", label="漏答的条件", func=lambda e, **c: (True, "满足"),
              batch=lambda requests, **c: {first.pk: (True, "满足")}),
        Check(group="disbursement", key="single", label="无批量形式的条件",
              func=lambda e, request=None, **c: (request.amount < 15000, f"{request.amount:.0f}")),
    )
    with only_checks(*checks):
        many = gates.evaluate_many([first, second], today=TODAY)
    results = {pk: {r.key: (r.passed, r.reason) for r in rs} for pk, rs in many.items()}
    assert results[first.pk]["hub:raises"] == results[second.pk]["hub:raises"] == (False, gates.BROKEN)
    assert results[first.pk]["hub:partial"] == (True, "满足") and results[second.pk]["hub:partial"] == (False, gates.BROKEN)
    assert results[first.pk]["hub:single"] == (True, "10000") and results[second.pk]["hub:single"] == (False, "20000")
    assert gates.evaluate_many([], today=TODAY) == {}


# Property: any mix of requests on the two contracts of one e-town -------------------------

PHASES = [p for p in Phase if not (os.environ.get("PROPERTY_NO_SHRINK") and p == Phase.shrink)]
QUEUE = [S.DRAFT, S.RETURNED, S.SUBMITTED, S.OFFICE_APPROVED, S.IN_NOTICE, S.OBJECTED, S.WITHDRAWN]
one_request = st.tuples(
    st.booleans(),  # the second contract
    st.sampled_from([RequestKind.PREPAYMENT, RequestKind.PROGRESS, RequestKind.RETENTION]),
    st.integers(min_value=1, max_value=400).map(lambda wan: Decimal(wan) * 10000),
    st.sampled_from(QUEUE),
    st.integers(min_value=0, max_value=3),  # submitted at NOW + minutes (ties broken by pk)
)


@settings(max_examples=15, deadline=None, phases=PHASES,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(one_request, min_size=1, max_size=6), overdue=st.booleans())
def test_it_agrees_with_evaluate_on_any_mix_of_requests(demo, second_contract, rows, overdue):
    with transaction.atomic(), only_checks(*REGISTERED):
        if overdue:
            rectification_create(etown=demo.etown, source="inspection", problem="台账不全", measures="整改",
                                 units=[demo.contract.contractor.name], persons=[],
                                 deadline=TODAY - datetime.timedelta(days=1), by=demo.office)
        pks = []
        for second, kind, amount, status, minutes in rows:
            contract = second_contract if second else demo.contract
            request = written(contract, kind, amount, status=status, by=demo.system,
                              submitted_at=None if status == S.DRAFT else NOW + datetime.timedelta(minutes=minutes))
            pks.append(request.pk)
        assert_same(pks, gates.evaluate_many(DisbursementRequest.objects.filter(pk__in=pks), today=TODAY))
        transaction.set_rollback(True)  # each example starts from the same demo county
