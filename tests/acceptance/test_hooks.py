"""What acceptance contributes to etown's pages: dashboard figures, the dashboard card,
the public panel (published results only), the change log; and the smaller pages
(filing, publishing, corrections, typed-in and imported feedback problems)."""
import datetime

import pytest
from django.urls import reverse

from acceptance import selectors, services_acceptance, services_evaluation
from acceptance.hooks import _public_panel
from acceptance.models import AcceptanceApplication, Evaluation
from etown.hub import hub
from etown.models import Notice

from .conftest import TODAY, apply, feedback_xlsx, review_kwargs

pytestmark = pytest.mark.django_db


def evaluate(demo, result="basic", etown=None, on=datetime.date(2026, 11, 2)):
    return services_evaluation.evaluation_create(
        etown=etown or demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=on, result=result, today=TODAY,
    )


def metric(key):
    return next(m for m in hub.metrics if m.key == key).func


def test_it_counts_applications_for_the_dashboard_by_county(demo):
    apply(demo, today=datetime.date(2026, 9, 28))  # due 2026-10-23: overdue today
    other = apply(demo, etown=demo.other_etown, contract=demo.other_etown.contracts.get(), by=demo.contractor2)
    services_acceptance.acceptance_review_record(**review_kwargs(demo, other, conclusion="not_passed",
                                                                 not_met=["各类培训"]))
    linyi, anze = {demo.linyi.pk}, {demo.anze_etown.county_id}
    assert metric("acceptance_pending")(linyi) == 1 and metric("acceptance_pending")(anze) == 0
    assert metric("acceptance_overdue")(None) == 1
    assert metric("acceptance_rectifying")(linyi) == 1


def test_it_charts_the_latest_evaluation_result_per_etown(demo):
    evaluate(demo, "unqualified", on=datetime.date(2026, 6, 1))
    evaluate(demo, "qualified")
    evaluate(demo, "basic", etown=demo.other_etown)
    assert metric("evaluation_results")({demo.linyi.pk}) == {"合格": 1, "基本合格": 1, "不合格": 0}
    assert metric("evaluation_results")({demo.anze_etown.county_id}) == {"合格": 0, "基本合格": 0, "不合格": 0}


def test_it_shows_the_public_only_published_results(demo, rf):
    evaluation = evaluate(demo)
    request = rf.get("/")
    assert _public_panel(request, demo.etown) is None  # recorded, not published
    notice = services_evaluation.evaluation_publish(evaluation=evaluation, by=demo.office, today=TODAY)
    assert [n.pk for n in _public_panel(request, demo.etown)["notices"]] == [notice.pk]
    from etown.notices import notice_withdraw

    notice_withdraw(notice=notice, reason="误发", by=demo.office)
    assert _public_panel(request, demo.etown) is None


def test_it_adds_its_records_to_the_etown_change_log(demo, client_for):
    evaluate(demo)
    apply(demo)
    page = client_for(demo.auditor).get(reverse("etown_history", args=[demo.etown.pk])).content.decode()
    assert "中期绩效评价" in page and "录入中期绩效评价：基本合格" in page
    assert "验收申请" in page and "提交终期验收申请" in page


def test_it_shows_the_office_the_applications_to_conclude_on_its_dashboard(demo, client_for):
    apply(demo)
    assert "待作出验收结论的申请" in client_for(demo.office).get(reverse("dashboard")).content.decode()
    assert "我的验收申请" in client_for(demo.contractor).get(reverse("dashboard")).content.decode()
    assert "验收申请" not in client_for(demo.contractor2).get(reverse("dashboard")).content.decode().split("我的项目")[0]


# Filing (报备) ---------------------------------------------------------------------------


def test_it_records_the_filing_of_a_passed_acceptance(demo, client_for):
    application = apply(demo)
    url = reverse("acceptance:application_filing", args=[application.pk])
    assert client_for(demo.office).get(url).status_code == 403  # not passed yet
    services_acceptance.acceptance_review_record(**review_kwargs(demo, application))
    data = {"filed_on": datetime.date.today().isoformat(), "filed_to": "运城市商务局、山西省商务厅"}
    assert client_for(demo.contractor).post(url, data).status_code == 403
    assert client_for(demo.contractor2).post(url, data).status_code == 404
    assert client_for(demo.office).post(url, data).status_code == 302
    application.refresh_from_db()
    assert application.filed_to == "运城市商务局、山西省商务厅" and application.filed_on == datetime.date.today()


def test_it_refuses_a_filing_dated_before_the_acceptance(demo):
    application = apply(demo)
    services_acceptance.acceptance_review_record(**review_kwargs(demo, application))
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services_acceptance.acceptance_record_filing(
            application=application, filed_on=TODAY - datetime.timedelta(days=1), filed_to="山西省商务厅", by=demo.office,
            today=TODAY,
        )
    assert "filed_on" in error.value.message_dict
    application.refresh_from_db()
    assert application.filed_on is None and application.status == AcceptanceApplication.Status.PASSED


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
    assert client_for(demo.office).post(url, {**data, "reason": "评价报告正式稿结果为合格"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.result == Evaluation.Result.QUALIFIED
    assert evaluation.history.first().history_change_reason == "评价报告正式稿结果为合格"


def test_it_adds_a_typed_in_feedback_problem(demo, client_for):
    evaluation = evaluate(demo)
    url = reverse("acceptance:evaluation_item_add", args=[evaluation.pk])
    data = {"problem": "物流配送中心未投入使用", "measures": "年底前投入运营", "units": "承办企业", "persons": "陈涛",
            "deadline": "2026-12-31"}
    assert client_for(demo.contractor).post(url, data).status_code == 403
    assert client_for(demo.office).post(url, data).status_code == 302
    item = selectors.rectification.items_for(evaluation).get()
    assert item.problem == "物流配送中心未投入使用" and item.source == "evaluation"


def test_it_shows_why_an_import_is_refused_and_imports_nothing(demo, client_for):
    evaluation = evaluate(demo)
    url = reverse("acceptance:evaluation_import", args=[evaluation.pk])
    bad = feedback_xlsx([[1, "问题", "措施", "承办企业", "陈涛", "下个月"]])
    response = client_for(demo.office).post(url, {"file": bad})
    assert response.status_code == 200 and "第 2 行" in response.content.decode()
    assert not selectors.rectification.items_for(evaluation).exists()
    good = feedback_xlsx([[1, "问题", "措施", "承办企业", "陈涛", "2026-12-31"]])
    assert client_for(demo.office).post(url, {"file": good}).status_code == 302
    assert selectors.rectification.items_for(evaluation).count() == 1
