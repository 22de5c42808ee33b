"""Every registry page, for every role: the right role gets in, contractor2 gets 404 on
the other e-town, a read-only role gets 403 on writes, bad input changes nothing."""
from decimal import Decimal

import pytest
from django.urls import reverse

from etown.models import Contract, ETown, Indicator, Organization, Task

pytestmark = pytest.mark.django_db

READERS = ["office", "finance", "leader", "auditor", "agency", "contractor"]
READ_ONLY = ["finance", "leader", "auditor", "agency", "contractor"]


def detail_urls(e):
    return [reverse("etown_detail", args=[e.pk]), reverse("etown_history", args=[e.pk])]


def write_urls(demo):
    e = demo.etown
    return [
        reverse("etown_edit", args=[e.pk]),
        reverse("contract_create", args=[e.pk]),
        reverse("contract_edit", args=[demo.contract.pk]),
        reverse("task_create", args=[e.pk]),
        reverse("task_edit", args=[e.tasks.first().pk]),
        reverse("indicator_create", args=[e.pk]),
        reverse("indicator_edit", args=[e.indicators.first().pk]),
        reverse("agency_assign", args=[e.pk]),
    ]


def test_it_sends_anonymous_users_to_sign_in(client, demo):
    for url in [reverse("dashboard"), reverse("etown_list"), *detail_urls(demo.etown), *write_urls(demo)]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize("role", READERS)
def test_it_shows_the_etown_pages_to_those_who_may_read_it(client_for, demo, role):
    c = client_for(getattr(demo, role))
    for url in detail_urls(demo.etown):
        response = c.get(url)
        assert response.status_code == 200, (role, url)
    assert "临猗新城涑水e镇" in c.get(reverse("dashboard")).content.decode()


def test_it_returns_404_to_the_other_contractor_everywhere(client_for, demo):
    c = client_for(demo.contractor2)
    for url in [*detail_urls(demo.etown), *write_urls(demo)]:
        assert c.get(url).status_code == 404, url
        assert c.post(url, {"reason": "x"}).status_code == 404, url
    body = c.get(reverse("etown_list")).content.decode()
    assert "临猗新城涑水e镇" not in body and "临猗县电子商务进农村综合示范项目" in body


def test_it_returns_404_to_another_countys_office(client_for, demo, anze_office):
    c = client_for(anze_office)
    for url in [*detail_urls(demo.etown), *write_urls(demo)]:
        assert c.get(url).status_code == 404, url


@pytest.mark.parametrize("role", READ_ONLY)
def test_it_refuses_writes_to_read_only_roles(client_for, demo, role):
    c = client_for(getattr(demo, role))
    before = ETown.history.count() + Contract.history.count() + Task.history.count() + Indicator.history.count()
    for url in write_urls(demo):
        assert c.get(url).status_code == 403, (role, url)
        assert c.post(url, {"reason": "试图修改", "name": "篡改"}).status_code == 403, (role, url)
    assert c.get(reverse("etown_create")).status_code == 403
    assert c.post(reverse("etown_create"), {"name": "x"}).status_code == 403
    after = ETown.history.count() + Contract.history.count() + Task.history.count() + Indicator.history.count()
    assert before == after


def test_it_hides_edit_buttons_from_read_only_roles(client_for, demo):
    body = client_for(demo.auditor).get(reverse("etown_detail", args=[demo.etown.pk])).content.decode()
    assert "修改项目信息" not in body and "登记合同" not in body
    body = client_for(demo.office).get(reverse("etown_detail", args=[demo.etown.pk])).content.decode()
    assert "修改项目信息" in body and "登记合同" in body


def etown_payload(demo, **overrides):
    data = {
        "county": demo.linyi.pk, "name": "临猗县北辛e镇", "kind": "etown", "leading_industries": "苹果",
        "planned_investment": "50000000", "area_km2": "2.5", "boundary": "东至…", "phase": "preparation",
        "status": "active", "preparation_start": "2026-12-01", "implementation_start": "2027-01-01",
        "evaluation_start": "", "acceptance_start": "", "planned_end": "2027-12-31",
    }
    data.update(overrides)
    return data


