"""The regional dashboard (issue 16): a province (省商务厅), city (市商务局) or national
(商务部) official sees the counties and e-towns of their scope with money, late reports,
overdue rectification items, evaluation results and phases; drills down to a county and
an e-town; and the page costs the same queries for 5 or 500 e-towns."""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse

from etown import services
from django.db.models import Sum

from etown.models import Contract, Role, Scope
from supervision.services.rectification import rectification_create

URL = reverse("regional_dashboard")


def official(demo, name, role=Role.LEADER, **area):
    user = get_user_model().objects.create_user(name, password="x", first_name=name)
    services.membership_grant(user=user, role=role, county=None, by=demo.system, **area)
    return user


def _county(demo, name, province="湖北省", city="咸宁市", etowns=1):
    county = services.county_create(by=demo.system, name=name, province=province, city=city, office_name=f"{name}办公室")
    for i in range(etowns):
        services.etown_create(county=county, by=demo.system, name=f"{name}e镇{i}", leading_industries="茶叶",
                              planned_investment=Decimal("1000000"), phase="implementation",
                              implementation_start=datetime.date(2026, 1, 1))
    return county


def test_it_shows_a_province_official_their_counties_with_money_and_overdue_items(demo, client_for):
    tongcheng = _county(demo, "通城县")
    rectification_create(
        etown=demo.etown, source="inspection", problem="物流仓储配送中心改造进度滞后", measures="倒排工期",
        units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=datetime.date(2026, 1, 5), by=demo.office,
    )
    client = client_for(official(demo, "sx", province="山西省"))
    home = client.get(reverse("dashboard")).content.decode()
    assert URL in home  # reachable from the navigation
    page = client.get(URL)
    assert page.status_code == 200
    content = page.content.decode()
    assert "临猗县" in content and "安泽县" in content and "高平市" in content and "通城县" not in content
    assert "合同金额" in content and "逾期整改事项" in content and "中期绩效评价" in content
    row = next(r for r in page.context["rows"] if r["object"] == demo.linyi)
    cells = {c["breakdown"].key: c["value"] for c in row["cells"]}
    assert cells["overdue_items"] == 1
    live = Contract.objects.filter(etown__county=demo.linyi).exclude(status=Contract.Status.TERMINATED)
    assert cells["contract_amount"] == live.aggregate(s=Sum("amount"))["s"] > 0
    # Drill down: the county's e-towns, each linking to its page.
    county_page = client.get(URL, {"county": demo.linyi.pk}).content.decode()
    assert reverse("etown_detail", args=[demo.etown.pk]) in county_page
    assert client.get(URL, {"county": tongcheng.pk}).status_code == 404  # another province


def test_it_refuses_county_staff_and_contractors(demo, client_for):
    assert client_for(demo.office).get(URL).status_code == 403
    assert client_for(demo.contractor).get(URL).status_code == 403


def test_it_lets_a_city_official_see_only_their_city(demo, client_for):
    client = client_for(official(demo, "yc", scope=Scope.CITY, province="山西省", city="运城市"))
    content = client.get(URL).content.decode()
    assert "临猗县" in content and "安泽县" not in content
    assert client.get(URL, {"county": demo.anze_etown.county_id}).status_code == 404


def test_it_starts_national_staff_at_the_provinces(demo, client_for):
    _county(demo, "通城县")
    client = client_for(official(demo, "mofcom", scope=Scope.NATIONAL))
    page = client.get(URL)
    assert page.context["level"] == "province"
    assert [p[0] for p in page.context["provinces"]] == ["山西省", "湖北省"]
    content = client.get(URL, {"province": "湖北省"}).content.decode()
    assert "通城县" in content and "临猗县" not in content


def test_it_costs_the_same_queries_for_few_and_many_counties(demo, client_for, django_assert_num_queries):
    client = client_for(official(demo, "sx", province="山西省"))
    client.get(URL)  # warm-up
    # 1 session, 2 user, 3 memberships, 4 the province's counties, 5 counties and e-towns
    # by province, 6-7 the page of counties (count, select), 8 money (contract, paid,
    # held: one grouped query), 9 blocked payments, 10-12 late reports (report days,
    # calendar, e-towns per county), 13 overdue items, 14-15 overdue inspections (the
    # stored due states are today's, the count per county), 16 evaluation results,
    # 17 phases per county, 18 unread notifications.
    for round_ in range(2):
        with django_assert_num_queries(18):
            response = client.get(URL)
        assert response.status_code == 200
        for i in range(20):
            _county(demo, f"山西测试县{round_}-{i}", province="山西省", city="运城市", etowns=2)
        client.get(URL)  # the new e-towns' inspection due states are computed once (test_due_store.py)
    with django_assert_num_queries(18):
        response = client.get(URL)
    assert response.context["page"].paginator.count == 43 and len(response.context["rows"]) == 30  # one page
