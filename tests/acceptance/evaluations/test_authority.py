"""Which evaluation governs the funds (issue 11). 安泽办法 002 第十八条: the mid-term
evaluation is organised by the province (省商务厅会同省财政厅、省乡村振兴局组织专家或委托
第三方机构). A county's or an agency's own record cannot replace the province's result;
a re-evaluation replaces it only when recorded as such, for the same authority, and
confirmed by the office head — with history."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acceptance.models import Evaluation
from acceptance.selectors.evaluations import evaluation_gate, governing_evaluation
from acceptance.services import evaluations as evaluation_services
from etown import services as etown_services

from ..conftest import TODAY

pytestmark = pytest.mark.django_db
E = Evaluation.Evaluator
R = Evaluation.Result


def record(demo, result, *, kind=E.PROVINCE, name="山西省商务厅", on=datetime.date(2026, 6, 1), **extra):
    return evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind=kind, evaluator_name=name, evaluated_on=on, result=result,
        today=TODAY, **extra,
    )


def test_it_does_not_let_a_later_agency_or_city_record_lift_the_provinces_unqualified(demo):
    province = record(demo, R.UNQUALIFIED)
    record(demo, R.QUALIFIED, kind=E.AGENCY, name="山西晋衡工程项目管理咨询有限公司", on=datetime.date(2026, 10, 1))
    record(demo, R.QUALIFIED, kind=E.CITY, name="运城市商务局", on=datetime.date(2026, 11, 1))
    assert governing_evaluation(demo.etown) == province
    passed, reason = evaluation_gate(demo.etown, today=TODAY)
    assert passed is False and "不合格" in reason


def test_it_does_not_govern_by_a_county_or_agency_record_alone(demo):
    record(demo, R.UNQUALIFIED, kind=E.AGENCY, name="山西晋衡工程项目管理咨询有限公司")
    assert governing_evaluation(demo.etown) is None
    passed, reason = evaluation_gate(demo.etown, today=TODAY)
    assert passed is True and "省级" in reason


def test_it_refuses_a_second_province_record_not_marked_as_a_re_evaluation(demo):
    record(demo, R.UNQUALIFIED)
    with pytest.raises(ValidationError, match="复评"):
        record(demo, R.QUALIFIED, on=datetime.date(2026, 11, 2))
    assert Evaluation.objects.count() == 1


def test_it_replaces_the_result_by_a_re_evaluation_only_once_the_office_head_confirms(demo):
    first = record(demo, R.UNQUALIFIED)
    with pytest.raises(ValidationError, match="同一评价主体"):
        record(demo, R.QUALIFIED, kind=E.AGENCY, name="机构", on=datetime.date(2026, 11, 2), replaces=first)
    again = record(demo, R.QUALIFIED, on=datetime.date(2026, 11, 2), replaces=first)
    assert governing_evaluation(demo.etown) == first  # not yet confirmed
    assert evaluation_gate(demo.etown, today=TODAY)[0] is False
    # Only an office head confirms: not the leader, not office staff who is not head.
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_confirm_replacement(evaluation=again, by=demo.leader)
    membership = demo.office.memberships.get()
    etown_services.membership_update(membership=membership, by=demo.system, reason="非负责人", is_head=False)
    demo.office._etown_memberships = None
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_confirm_replacement(evaluation=again, by=demo.office)
    etown_services.membership_update(membership=membership, by=demo.system, reason="负责人", is_head=True)
    demo.office._etown_memberships = None
    evaluation_services.evaluation_confirm_replacement(evaluation=again, by=demo.office)
    again.refresh_from_db()
    assert again.replacement_confirmed_by == demo.office and again.replacement_confirmed_at is not None
    assert governing_evaluation(demo.etown) == again
    assert evaluation_gate(demo.etown, today=TODAY)[0] is True
    assert "确认复评" in again.history.first().history_change_reason
    with pytest.raises(ValidationError, match="已确认"):
        evaluation_services.evaluation_confirm_replacement(evaluation=again, by=demo.office)


def test_it_does_not_let_the_office_rewrite_the_provinces_result_by_an_edit(demo):
    province = record(demo, R.UNQUALIFIED)
    with pytest.raises(ValidationError, match="复评"):
        evaluation_services.evaluation_update(evaluation=province, by=demo.office, reason="改正", result=R.QUALIFIED)
    with pytest.raises(ValidationError, match="复评"):
        evaluation_services.evaluation_update(evaluation=province, by=demo.office, reason="改正", evaluator_kind=E.AGENCY)
    province.refresh_from_db()
    assert province.result == R.UNQUALIFIED


def test_it_offers_the_office_head_the_confirmation_on_the_evaluation_page(demo, client_for):
    first = record(demo, R.UNQUALIFIED)
    again = record(demo, R.QUALIFIED, on=datetime.date(2026, 11, 2), replaces=first)
    page = client_for(demo.office).get(again.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-replacement"' in page
    assert client_for(demo.leader).post(f"/acceptance/evaluations/{again.pk}/confirm-replacement/").status_code == 403
    response = client_for(demo.office).post(f"/acceptance/evaluations/{again.pk}/confirm-replacement/")
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.replacement_confirmed_at is not None


def test_it_charts_the_governing_evaluation_not_the_latest_record(demo):
    """The dashboard's 中期绩效评价结果 chart and the regional breakdown show the result
    that governs funds (002 第十八条: the province's), not a later city or agency record,
    nor an unconfirmed re-evaluation."""
    from acceptance.selectors.evaluations import evaluation_results
    from acceptance.selectors.regional import evaluation_results_by

    province = record(demo, R.UNQUALIFIED)
    record(demo, R.QUALIFIED, kind=E.AGENCY, name="山西晋衡工程项目管理咨询有限公司", on=datetime.date(2026, 10, 1))
    record(demo, R.QUALIFIED, on=datetime.date(2026, 11, 1), replaces=province)  # not confirmed yet
    linyi = {demo.linyi.pk}
    assert evaluation_results(linyi) == {"合格": 0, "基本合格": 0, "不合格": 1}
    assert evaluation_results_by("etown", [demo.etown.pk]) == {demo.etown.pk: "不合格"}
    assert evaluation_results_by("county", [demo.linyi.pk]) == {demo.linyi.pk: "不合格 1"}