def test_it_lets_the_office_register_an_etown(client_for, demo):
    c = client_for(demo.office)
    response = c.post(reverse("etown_create"), etown_payload(demo))
    etown = ETown.objects.get(name="临猗县北辛e镇")
    assert response.status_code == 302 and response["Location"] == etown.get_absolute_url()
    assert etown.planned_investment == Decimal("50000000")
    record = etown.history.get()
    assert record.history_user == demo.office and record.history_change_reason == "登记项目"


def test_it_explains_bad_input_in_chinese_and_changes_nothing(client_for, demo):
    c = client_for(demo.office)
    count = ETown.objects.count()
    response = c.post(
        reverse("etown_create"),
        etown_payload(demo, name="", planned_investment="-5", implementation_start="2026-11-01"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "这个字段是必填项" in body  # Django's own zh-hans message for a required field
    assert "确保该值大于或等于0" in body
    assert "各阶段日期须按" in body
    assert ETown.objects.count() == count


def test_it_refuses_a_duplicate_name_in_the_county(client_for, demo):
    c = client_for(demo.office)
    response = c.post(reverse("etown_create"), etown_payload(demo, name="临猗新城涑水e镇"))
    assert response.status_code == 200
    assert "本区县已登记同名项目" in response.content.decode()


def test_it_refuses_to_register_in_another_county(client_for, demo, anze_office):
    c = client_for(anze_office)
    response = c.post(reverse("etown_create"), etown_payload(demo))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not ETown.objects.filter(name="临猗县北辛e镇").exists()


def test_it_requires_a_reason_to_edit_and_records_it(client_for, demo):
    c = client_for(demo.office)
    url = reverse("etown_edit", args=[demo.etown.pk])
    data = etown_payload(demo, name=demo.etown.name, implementation_start="2026-07-01", planned_end="2027-03-31",
                         preparation_start="2026-04-01", phase="evaluation")
    response = c.post(url, data)
    assert "请填写修改原因" in response.content.decode()
    assert ETown.objects.get(pk=demo.etown.pk).phase == "implementation"
    response = c.post(url, {**data, "reason": "进入绩效评价阶段"})
    assert response.status_code == 302
    latest = ETown.history.filter(id=demo.etown.pk).latest("history_date")
    assert latest.phase == "evaluation" and latest.history_change_reason == "进入绩效评价阶段"
    assert latest.history_user == demo.office


def test_it_registers_a_contract_and_gives_the_contractor_access(client_for, demo):
    c = client_for(demo.office)
    org = Organization.objects.get(name="临猗县供销电商服务有限公司")
    response = c.post(
        reverse("contract_create", args=[demo.etown.pk]),
        {"contractor": org.pk, "number": "LYXC-2026-009", "title": "物流补充合同", "amount": "800000.50",
         "signed_on": "2026-11-01", "prepayment_ratio": "30", "retention_ratio": "10", "status": "active"},
    )
    assert response.status_code == 302
    contract = Contract.objects.get(number="LYXC-2026-009")
    assert contract.amount == Decimal("800000.50")
    contractor2 = type(demo.contractor2).objects.get(pk=demo.contractor2.pk)
    assert client_for(contractor2).get(demo.etown.get_absolute_url()).status_code == 200


def test_it_refuses_ratios_that_add_up_beyond_the_whole(client_for, demo):
    c = client_for(demo.office)
    response = c.post(
        reverse("contract_create", args=[demo.etown.pk]),
        {"contractor": demo.contract.contractor_id, "number": "X-1", "title": "t", "amount": "100",
         "signed_on": "2026-11-01", "prepayment_ratio": "95", "retention_ratio": "10", "status": "active"},
    )
    assert "预付比例与尾款比例之和不能超过 100%" in response.content.decode()
    assert not Contract.objects.filter(number="X-1").exists()


def test_it_adds_and_edits_tasks_and_indicators(client_for, demo):
    c = client_for(demo.office)
    r = c.post(reverse("task_create", args=[demo.etown.pk]),
               {"category": "logistics", "title": "冷链仓储", "budget": "120000", "position": "20"})
    assert r.status_code == 302
    task = Task.objects.get(title="冷链仓储")
    r = c.post(reverse("task_edit", args=[task.pk]),
               {"category": "logistics", "title": "冷链仓储中心", "budget": "150000", "position": "20", "reason": "扩大规模"})
    assert r.status_code == 302 and Task.objects.get(pk=task.pk).budget == Decimal("150000")
    r = c.post(reverse("indicator_create", args=[demo.etown.pk]),
               {"name": "冷链库容", "unit": "吨", "comparator": "gte", "target": "500", "period": "cumulative", "position": "30"})
    assert r.status_code == 302
    r = c.post(reverse("indicator_create", args=[demo.etown.pk]),
               {"name": "重复代码", "code": "online_retail", "unit": "万元", "comparator": "gte", "target": "1",
                "period": "yearly", "position": "31"})
    assert r.status_code == 200 and not Indicator.objects.filter(name="重复代码").exists()


def test_it_shows_the_change_log_with_who_what_and_why(client_for, demo):
    from etown import services

    task = demo.etown.tasks.first()
    services.task_update(task=task, by=demo.office, reason="调整预算", budget=Decimal("654321"))
    body = client_for(demo.auditor).get(reverse("etown_history", args=[demo.etown.pk])).content.decode()
    assert "调整预算" in body and "王立新" in body and "654321" in body and "预算（元）" in body


def test_it_assigns_and_removes_an_agency(client_for, demo):
    c = client_for(demo.office)
    agency = demo.etown.agencies.get()
    r = c.post(reverse("agency_remove", args=[demo.etown.pk, agency.pk]))
    assert r.status_code == 302 and not demo.etown.agencies.exists()
    assert c.get(reverse("agency_remove", args=[demo.etown.pk, agency.pk])).status_code == 405
    r = c.post(reverse("agency_assign", args=[demo.etown.pk]), {"agency": agency.pk})
    assert r.status_code == 302 and demo.etown.agencies.filter(pk=agency.pk).exists()


def test_it_lets_the_office_register_an_organisation(client_for, demo):
    c = client_for(demo.office)
    r = c.post(reverse("organization_list"), {"county": demo.linyi.pk, "name": "临猗县果业电商有限公司", "kind": "contractor"})
    assert r.status_code == 302
    org = Organization.objects.get(name="临猗县果业电商有限公司")
    assert org.group_id
    assert client_for(demo.auditor).post(reverse("organization_list"), {"name": "x"}).status_code == 403
    assert client_for(demo.contractor).get(reverse("organization_list")).status_code == 403


def test_it_filters_the_etown_list(client_for, demo):
    c = client_for(demo.office)
    body = c.get(reverse("etown_list"), {"kind": "demonstration"}).content.decode()
    assert "临猗县电子商务进农村综合示范项目" in body and "临猗新城涑水e镇" not in body
    body = c.get(reverse("etown_list"), {"q": "生鲜"}).content.decode()
    assert "临猗新城涑水e镇" in body and "综合示范项目</a>" not in body
    assert c.get(reverse("etown_list"), {"phase": "bogus", "county": "x"}).status_code == 200


def test_it_shows_the_calendar_with_a_warning_for_an_unknown_year(client_for, demo):
    c = client_for(demo.office)
    body = c.get(reverse("calendar"), {"year": "2026"}).content.decode()
    assert "春节" in body and "调休上班" in body
    body = c.get(reverse("calendar"), {"year": "2027"}).content.decode()
    assert "2027年的法定节假日尚未录入工作日历" in body
