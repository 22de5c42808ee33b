"""Scopes (issue 16): a membership names a county, a city (地级市商务局), a province
(省商务厅) or the whole country (商务部, read-only). Counties stay isolated; a province
official sees exactly their province; a city official their city's counties; national
staff read everything and change nothing.

The demo counties are in 山西省: 临猗县 (运城市), 安泽县 (临汾市), 高平市 (晋城市). The tests
add 通城县 (湖北省咸宁市, seed 001) with an e-town of its own."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from acceptance.services import evaluations as evaluation_services
from etown import services
from etown.models import County, ETown, Membership, Organization, Role, Scope
from etown.permissions import can_edit_etown, county_scope, in_scope, visible_etowns, visible_etowns_q
from funds.models import DisbursementRequest
from supervision.models import MonthlyReport, SupervisionLetter
from supervision.services.letters import letter_draft
from supervision.services.rectification import rectification_create

TODAY = datetime.date(2026, 11, 23)


def official(demo, name, role=Role.OFFICE, **area):
    user = get_user_model().objects.create_user(name, password="x", first_name=name)
    services.membership_grant(user=user, role=role, county=None, by=demo.system, **area)
    return user


@pytest.fixture
def tongcheng(demo):
    county = services.county_create(
        by=demo.system, name="通城县", province="湖北省", city="咸宁市", office_name="通城县乡村e镇工作领导小组办公室",
    )
    etown = services.etown_create(
        county=county, by=demo.system, name="通城县麦市镇乡村e镇", leading_industries="黄袍山油茶",
        planned_investment=Decimal("100000000"),
    )
    return etown


@pytest.fixture
def records(demo):
    """Records of 临猗县 in every app: a monthly report, a rectification item and its
    letter, a disbursement request and a mid-term evaluation."""
    report = MonthlyReport.objects.create(
        etown=demo.etown, period=datetime.date(2026, 10, 1), due_date=datetime.date(2026, 11, 5),
    )
    item = rectification_create(
        etown=demo.etown, source="inspection", problem="物流仓储配送中心改造进度滞后", measures="倒排工期",
        units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=TODAY - datetime.timedelta(days=5),
        by=demo.office,
    )
    letter = letter_draft(etown=demo.etown, kind=SupervisionLetter.Kind.FIRST, items=[item], by=demo.office, today=TODAY)
    request = DisbursementRequest.objects.create(
        contract=demo.contract, etown=demo.etown, kind="progress", amount=Decimal("1000000"),
        purpose="物流配送中心改造升级进度款", created_by=demo.contractor,
    )
    evaluation = evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result="basic", today=TODAY,
    )
    return {"report": report, "item": item, "letter": letter, "request": request, "evaluation": evaluation}


def test_it_migrates_a_county_less_grant_to_a_province_membership(demo):
    """What a county-less membership always meant (省级): the province of the counties."""
    user = official(demo, "sx_office")
    m = Membership.objects.get(user=user)
    assert (m.scope, m.province, m.city, m.county) == (Scope.PROVINCE, "山西省", "", None)
    assert m.area_label == "山西省"


def test_it_refuses_a_membership_that_does_not_name_its_area(demo):
    user = get_user_model().objects.create_user("nobody", password="x")
    with pytest.raises(ValidationError, match="地级市"):
        services.membership_grant(user=user, role=Role.OFFICE, county=None, scope=Scope.CITY, province="山西省",
                                  by=demo.system)
    with pytest.raises(ValidationError, match="不填区县"):
        services.membership_grant(user=user, role=Role.OFFICE, county=demo.linyi, scope=Scope.PROVINCE,
                                  province="山西省", by=demo.system)
    assert not Membership.objects.filter(user=user).exists()


def test_it_gives_each_scope_its_counties(demo, tongcheng):
    hubei = official(demo, "hb_office", province="湖北省")
    yuncheng = official(demo, "yc_office", scope=Scope.CITY, province="山西省", city="运城市")
    shanxi = official(demo, "sx_office", province="山西省")
    nation = official(demo, "mofcom", role=Role.LEADER, scope=Scope.NATIONAL)
    shanxi_ids = set(County.objects.filter(province="山西省").values_list("pk", flat=True))
    assert county_scope(shanxi) == (False, shanxi_ids)
    assert county_scope(yuncheng) == (False, {demo.linyi.pk})
    assert county_scope(hubei) == (False, {tongcheng.county_id})
    assert county_scope(nation) == (True, set())
    assert set(visible_etowns(hubei)) == {tongcheng}
    assert set(visible_etowns(yuncheng)) == set(ETown.objects.filter(county=demo.linyi))
    assert demo.anze_etown not in visible_etowns(yuncheng)  # 临汾市 is another city
    assert tongcheng not in visible_etowns(shanxi)
    assert set(visible_etowns(nation)) == set(ETown.objects.all())
    # The county office still sees its county alone.
    assert set(visible_etowns(demo.office)) == set(ETown.objects.filter(county=demo.linyi))


def test_it_filters_records_on_their_joined_etown_as_visible_etowns_does(demo, tongcheng, records):
    """``visible_etowns_q`` (the condition on a record's own join, planned without a
    sub-select) keeps exactly the records ``etown__in=visible_etowns(user)`` keeps, for
    every kind of scope, a contractor's assignment and an anonymous visitor."""
    from django.contrib.auth.models import AnonymousUser

    MonthlyReport.objects.create(etown=tongcheng, period=datetime.date(2026, 10, 1), due_date=datetime.date(2026, 11, 5))
    people = [
        official(demo, "hb_office", province="湖北省"),
        official(demo, "yc_office", scope=Scope.CITY, province="山西省", city="运城市"),
        official(demo, "sx_office", province="山西省"),
        official(demo, "mofcom", role=Role.LEADER, scope=Scope.NATIONAL),
        demo.office, demo.contractor, demo.contractor2, demo.agency, AnonymousUser(),
    ]
    for user in people:
        for model in (MonthlyReport, DisbursementRequest):
            joined = set(model.objects.filter(visible_etowns_q(user, "etown")).values_list("pk", flat=True))
            nested = set(model.objects.filter(etown__in=visible_etowns(user)).values_list("pk", flat=True))
            assert joined == nested, (user, model)
        assert set(ETown.objects.filter(visible_etowns_q(user))) == set(visible_etowns(user))
    assert set(MonthlyReport.objects.filter(visible_etowns_q(people[0], "etown")).values_list("etown", flat=True)) == {tongcheng.pk}


