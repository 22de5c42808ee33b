"""Defects found in review of the evaluation services, held shut."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from acceptance.models import Evaluation
from acceptance.services import evaluations as evaluation_services
from supervision.selectors import rectification as rectification_selectors

from ..conftest import feedback_xlsx

pytestmark = pytest.mark.django_db


def province_fail(demo):
    return evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind=Evaluation.Evaluator.PROVINCE, evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result=Evaluation.Result.UNQUALIFIED, today=datetime.date(2026, 11, 23),
    )


def test_it_refuses_an_agency_editing_a_provinces_evaluation(demo, client_for):
    evaluation = province_fail(demo)
    url = reverse("acceptance:evaluation_edit", args=[evaluation.pk])
    response = client_for(demo.agency).post(url, {"result": "qualified", "reason": "改判", "evaluated_on": "2026-11-02"})
    assert response.status_code == 403
    assert client_for(demo.agency).get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_update(
            evaluation=evaluation, by=demo.agency, reason="改判", result=Evaluation.Result.QUALIFIED,
        )
    evaluation.refresh_from_db()
    assert evaluation.result == Evaluation.Result.UNQUALIFIED and evaluation.evaluator_kind == Evaluation.Evaluator.PROVINCE


def test_it_lets_the_office_correct_an_evaluation(demo):
    evaluation = province_fail(demo)
    evaluation_services.evaluation_update(evaluation=evaluation, by=demo.office, reason="录入有误", score=58)
    evaluation.refresh_from_db()
    assert evaluation.score == 58


def test_it_refuses_a_feedback_deadline_before_the_evaluation(demo):
    evaluation = province_fail(demo)
    with pytest.raises(ValidationError, match="整改时限不能早于评价日期"):
        evaluation_services.evaluation_add_item(
            evaluation=evaluation, by=demo.office, problem="培训人次不足", measures="补办培训",
            units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=datetime.date(2020, 1, 1),
        )


@pytest.mark.parametrize("who", ["contractor", "finance", "auditor"])
def test_it_refuses_feedback_problems_from_a_role_that_may_not_record_them(demo, who):
    # Refused as the pages refuse (403), whoever calls the service.
    evaluation = province_fail(demo)
    user = getattr(demo, who)
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_add_item(
            evaluation=evaluation, by=user, problem="培训人次不足", measures="补办培训",
            units="临猗县涑水电子商务运营有限公司", persons="陈涛", deadline=datetime.date(2026, 12, 31),
        )
    rows = [[1, "问题1", "措施1", "县商务局", "陈涛", "2026-12-31"]]
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_import_items(evaluation=evaluation, fileobj=feedback_xlsx(rows), by=user)
    assert not rectification_selectors.items_for_source(evaluation).exists()


def test_it_refuses_an_agency_feedback_items_on_an_evaluation_it_did_not_record(demo, client_for):
    """Issue 14 finding 9: an assigned agency edits only its own evaluations' items."""
    from supervision.models import Rectification

    evaluation = province_fail(demo)
    before = Rectification.objects.count()
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_add_item(
            evaluation=evaluation, by=demo.agency, problem="培训人次虚报", measures="核实", units="承办企业",
            persons="陈涛", deadline=datetime.date(2026, 12, 31),
        )
    with pytest.raises(PermissionDenied):
        evaluation_services.evaluation_import_items(evaluation=evaluation, fileobj=feedback_xlsx([[1, "培训人次虚报", "核实", "承办企业", "陈涛", "2026-12-31"]]), by=demo.agency)
    c = client_for(demo.agency)
    assert c.get(reverse("acceptance:evaluation_item_add", args=[evaluation.pk])).status_code == 403
    assert c.get(reverse("acceptance:evaluation_import", args=[evaluation.pk])).status_code == 403
    assert "登记反馈问题" not in c.get(reverse("acceptance:evaluation_detail", args=[evaluation.pk])).content.decode()
    assert Rectification.objects.count() == before
    # The office still may.
    evaluation_services.evaluation_add_item(
        evaluation=evaluation, by=demo.office, problem="培训人次虚报", measures="核实", units="承办企业",
        persons="陈涛", deadline=datetime.date(2026, 12, 31),
    )
    assert Rectification.objects.count() == before + 1
