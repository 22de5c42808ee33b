"""The pages: who gets in (404 for another contractor's e-town, 403 for a read-only
role), bad input answered in Chinese with nothing changed, and fixed query counts."""
import datetime

import pytest
from django.urls import reverse

from acceptance import services_acceptance, services_evaluation
from acceptance.checklist import build_rows
from acceptance.models import AcceptanceApplication, AcceptanceReview, ApplicationMaterial, Evaluation
from etown import services as etown_services
from etown.models import Organization

from .conftest import TODAY, apply, pdf

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"acceptance:{name}", args=args)


def application_post(demo, **changes):
    data = {"contract": demo.contract.pk, "kind": "final", "stage_name": "", "summary": "全部建设内容已完成。"}
    for category in ApplicationMaterial.REQUIRED:
        data[f"material_{category}"] = pdf(f"{category}.pdf")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# Applying ---------------------------------------------------------------------------


def test_it_lets_the_contractor_apply(demo, client_for):
    response = client_for(demo.contractor).post(url("application_create", demo.etown.pk), application_post(demo))
    application = AcceptanceApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.materials.count() == 4 and application.submitted_by == demo.contractor


def test_it_shows_the_deadline_before_the_contractor_applies(demo, client_for):
    response = client_for(demo.contractor).get(url("application_create", demo.etown.pk))
    due = services_acceptance.acceptance_due_date(datetime.date.today())
    assert f"{due.year}年{due.month}月{due.day}日" in response.content.decode()


def test_it_refuses_missing_materials_in_chinese(demo, client_for):
    response = client_for(demo.contractor).post(
        url("application_create", demo.etown.pk), application_post(demo, material_progress=None, material_evidence=None)
    )
    assert response.status_code == 200
    assert "请上传项目建设进度表。" in response.content.decode()
    assert not AcceptanceApplication.objects.exists()