def test_it_lists_records_without_a_sub_select_of_etowns_for_office_scopes(demo, records):
    """The lists filter on the e-town they join anyway: a sub-select cost PostgreSQL 7 ms
    of planning the review queue's page, and over the whole country an IN (SELECT id FROM
    every e-town) made the ledger's count 6 ms instead of 2 (issue 16)."""
    from acceptance.selectors.applications import applications_for
    from acceptance.selectors.evaluations import evaluations_for
    from funds.selectors.changes import visible_changes
    from funds.selectors.requests import visible_requests
    from supervision.selectors.rectification import ledger
    from supervision.selectors.reports import reports_for
    from supervision.views.letters import _visible_letters

    shanxi = official(demo, "sx_office", province="山西省")
    nation = official(demo, "mofcom", role=Role.LEADER, scope=Scope.NATIONAL)
    for user in (demo.office, shanxi, nation):
        with_records = (
            reports_for(user, today=TODAY), visible_requests(user), ledger(user, today=TODAY),
            _visible_letters(user), evaluations_for(user),
        )
        for qs in (*with_records, visible_changes(user), applications_for(user, today=TODAY)):
            sql = str(qs.query)
            assert 'FROM "etown_etown" U0' not in sql and 'IN (SELECT "etown_etown"' not in sql, sql
        for qs in with_records:
            assert qs.exists(), qs.query  # and each still finds 临猗县's records


def test_it_keeps_city_province_and_national_staff_read_only(demo):
    """Registering, approving, inspecting stay with the county (a role check for a
    particular role reaches county memberships alone)."""
    shanxi = official(demo, "sx_office", province="山西省")
    nation = official(demo, "mofcom", scope=Scope.NATIONAL)
    for user in (shanxi, nation):
        assert in_scope(user, demo.linyi.pk)  # reads
        assert not can_edit_etown(user, demo.etown)
        assert not in_scope(user, demo.linyi.pk, {Role.OFFICE})
    assert can_edit_etown(demo.office, demo.etown)


