"""An objection to an acceptance result notice found founded (成立) or not (issue 12).

004 附件2 第十二条3：经验收合格的项目，须在县政府网站公示至少 5 个工作日，公示无异议后，方可向
项目承办主体拨付专项资金; 第七条：尾款待终期验收通过后拨付; 附件3 第八条（二）：未通过验收的，
提出整改意见及整改期限，对整改完成情况进行审核并出具结论.

Founded: the acceptance does not count — revoked if it had counted (the retention and the
progress payments resting on it are held again; money already paid stays paid) — and it
goes to rectification and a re-review, whose passed opinion needs a new result notice of
at least 5 statutory working days. Unfounded: it counts when the notice ends.

funds reads acceptance through its gates (funds.selectors.gates.evaluate → the hub checks
``acceptance_basis`` and ``acceptance``); here they run alone, as in the funds tests."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from acceptance.models import AcceptanceApplication, ConclusionReturn, ResultObjection, ResultStage
from acceptance.selectors.applications import acceptance_gate
from acceptance.services import applications as application_services
from acceptance.services import conclusions
from etown.hub import Check
from etown.models import ETown
from etown.workdays import WorkCalendar
from funds import services as funds_services
from funds.models import RequestKind, RequestStatus
from funds.selectors import gates
from funds.selectors.requests import acceptance_basis
from supervision.selectors import rectification as rectification_selectors
from supervision.services import rectification as rectification_services
from tests.funds.helpers import advance, new_request, only_checks

from ..conftest import NOTICE_OVER, TODAY, apply, count, pass_review, pdf, review_kwargs

pytestmark = pytest.mark.django_db

CHECKS = (
    Check(group="disbursement", key="acceptance_basis", label="拨付依据的验收结论已生效", func=acceptance_basis,
          order=62, overridable=False),
    Check(group="disbursement", key="acceptance", label="验收结论", func=acceptance_gate, order=61, overridable=False),
)
DEADLINE = NOTICE_OVER + datetime.timedelta(days=30)


@pytest.fixture(autouse=True)
def _acceptance_checks():
    with only_checks(*CHECKS):
        yield


def result(request, key="hub:acceptance_basis", today=NOTICE_OVER):
    return {g.key: g for g in gates.evaluate(request, today=today)}[key]


def object_to(demo, application, text="公示的建设内容与实际不符"):
    return conclusions.acceptance_record_objection(application=application, text=text, by=demo.office)


def found(demo, objection, today=NOTICE_OVER, **changes):
    kwargs = dict(objection=objection, resolution="经现场核查，异议反映情况属实：物流中心未投入运营。", by=demo.office,
                  founded=True, rectification_deadline=DEADLINE, units="临猗县涑水电子商务运营有限公司", persons="陈涛",
                  today=today)
    kwargs.update(changes)
    return conclusions.acceptance_resolve_objection(**kwargs)


def stage(demo, until="counted"):
    application = apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name="电商公共服务中心改造完成")
    pass_review(demo, application)
    return count(demo, application, until=until)


def test_it_asks_whether_the_objection_is_founded_and_what_follows(demo):
    application = stage(demo, until="government")
    objection = object_to(demo, application)
    with pytest.raises(ValidationError) as error:
        conclusions.acceptance_resolve_objection(objection=objection, resolution="已核查", by=demo.office, founded=None)
    assert "founded" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        found(demo, objection, rectification_deadline=None, units="")
    assert {"rectification_deadline", "units"} <= set(error.value.message_dict)
    with pytest.raises(PermissionDenied):
        found(demo, objection, by=demo.contractor)
    objection.refresh_from_db()
    application.refresh_from_db()
    assert not objection.is_resolved and application.result_stage == ResultStage.NOTICE


def test_it_never_counts_an_acceptance_whose_objection_is_founded_during_the_notice(demo):
    application = stage(demo, until="government")
    application.refresh_from_db()
    notice = application.result_notice
    review = application.reviews.get()
    found(demo, object_to(demo, application), today=TODAY)
    application.refresh_from_db()
    notice.refresh_from_db()
    assert application.status == AcceptanceApplication.Status.RECTIFYING and application.result_stage == ""
    assert notice.withdrawn_at is not None  # the passed result is no longer published
    assert ConclusionReturn.objects.get().body == ConclusionReturn.Body.OBJECTION
    items = list(rectification_selectors.items_for_source(review))
    assert len(items) == 1 and "公示异议经核查成立" in items[0].problem and items[0].deadline == DEADLINE
    with pytest.raises(ValidationError, match="结果公示中"):
        conclusions.acceptance_confirm_result(application=application, by=demo.office, today=NOTICE_OVER)
    request = new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal("100"))
    # While it is being rectified no payment of the e-town goes (acceptance gate, absolute).
    assert not result(request, "hub:acceptance").passed


def test_it_revokes_a_counted_stage_acceptance_keeping_what_was_paid_and_refusing_more(demo):
    first = stage(demo)
    paid = new_request(demo, stage_acceptance=first)
    advance(demo, paid, RequestStatus.DISBURSED)
    second = apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name="物流仓储配送中心改造完成", today=NOTICE_OVER)
    pass_review(demo, second, reviewed_on=NOTICE_OVER)
    count(demo, second, today=NOTICE_OVER, confirmed_on=datetime.date(2026, 12, 9))
    waiting = new_request(demo, stage_acceptance=second)
    advance(demo, waiting, RequestStatus.IN_NOTICE, today=datetime.date(2026, 12, 9))
    assert result(waiting, today=datetime.date(2026, 12, 9)).passed

    found(demo, object_to(demo, second), today=datetime.date(2026, 12, 10))
    second.refresh_from_db()
    assert not second.is_counted and second.counted_on is None and "撤销" in second.history.first().history_change_reason
    # Further payment on it is refused at the next step, and no one can let it through.
    basis = result(waiting, today=datetime.date(2026, 12, 10))
    assert not basis.passed and not basis.overridable
    after_notice = datetime.date(2026, 12, 17)  # the request's own notice (from 9 December) has ended
    assert result(waiting, today=after_notice).passed is False
    with pytest.raises(ValidationError, match="拨付依据的验收结论已生效"):
        funds_services.disbursement_disburse(request=waiting, disbursed_on=after_notice, amount=waiting.amount,
                                             voucher_number="GK9", by=demo.treasury, today=after_notice)
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.IN_NOTICE
    # Money already paid on the first stage acceptance stays paid.
    paid.refresh_from_db()
    assert paid.status == RequestStatus.DISBURSED


def test_it_revokes_a_counted_final_acceptance_and_holds_the_retention_again(demo):
    final = apply(demo)
    pass_review(demo, final)
    count(demo, final)
    demo.contract.refresh_from_db()
    demo.etown.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on == NOTICE_OVER and demo.etown.phase == ETown.Phase.CLOSED
    retention = new_request(demo, kind=RequestKind.RETENTION, amount=Decimal("500000"))
    funds_services.disbursement_submit(request=retention, by=demo.contractor, today=NOTICE_OVER)

    found(demo, object_to(demo, final, "终期验收时资产台账未建立"))
    demo.contract.refresh_from_db()
    demo.etown.refresh_from_db()
    final.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on is None and demo.etown.phase == ETown.Phase.ACCEPTANCE
    assert final.status == AcceptanceApplication.Status.RECTIFYING and final.result_notice is None
    assert not result(retention).passed and not result(retention, "retention").passed
    with pytest.raises(ValidationError):
        funds_services.disbursement_approve(request=retention, by=demo.office, today=NOTICE_OVER)
    retention.refresh_from_db()
    assert retention.status == RequestStatus.SUBMITTED


def test_it_counts_when_the_notice_ends_if_the_objection_is_unfounded(demo):
    application = stage(demo, until="government")
    objection = object_to(demo, application)
    conclusions.acceptance_resolve_objection(objection=objection, resolution="经核查，异议反映情况不属实。", by=demo.office,
                                             founded=False)
    objection.refresh_from_db()
    assert objection.founded is False
    conclusions.acceptance_confirm_result(application=application, by=demo.office, today=NOTICE_OVER)
    application.refresh_from_db()
    assert application.is_counted
    assert result(new_request(demo, stage_acceptance=application)).passed


def test_it_restarts_with_a_re_review_and_a_new_notice_of_five_working_days(demo):
    application = stage(demo, until="government")
    review = application.reviews.get()
    found(demo, object_to(demo, application), today=TODAY)
    item = rectification_selectors.items_for_source(review).get()
    later = datetime.date(2026, 12, 21)  # Monday
    rectification_services.rectification_submit_evidence(item=item, text="已整改", by=demo.contractor, files=[pdf()],
                                                         today=later)
    rectification_services.rectification_close(item=item, note="核验通过", by=demo.office, today=later)
    again = application_services.acceptance_review_record(**review_kwargs(demo, application, reviewed_on=later,
                                                                          previous=review))
    count(demo, application, until="government", today=later)
    application.refresh_from_db()
    notice = application.result_notice
    assert notice.source_id == again.pk and notice.workdays == 5
    assert notice.end_date == WorkCalendar().add_workdays(later, 4)
    with pytest.raises(ValidationError, match="期满后方可确认"):
        conclusions.acceptance_confirm_result(application=application, by=demo.office, today=notice.end_date)
    conclusions.acceptance_confirm_result(application=application, by=demo.office,
                                          today=notice.end_date + datetime.timedelta(days=3))
    application.refresh_from_db()
    assert application.is_counted


def test_it_records_a_founded_objection_over_http(demo, client_for):
    application = stage(demo, until="government")
    objection = object_to(demo, application)
    url = reverse("acceptance:objection_resolve", args=[application.pk, objection.pk])
    p = f"resolve-{objection.pk}-"
    response = client_for(demo.office).post(url, {p + "founded": "yes", p + "resolution": "属实"}, follow=True)
    assert "请规定整改期限" in response.content.decode()
    objection.refresh_from_db()
    assert not objection.is_resolved
    assert client_for(demo.contractor).post(url, {p + "founded": "yes"}).status_code == 403
    response = client_for(demo.office).post(url, {
        p + "founded": "yes", p + "resolution": "属实", p + "rectification_deadline": "2030-01-31",
        p + "units": "承办企业", p + "persons": "陈涛"}, follow=True)
    page = response.content.decode()
    assert "异议成立" in page and 'data-testid="chain-returns"' in page
    application.refresh_from_db()
    assert application.status == AcceptanceApplication.Status.RECTIFYING
    assert ResultObjection.objects.get().founded is True