def test_it_refuses_a_file_that_is_not_what_it_claims(demo, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("进度表.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client_for(demo.contractor).post(url("application_create", demo.etown.pk), application_post(demo, material_progress=fake))
    assert "文件类型不符" in response.content.decode()
    assert not AcceptanceApplication.objects.exists()


@pytest.mark.parametrize("who, status", [("office", 403), ("auditor", 403), ("agency", 403), ("contractor2", 404)])
def test_it_refuses_applying_to_others(demo, client_for, who, status):
    client = client_for(getattr(demo, who))
    assert client.get(url("application_create", demo.etown.pk)).status_code == status
    assert client.post(url("application_create", demo.etown.pk), application_post(demo)).status_code == status
    assert not AcceptanceApplication.objects.exists()


@pytest.mark.parametrize("who, status", [("office", 200), ("auditor", 200), ("contractor", 200), ("contractor2", 404)])
def test_it_shows_the_application_to_whoever_may_see_the_etown(demo, client_for, who, status):
    application = apply(demo)
    assert client_for(getattr(demo, who)).get(application.get_absolute_url()).status_code == status


# Reviewing --------------------------------------------------------------------------


def review_post(demo, application, *, not_met=(), conclusion="passed"):
    departments = Organization.objects.filter(county=demo.linyi, kind=Organization.Kind.DEPARTMENT)
    data = {
        "reviewed_on": TODAY.isoformat(), "methods": ["site", "report"],
        "lead_unit": departments.get(name="临猗县商务局").pk,
        "member_units": [departments.get(name="临猗县财政局").pk],
        "member_names": "王立新 县商务局", "opinion": "验收意见", "conclusion": conclusion,
        "rectification_deadline": (TODAY + datetime.timedelta(days=20)).isoformat() if conclusion != "passed" else "",
        "units": "临猗县涑水电子商务运营有限公司", "persons": "陈涛", "extra_problems": "",
    }
    for row in build_rows(application.etown):
        failed = any(t in row["label"] for t in not_met)
        data[f"c-{row['key']}-judgement"] = "not_met" if failed else "met"
        data[f"c-{row['key']}-remark"] = "未完成" if failed else ""
        data[f"c-{row['key']}-figure"] = "" if row["figure"] is None else str(row["figure"])
    return data


def test_it_lets_the_office_record_a_failed_review(demo, client_for, monkeypatch):
    monkeypatch.setattr("acceptance.views.applications.timezone.localdate", lambda: TODAY)
    application = apply(demo)
    client = client_for(demo.office)
    assert client.get(url("review_create", application.pk)).status_code == 200
    response = client.post(url("review_create", application.pk), review_post(demo, application, not_met=["培训师资库专家"],
                                                                             conclusion="not_passed"))
    assert response.status_code == 302, response.content.decode()[:3000]
    review = AcceptanceReview.objects.get()
    assert review.conclusion == "not_passed" and review.checklist.filter(judgement="not_met").count() == 1


def test_it_keeps_the_form_when_the_checklist_is_incomplete(demo, client_for, monkeypatch):
    monkeypatch.setattr("acceptance.views.applications.timezone.localdate", lambda: TODAY)
    application = apply(demo)
    data = review_post(demo, application)
    first_key = next(k for k in data if k.endswith("-judgement"))
    data[first_key] = ""
    response = client_for(demo.office).post(url("review_create", application.pk), data)
    assert response.status_code == 200
    assert "尚有 1 项未判定" in response.content.decode()
    assert not AcceptanceReview.objects.exists()


@pytest.mark.parametrize("who, status", [("contractor", 403), ("finance", 403), ("auditor", 403), ("contractor2", 404)])
def test_it_refuses_reviews_by_others(demo, client_for, who, status):
    application = apply(demo)
    client = client_for(getattr(demo, who))
    assert client.get(url("review_create", application.pk)).status_code == status
    assert client.post(url("review_create", application.pk), review_post(demo, application)).status_code == status
    assert not AcceptanceReview.objects.exists()


def test_it_lets_the_assigned_agency_record_a_review(demo, client_for):
    application = apply(demo)
    assert client_for(demo.agency).get(url("review_create", application.pk)).status_code == 200


# Evaluations ------------------------------------------------------------------------


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
    evaluation = services_evaluation.evaluation_create(
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
    evaluation = services_evaluation.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result="qualified",
    )
    assert client_for(demo.contractor).get(evaluation.get_absolute_url()).status_code == 200
    assert client_for(demo.contractor2).get(evaluation.get_absolute_url()).status_code == 404


# The e-town page panel ------------------------------------------------------------------


def test_it_shows_the_panel_with_the_gates_on_the_etown_page(demo, client_for):
    page = client_for(demo.contractor).get(demo.etown.get_absolute_url()).content.decode()
    assert "中期绩效评价与验收" in page and "尚未开展中期评价。" in page
    assert url("application_create", demo.etown.pk) in page
    office_page = client_for(demo.office).get(demo.etown.get_absolute_url()).content.decode()
    assert url("application_create", demo.etown.pk) not in office_page
    assert url("dossier_page", demo.etown.pk) in office_page


# Lists: fixed query counts --------------------------------------------------------------


def make_applications(demo, n):
    for i in range(n):
        contract = etown_services.contract_create(
            etown=demo.etown, by=demo.office, contractor=demo.contract.contractor, number=f"T-{i}", title=f"合同{i}",
            amount=100000, signed_on=datetime.date(2026, 6, 1),
        )
        apply(demo, contract=contract, kind="stage", stage_name=f"阶段{i}")


@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_applications_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries, n):
    make_applications(demo, n)
    client = client_for(demo.office)
    client.get(url("application_list"))  # warm the session
    # session, user, memberships, COUNT, page of applications (etown, county, contract,
    # contractor joined), unread notifications badge, and the session's idle-expiry save
    # (savepoint, UPDATE, release)
    with django_assert_num_queries(9):
        response = client.get(url("application_list"))
    assert response.status_code == 200
    assert response.content.decode().count("阶段验收") >= min(n, 25)


@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_evaluations_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries, n):
    for i in range(n):
        services_evaluation.evaluation_create(
            etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name=f"评价单位{i}",
            evaluated_on=datetime.date(2026, 11, 2), result="qualified",
        )
    client = client_for(demo.auditor)
    client.get(url("evaluation_list"))
    # session, user, memberships, COUNT, page of evaluations (etown, county joined), unread
    # badge, and the session's idle-expiry save (savepoint, UPDATE, release)
    with django_assert_num_queries(9):
        response = client.get(url("evaluation_list"))
    assert response.status_code == 200


def test_it_hides_other_etowns_from_the_contractor_list(demo, client_for):
    apply(demo)
    page = client_for(demo.contractor2).get(url("application_list")).content.decode()
    assert "暂无验收申请" in page


def test_it_paginates_the_application_list(demo, client_for):
    make_applications(demo, 27)
    page = client_for(demo.office).get(url("application_list") + "?page=2").content.decode()
    assert "第 2/2 页" in page




def test_it_sends_the_office_back_when_the_application_is_already_decided(demo, client_for):
    from .conftest import review_kwargs

    application = apply(demo)
    services_acceptance.acceptance_review_record(**review_kwargs(demo, application))
    response = client_for(demo.office).get(url("review_create", application.pk), follow=True)
    assert response.redirect_chain[-1][0] == application.get_absolute_url()
    assert "该申请已验收通过，不能再录入验收结论。" in response.content.decode()