def test_it_lets_the_province_record_the_evaluation_it_organises_and_not_the_nation(demo, client_for):
    """002 第十八条：省商务厅组织的专业人员或聘请第三方开展评价 — the province records it."""
    from acceptance.permissions import can_record_evaluation

    shanxi = official(demo, "sx_office", province="山西省")
    hubei = official(demo, "hb_office", province="湖北省")
    nation = official(demo, "mofcom", scope=Scope.NATIONAL)
    assert can_record_evaluation(shanxi, demo.etown)
    assert not can_record_evaluation(hubei, demo.etown)
    assert not can_record_evaluation(nation, demo.etown)
    evaluation = evaluation_services.evaluation_create(
        etown=demo.etown, by=shanxi, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result="basic", today=TODAY,
    )
    assert evaluation.pk
    url = reverse("acceptance:evaluation_create", args=[demo.etown.pk])
    assert client_for(nation).get(url).status_code == 403
    assert client_for(hubei).get(url).status_code == 404


LIST_PAGES = [
    "etown_list", "county_dashboard", "dashboard", "report_queue", "inspection_due_list",
    "rectification_list", "letter_list", "funds:request_list", "funds:home",
    "acceptance:evaluation_list", "acceptance:application_list", "notice_list", "submission_list",
]


def test_it_shows_a_province_official_none_of_another_provinces_records(demo, tongcheng, records, client_for):
    hubei_user = official(demo, "hb_office", role=Role.LEADER, province="湖北省")
    shanxi_user = official(demo, "sx_office", role=Role.LEADER, province="山西省")
    hubei, shanxi = client_for(hubei_user), client_for(shanxi_user)
    for name in LIST_PAGES:
        page = hubei.get(reverse(name))
        assert page.status_code == 200, name
        content = page.content.decode()
        assert "临猗新城涑水e镇" not in content and "临猗县电子商务进农村综合示范项目" not in content, name
    assert "通城县麦市镇乡村e镇" in hubei.get(reverse("etown_list")).content.decode()
    seen = shanxi.get(reverse("etown_list")).content.decode()
    assert "临猗新城涑水e镇" in seen and "通城县" not in seen
    details = [
        reverse("etown_detail", args=[demo.etown.pk]),
        reverse("report_detail", args=[records["report"].pk]),
        reverse("rectification_detail", args=[records["item"].pk]),
        reverse("letter_detail", args=[records["letter"].pk]),
        reverse("funds:request_detail", args=[records["request"].pk]),
        reverse("acceptance:evaluation_detail", args=[records["evaluation"].pk]),
    ]
    for url in details:
        assert hubei.get(url).status_code == 404, url
        assert shanxi.get(url).status_code == 200, url
    # The monthly data workbook (now built by a background job) holds the user's scope only.
    assert "临猗新城涑水e镇" not in _workbook_cells(hubei_user, datetime.date(2026, 10, 1))
    assert "临猗新城涑水e镇" in _workbook_cells(shanxi_user, datetime.date(2026, 10, 1))


def _workbook_cells(user, month):
    import io

    from openpyxl import load_workbook

    from supervision.exports.reports import write_monthly_workbook

    out = io.BytesIO()
    write_monthly_workbook(out, user=user, month=month, today=TODAY)
    out.seek(0)
    book = load_workbook(out, read_only=True)
    return {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}


def test_it_shows_a_city_official_only_their_citys_counties(demo, client_for):
    yuncheng = client_for(official(demo, "yc_leader", role=Role.LEADER, scope=Scope.CITY, province="山西省",
                                   city="运城市"))
    page = yuncheng.get(reverse("etown_list")).content.decode()
    assert "临猗新城涑水e镇" in page and "安泽县连翘产业乡村e镇" not in page
    assert yuncheng.get(reverse("etown_detail", args=[demo.anze_etown.pk])).status_code == 404


