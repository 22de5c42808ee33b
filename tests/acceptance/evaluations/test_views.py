"""The pages of mid-term evaluations: who gets in (404 for another contractor's e-town,
403 for a read-only role), bad input answered in Chinese with nothing changed, fixed
query counts; publishing, corrections, typed-in and imported feedback problems."""
import datetime

import pytest
from django.urls import reverse

from acceptance.models import Evaluation
from acceptance.services import evaluations as evaluation_services
from etown.models import Notice
from supervision.selectors import rectification as rectification_selectors

from ..conftest import evaluate, feedback_xlsx, pdf

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"acceptance:{name}", args=args)


# Recording and deciding ----------------------------------------------------------------


def evaluation_post(**changes):
    data = {"evaluator_kind": "province", "evaluator_name": "山西省商务厅", "evaluated_on": "2026-11-02",
            "score": "82", "result": "basic", "summary": "总体推进较好", "report": pdf("评价报告.pdf")}
    data.update(changes)
    return data


def test_it_lets_the_office_record_an_evaluation(demo, client_for):
    response = client_for(demo.office).post(url("evaluation_create", demo.etown.pk), evaluation_post())
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == evaluation.get_absolute_url()
    assert evaluation.report_file.original_name == "评价报告.pdf"


def test_it_records_the_agency_as_evaluator_when_the_agency_records(demo, client_for):
    response = client_for(demo.agency).post(
        url("evaluation_create", demo.etown.pk), evaluation_post(evaluator_kind="province", evaluator_name="伪造")
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get()
    assert evaluation.evaluator_kind == "agency" and evaluation.agency.name == "山西晋衡工程项目管理咨询有限公司"
    assert evaluation.evaluator_name == "山西晋衡工程项目管理咨询有限公司"


def test_it_refuses_a_bad_score_in_chinese(demo, client_for):
    response = client_for(demo.office).post(url("evaluation_create", demo.etown.pk), evaluation_post(score="120"))
    assert response.status_code == 200
    assert "100" in response.content.decode()
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("who, status", [("contractor", 403), ("finance", 403), ("auditor", 403), ("contractor2", 404)])
def test_it_refuses_evaluations_by_others(demo, client_for, who, status):
    client = client_for(getattr(demo, who))
    assert client.post(url("evaluation_create", demo.etown.pk), evaluation_post()).status_code == status
    assert not Evaluation.objects.exists()


def test_it_lets_only_the_office_record_the_decision(demo, client_for):
    evaluation = evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result="unqualified",
    )
    data = {"decided_on": datetime.date.today().isoformat(), "reduction_amount": "100000", "clawback_amount": "0",
            "decision_basis": "领导小组会议纪要"}
    assert client_for(demo.agency).post(url("evaluation_decision", evaluation.pk), data).status_code == 403
    assert client_for(demo.contractor2).post(url("evaluation_decision", evaluation.pk), data).status_code == 404
    assert client_for(demo.office).post(url("evaluation_decision", evaluation.pk), data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.reduction_amount == 100000 and evaluation.decided_by == demo.office


def test_it_shows_the_evaluation_to_the_contractor_not_to_the_other(demo, client_for):
    evaluation = evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result="qualified",
    )
    assert client_for(demo.contractor).get(evaluation.get_absolute_url()).status_code == 200
    assert client_for(demo.contractor2).get(evaluation.get_absolute_url()).status_code == 404


# Lists: fixed query counts --------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_evaluations_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries, n):
    for i in range(n):
        evaluation_services.evaluation_create(
            # City records: a second province record would have to be a re-evaluation (issue 11).
            etown=demo.etown, by=demo.office, evaluator_kind="city", evaluator_name=f"评价单位{i}",
            evaluated_on=datetime.date(2026, 11, 2), result="qualified",
        )
    client = client_for(demo.auditor)
    client.get(url("evaluation_list"))
    # session, user, memberships, COUNT, page of evaluations (etown, county joined), unread
    # badge, and the session's idle-expiry save (savepoint, UPDATE, release)
    with django_assert_num_queries(6):  # no session save within the minute (issue 16)
        response = client.get(url("evaluation_list"))
    assert response.status_code == 200


# Evaluation pages -------------------------------------------------------------------------


def test_it_publishes_an_evaluation_once_and_only_by_the_office(demo, client_for):
    evaluation = evaluate(demo)
    url = reverse("acceptance:evaluation_publish", args=[evaluation.pk])
    assert client_for(demo.agency).post(url).status_code == 403
    assert client_for(demo.office).post(url).status_code == 302
    assert client_for(demo.office).post(url).status_code == 302
    assert Notice.objects.filter(kind=Notice.Kind.EVALUATION).count() == 1


def test_it_corrects_an_evaluation_with_a_reason(demo, client_for):
    evaluation = evaluate(demo)
    url = reverse("acceptance:evaluation_edit", args=[evaluation.pk])
    data = {"evaluator_kind": "province", "evaluator_name": "山西省商务厅", "evaluated_on": "2026-11-02",
            "score": "81", "result": "qualified", "summary": ""}
    response = client_for(demo.office).post(url, data)
    assert response.status_code == 200 and "请填写修改原因。" in response.content.decode()
    # The province's result is not rewritten by an edit (issue 11: only a confirmed re-evaluation replaces it).
    response = client_for(demo.office).post(url, {**data, "reason": "评价报告正式稿结果为合格"})
    assert response.status_code == 200 and "省级评价结果不能直接修改" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.result != Evaluation.Result.QUALIFIED
    data["result"] = evaluation.result
    assert client_for(demo.office).post(url, {**data, "reason": "评价报告正式稿得分为 81 分"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.score == 81
    assert evaluation.history.first().history_change_reason == "评价报告正式稿得分为 81 分"


def test_it_adds_a_typed_in_feedback_problem(demo, client_for):
    evaluation = evaluate(demo)
    url = reverse("acceptance:evaluation_item_add", args=[evaluation.pk])
    data = {"problem": "物流配送中心未投入使用", "measures": "年底前投入运营", "units": "承办企业", "persons": "陈涛",
            "deadline": "2026-12-31"}
    assert client_for(demo.contractor).post(url, data).status_code == 403
    assert client_for(demo.office).post(url, data).status_code == 302
    item = rectification_selectors.items_for_source(evaluation).get()
    assert item.problem == "物流配送中心未投入使用" and item.source == "evaluation"


def test_it_shows_why_an_import_is_refused_and_imports_nothing(demo, client_for):
    evaluation = evaluate(demo)
    url = reverse("acceptance:evaluation_import", args=[evaluation.pk])
    bad = feedback_xlsx([[1, "问题", "措施", "承办企业", "陈涛", "下个月"]])
    response = client_for(demo.office).post(url, {"file": bad})
    assert response.status_code == 200 and "第 2 行" in response.content.decode()
    assert not rectification_selectors.items_for_source(evaluation).exists()
    good = feedback_xlsx([[1, "问题", "措施", "承办企业", "陈涛", "2026-12-31"]])
    assert client_for(demo.office).post(url, {"file": good}).status_code == 302
    assert rectification_selectors.items_for_source(evaluation).count() == 1
