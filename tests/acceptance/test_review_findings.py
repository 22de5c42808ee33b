"""Defects found in review, held shut."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from acceptance import services_evaluation
from acceptance.models import Evaluation

pytestmark = pytest.mark.django_db


def province_fail(demo):
    return services_evaluation.evaluation_create(
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
        services_evaluation.evaluation_update(
            evaluation=evaluation, by=demo.agency, reason="改判", result=Evaluation.Result.QUALIFIED,
        )
    evaluation.refresh_from_db()
    assert evaluation.result == Evaluation.Result.UNQUALIFIED and evaluation.evaluator_kind == Evaluation.Evaluator.PROVINCE


def test_it_lets_the_office_correct_an_evaluation(demo):
    evaluation = province_fail(demo)
    services_evaluation.evaluation_update(evaluation=evaluation, by=demo.office, reason="录入有误", score=58)
    evaluation.refresh_from_db()
    assert evaluation.score == 58


def test_it_refuses_to_pass_a_final_acceptance_whose_tasks_were_waved_through(demo, application):
    from acceptance import services_acceptance
    from acceptance.models import ChecklistItem

    from .conftest import review_kwargs

    kwargs = review_kwargs(demo, application)
    for row in kwargs["checklist"]:
        if row["kind"] in (ChecklistItem.Kind.TASK, ChecklistItem.Kind.INDICATOR):
            row["judgement"] = ChecklistItem.Judgement.NOT_APPLICABLE
    with pytest.raises(ValidationError, match="终期验收须对每项建设任务和绩效目标作出达标判定"):
        services_acceptance.acceptance_review_record(**kwargs)
    demo.contract.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on is None


def test_it_refuses_a_feedback_deadline_before_the_evaluation(demo):
    evaluation = province_fail(demo)
    with pytest.raises(ValidationError, match="整改时限不能早于评价日期"):
        services_evaluation.evaluation_add_item(
            evaluation=evaluation, by=demo.office, problem="培训人次不足", measures="补办培训",
            units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=datetime.date(2020, 1, 1),
        )
