"""Pages of inspections: the due list, recording an inspection and turning a finding into
a rectification item from the page, and who may do what (403 for a role that may not act,
404 for the other contractor)."""
import datetime

import pytest

from etown.models import Notification
from supervision.models import CountyInspectionRule, Inspection, InspectionPlan, Rectification

from .support import TODAY, D, inspect

pytestmark = pytest.mark.django_db


def test_it_lists_due_inspections_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries):
    from etown import services

    c = client_for(demo.office)
    c.get("/supervision/inspections/")  # warm-up (content types)
    # 1 session, 2 user, 3 memberships, 4 the stored due states are today's (issue 16),
    # 5 the counts by state (one aggregate, also the paginator's count), 6 the page of
    # due rows (in SQL), 7 the page's e-towns with county, 8 unread notifications,
    # 9 office counties (rule buttons), 10 recent inspections. The session is not saved
    # again within the minute (issue 16).
    for _ in range(2):
        with django_assert_num_queries(10):
            assert c.get("/supervision/inspections/").status_code == 200
        for n in range(14):  # 2 e-towns of 临猗 the first time, 30 the second
            services.etown_create(county=demo.linyi, by=demo.system, name=f"测试e镇{_}-{n}", leading_industries="水果",
                                  planned_investment=1000, phase="implementation", implementation_start=D(2026, 1, 1))
            inspect(demo, etown=demo.etown)
        c.get("/supervision/inspections/")  # the changed e-towns' states are computed (test_due_store.py)


# Pages --------------------------------------------------------------------------------------------------


def test_it_records_an_inspection_from_the_page(demo, client_for):
    c = client_for(demo.office)
    url = f"/supervision/etowns/{demo.etown.pk}/inspections/new/"
    assert c.get(url + "?category=funds").status_code == 200
    response = c.post(url, {
        "category": "construction", "inspected_on": TODAY.isoformat(), "methods": ["site_visit", "report"],
        "construction_result": "problem", "construction_remarks": "进度滞后", "operation_result": "not_checked",
        "funds_result": "pass", "findings": "改造进度滞后\n物流中心未开工",
    })
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    assert inspection.findings.count() == 2
    page = c.get(inspection.get_absolute_url()).content.decode()
    assert "改造进度滞后" in page and "转为整改事项" in page


def test_it_shows_the_form_errors_in_chinese_and_saves_nothing(demo, client_for):
    response = client_for(demo.office).post(f"/supervision/etowns/{demo.etown.pk}/inspections/new/", {
        "category": "construction", "inspected_on": "", "construction_result": "problem",
        "operation_result": "not_checked", "funds_result": "not_checked",
    })
    body = response.content.decode()
    assert response.status_code == 200
    assert "请填写检查日期。" in body and "请至少选择一种检查方式。" in body
    assert not Inspection.objects.exists()


def test_it_turns_a_finding_into_an_item_from_the_page(demo, client_for):
    inspection = inspect(demo, findings=["物流中心未开工"])
    finding = inspection.findings.get()
    c = client_for(demo.agency)
    url = f"/supervision/findings/{finding.pk}/rectify/"
    bad = c.post(url, {"rectify-units": "", "rectify-deadline": "2020-01-01"})
    assert bad.status_code == 400
    assert "请填写至少一个责任单位。" in bad.content.decode() and "整改时限不能早于今天。" in bad.content.decode()
    assert not Rectification.objects.exists()
    deadline = TODAY + datetime.timedelta(days=15)
    response = c.post(url, {"rectify-measures": "尽快开工", "rectify-units": "承办企业、县商务局",
                            "rectify-persons": "陈涛", "rectify-deadline": deadline.isoformat()})
    item = Rectification.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert (item.units, item.deadline, item.created_by) == ("承办企业、县商务局", deadline, demo.agency)
    assert Notification.objects.filter(user=demo.contractor, title__startswith="新的整改事项").exists()


