"""Rectification items are linked to the organisations their responsible units name
(issue 11): by full name or a registered short name (``Organization.aliases``), so an item
naming a contractor by its short name is that contractor's alone — the e-town's other
contractor (004 附件2 第十一条 allows two) gets 404, and the services refuse it. An Excel list
whose units cannot be resolved is refused whole, naming them; a form that names an unknown
unit saves the item as the e-town's and tells the office."""
import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from etown import services as etown_services
from supervision.models import Rectification
from supervision.services.rectification import rectification_create, rectification_start, rectifications_import

from .test_import import upload, workbook_bytes

pytestmark = pytest.mark.django_db
D = datetime.date
DEADLINE = D(2026, 12, 31)


def short_name(demo, alias="涑水电商"):
    org = demo.contract.contractor
    etown_services.organization_update(organization=org, by=demo.office, reason="登记简称", aliases=alias)
    return org


def item(demo, units, problem="配送中心改造滞后"):
    return rectification_create(etown=demo.etown, source="inspection", problem=problem, measures="整改",
                                units=units, persons=[], deadline=DEADLINE, by=demo.office)


def test_it_links_a_contractor_named_by_its_short_name_and_hides_it_from_the_other(demo, second_contract, client_for):
    org = short_name(demo)
    first = item(demo, ["涑水电商、县商务局"])
    assert list(first.organizations.all()) == [org]
    other = client_for(demo.contractor2)
    assert other.get(f"/supervision/rectifications/{first.pk}/").status_code == 404
    assert "配送中心改造滞后" not in other.get(f"/supervision/etowns/{demo.etown.pk}/rectifications/").content.decode()
    with pytest.raises(PermissionDenied):
        rectification_start(item=first, by=demo.contractor2)
    assert client_for(demo.contractor).get(f"/supervision/rectifications/{first.pk}/").status_code == 200
    rectification_start(item=first, by=demo.contractor)


def test_it_refuses_an_import_naming_unknown_units_and_imports_nothing(demo, second_contract):
    rows = [
        [1, "物流站点未建成", "建设", "涑水电商", "陈涛", "2026年12月31日"],
        [2, "台账不全", "补齐", "承办企业、县商务局", "王立新", "2026年12月31日"],
        [3, "方案未备案", "备案", "县商务局", "王立新", "2026年12月31日"],
    ]
    with pytest.raises(ValidationError) as error:
        rectifications_import(etown=demo.etown, fileobj=upload(workbook_bytes(rows)), source="audit", by=demo.office)
    message = " ".join(error.value.messages)
    assert "“涑水电商”（第 2 行）" in message and "“承办企业”（第 3 行）" in message
    assert "县商务局" not in message.split("。")[0]
    assert not Rectification.objects.exists()
    # With the short name registered and the generic name replaced, the list goes in.
    short_name(demo)
    rows[1][3] = "临猗县供销电商服务有限公司、县商务局"
    items = rectifications_import(etown=demo.etown, fileobj=upload(workbook_bytes(rows)), source="audit",
                                  by=demo.office)
    owners = {i.ref: [o.name for o in i.organizations.all()] for i in items}
    assert owners == {"1": [demo.contract.contractor.name], "2": ["临猗县供销电商服务有限公司"], "3": []}


def test_it_reads_a_generic_contractor_as_the_only_contractor(demo):
    rows = [[1, "台账不全", "补齐", "承办企业", "王立新", "2026年12月31日"]]
    [imported] = rectifications_import(etown=demo.etown, fileobj=upload(workbook_bytes(rows)), source="audit",
                                       by=demo.office)
    assert list(imported.organizations.all()) == [demo.contract.contractor]


def test_it_keeps_an_unknown_unit_from_the_form_as_the_etowns_and_tells_the_office(demo, second_contract, client_for):
    office = client_for(demo.office)
    response = office.post(f"/supervision/etowns/{demo.etown.pk}/rectifications/new/", {
        "source": "inspection", "problem": "站点标识不统一", "measures": "统一标识", "units": "某某网络公司",
        "persons": "", "deadline": "2026-12-31",
    }, follow=True)
    assert response.status_code == 200
    assert "“某某网络公司”未对应到已登记的单位" in response.content.decode()
    created = Rectification.objects.get(problem="站点标识不统一")
    assert not created.organizations.exists()
    for user in (demo.contractor, demo.contractor2):
        assert client_for(user).get(f"/supervision/rectifications/{created.pk}/").status_code == 200


def test_it_relinks_the_organisations_when_the_units_change(demo, second_contract):
    from supervision.services.rectification import rectification_update

    first = item(demo, ["县商务局"])
    assert not first.organizations.exists()
    rectification_update(item=first, by=demo.office, reason="明确责任企业", units=["临猗县供销电商服务有限公司"])
    assert [o.name for o in first.organizations.all()] == ["临猗县供销电商服务有限公司"]


def test_it_backfills_the_links_of_existing_items_by_full_name(demo, second_contract):
    first = item(demo, [demo.contract.contractor.name])
    generic = item(demo, ["承办企业"], problem="两家承办企业时含糊")
    shared = item(demo, ["县商务局"], problem="方案未备案")
    for i in (first, generic, shared):
        i.organizations.clear()
    migration = importlib.import_module("supervision.migrations.0006_issue11_rectification_organizations")
    migration.backfill_organizations(apps, None)
    assert list(first.organizations.all()) == [demo.contract.contractor]
    assert not generic.organizations.exists()  # two live contractors: ambiguous, left to both
    assert not shared.organizations.exists()


def test_it_tells_and_reminds_only_the_contractor_an_item_names(demo, second_contract):
    from etown.models import Notification
    from etown.workdays import WorkCalendar
    from supervision.services.reminders import sweep_rectification_deadlines

    theirs = rectification_create(etown=demo.etown, source="inspection", problem="物流站点未建成", measures="",
                                  units=["临猗县供销电商服务有限公司"], persons=[], deadline=D(2026, 11, 2),
                                  by=demo.office)
    sweep_rectification_deadlines(D(2026, 11, 10), WorkCalendar())
    told = set(Notification.objects.filter(title__contains="物流站点未建成").values_list("user_id", flat=True))
    assert demo.contractor2.pk in told and demo.contractor.pk not in told
    assert theirs.organizations.get().name == "临猗县供销电商服务有限公司"