def test_it_lets_national_staff_read_all_and_write_nothing(demo, tongcheng, client_for):
    nation = official(demo, "mofcom", role=Role.OFFICE, scope=Scope.NATIONAL)
    client = client_for(nation)
    page = client.get(reverse("etown_list")).content.decode()
    assert "临猗新城涑水e镇" in page and "通城县麦市镇乡村e镇" in page
    assert client.get(reverse("etown_detail", args=[tongcheng.pk])).status_code == 200
    assert client.get(reverse("etown_edit", args=[demo.etown.pk])).status_code == 403
    assert client.get(reverse("etown_create")).status_code in (403, 404)
    assert client.get(reverse("inspection_create", args=[demo.etown.pk])).status_code == 403
    assert client.get(reverse("letter_create", args=[demo.etown.pk])).status_code == 403
    assert client.get(reverse("funds:policy", args=[demo.linyi.pk])).status_code == 403


def test_it_has_national_staff_choose_a_province_before_a_county(demo, tongcheng, client_for, django_assert_num_queries):
    """Over the whole country the e-town list filters by 省份 first; the 区县 list holds the
    chosen province's counties only (issue 16: every county of the country was a third of
    the national page's time and no use as one list)."""
    import re

    client = client_for(official(demo, "mofcom", role=Role.LEADER, scope=Scope.NATIONAL))

    def options(html, name):
        select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S)
        return None if select is None else re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))[1:]

    html = client.get(reverse("etown_list")).content.decode()
    assert options(html, "province") == ["山西省", "湖北省"]
    assert options(html, "county") == [] and "请先选择省份" in html and re.search(r'<select[^>]* name="county" disabled', html)
    assert "临猗新城涑水e镇" in html and "通城县麦市镇乡村e镇" in html

    html = client.get(reverse("etown_list"), {"province": "湖北省"}).content.decode()
    assert options(html, "county") == ["通城县"]
    assert "通城县麦市镇乡村e镇" in html and "临猗新城涑水e镇" not in html
    html = client.get(reverse("etown_list"), {"province": "山西省"}).content.decode()
    assert set(options(html, "county")) == set(County.objects.filter(province="山西省").values_list("name", flat=True))
    assert "通城县麦市镇乡村e镇" not in html and "临猗新城涑水e镇" in html
    assert 'selected>山西省' in html.replace('"', "").replace("value=山西省 ", "")

    # A county of another province under a chosen province: the two filters both hold.
    html = client.get(reverse("etown_list"), {"province": "湖北省", "county": demo.linyi.pk}).content.decode()
    assert "暂无可查看的项目" in html
    # More counties of a province add options, not queries: 1 session, 2 user, 3 memberships,
    # 4 paginator count, 5 provinces, 6 the province's counties, 7 unread notifications,
    # 8 the page (national staff office no county: Django skips the create button's query).
    client.get(reverse("etown_list"), {"province": "山西省"})
    with django_assert_num_queries(8):
        client.get(reverse("etown_list"), {"province": "山西省"})
    services.county_create(by=demo.system, name="吉县", province="山西省", city="临汾市", office_name="吉县乡村e镇办公室")
    with django_assert_num_queries(8):
        client.get(reverse("etown_list"), {"province": "山西省"})


def test_it_offers_county_and_province_staff_their_own_counties_without_a_province_filter(demo, tongcheng, client_for):
    shanxi = client_for(official(demo, "sx_office", province="山西省"))
    html = shanxi.get(reverse("etown_list")).content.decode()
    assert 'name="province"' not in html and "通城县" not in html
    assert html.count("<option") - html.count('<option value="">') >= County.objects.filter(province="山西省").count()
    office = client_for(demo.office).get(reverse("etown_list"), {"county": demo.linyi.pk}).content.decode()
    assert 'name="province"' not in office and f'<option value="{demo.linyi.pk}" selected>临猗县</option>' in office


def test_it_tells_city_and_province_staff_of_their_counties_only(demo, tongcheng):
    from etown.recipients import office_users

    yuncheng = official(demo, "yc_office", scope=Scope.CITY, province="山西省", city="运城市")
    hubei = official(demo, "hb_office", province="湖北省")
    nation = official(demo, "mofcom", scope=Scope.NATIONAL)
    told = office_users(demo.linyi.pk)
    assert yuncheng in told and hubei not in told and nation not in told
    assert yuncheng not in office_users(demo.anze_etown.county_id)
    assert hubei in office_users(tongcheng.county_id)
    assert Organization.objects.exists()