@pytest.mark.parametrize("who, status", [("contractor", 403), ("finance", 403), ("auditor", 403), ("contractor2", 404)])
def test_it_refuses_recording_and_rectifying_to_others(demo, client_for, who, status):
    inspection = inspect(demo, findings=["x"])
    c = client_for(getattr(demo, who))
    assert c.get(f"/supervision/etowns/{demo.etown.pk}/inspections/new/").status_code == status
    assert c.post(f"/supervision/findings/{inspection.findings.get().pk}/rectify/", {
        "rectify-units": "承办企业", "rectify-deadline": (TODAY + datetime.timedelta(days=5)).isoformat(),
    }).status_code == status
    assert c.post(f"/supervision/inspections/{inspection.pk}/findings/", {"text": "more"}).status_code == status
    assert not Rectification.objects.exists() and inspection.findings.count() == 1


def test_it_hides_an_etowns_inspections_from_the_other_contractor(demo, client_for):
    inspection = inspect(demo)
    other = client_for(demo.contractor2)
    assert other.get(inspection.get_absolute_url()).status_code == 404
    assert other.get(f"/supervision/etowns/{demo.etown.pk}/inspections/").status_code == 404
    assert other.get("/supervision/inspections/").status_code == 403  # the county-wide due list
    assert client_for(demo.contractor).get(inspection.get_absolute_url()).status_code == 200


def test_it_keeps_rules_and_plans_to_the_office(demo, client_for, anze_office):
    rule_url = f"/supervision/inspections/rules/{demo.linyi.pk}/"
    assert client_for(anze_office).get(rule_url).status_code == 403
    assert client_for(demo.finance).get(rule_url).status_code == 403
    c = client_for(demo.office)
    # Issue 12: a preset asks for a reason and a confirmation.
    response = c.post(rule_url, {"preset": "tongcheng"})
    assert response.status_code == 200 and "请填写采用预设的原因" in response.content.decode()
    assert not CountyInspectionRule.objects.filter(county=demo.linyi).exists()
    response = c.post(rule_url, {"preset": "tongcheng", "reason": "按通城办法", "confirmed": "on"})
    assert response.status_code == 302 and CountyInspectionRule.objects.get(county=demo.linyi).funds_months == 6
    response = c.post(rule_url, {"construction_months": 1, "operation_months": 3, "training_months": 0,
                                 "funds_months": 3, "funds_before_disbursement": "on", "funds_window_days": 20,
                                 "basis": "县规定", "reason": ""})
    assert response.status_code == 200 and "请填写修改原因。" in response.content.decode()
    plan_url = f"/supervision/etowns/{demo.etown.pk}/inspections/plan/"
    assert client_for(demo.agency).get(plan_url).status_code == 403
    response = c.post(plan_url, {"construction_interval": "county", "operation_interval": "3",
                                 "operation_starts_on": "2026-10-01", "training_interval": "county",
                                 "funds_interval": "6"})
    assert response.status_code == 302
    assert dict(InspectionPlan.objects.values_list("category", "interval_months")) == {"operation": 3, "funds": 6}


def test_it_prints_the_inspection_record_as_a_pdf_from_its_page(demo, client_for, tmp_path):
    """Issue 15: a printable inspection record (检查记录), linked from the inspection's
    page; the other e-town's contractor gets 404."""
    import subprocess

    from .support import inspect as _inspect

    inspection = _inspect(demo, summary="实地查看公共服务中心，装修完成约六成。")
    url = f"/supervision/inspections/{inspection.pk}/pdf/"
    assert f'href="{url}"' in client_for(demo.office).get(inspection.get_absolute_url()).content.decode()
    response = client_for(demo.contractor).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "record.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.replace(" ", "")
    flat = text.replace("\n", "")
    assert "监督检查记录" in flat and "临猗新城涑水e镇" in flat and "装修完成约六成" in flat
    assert client_for(demo.contractor2).get(url).status_code == 404
