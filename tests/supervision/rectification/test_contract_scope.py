"""Per-contract scoping of rectification items (issue 11). 004 附件2 第十一条 allows two
contractors on one e-town. An item belongs to the contractor named among its responsible
units (``units``): an item whose units name another contractor of the e-town and none of
the user's own company is that contractor's — hidden from (404) and refused to the other
contractor's staff. Items naming no contractor (departments, generic units) stay visible
to both; the office sees all."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from supervision.services.rectification import rectification_create, rectification_start

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def item(demo, units, problem):
    return rectification_create(etown=demo.etown, source="inspection", problem=problem, measures="整改",
                                units=units, persons=[], deadline=TODAY + datetime.timedelta(days=10), by=demo.office)


def test_it_keeps_each_contractors_items_to_its_own_contract(demo, second_contract, client_for):
    first = item(demo, [demo.contract.contractor.name], "配送中心改造滞后")
    second = item(demo, [second_contract.contractor.name, "县商务局"], "物流站点未建成")
    shared = item(demo, ["县商务局"], "实施方案未备案")
    other = client_for(demo.contractor2)
    assert other.get(f"/supervision/rectifications/{first.pk}/").status_code == 404
    assert other.post(f"/supervision/rectifications/{first.pk}/start/").status_code == 404
    assert other.get(f"/supervision/rectifications/{second.pk}/").status_code == 200
    assert other.get(f"/supervision/rectifications/{shared.pk}/").status_code == 200
    listing = other.get(f"/supervision/etowns/{demo.etown.pk}/rectifications/").content.decode()
    assert "物流站点未建成" in listing and "实施方案未备案" in listing and "配送中心改造滞后" not in listing
    with pytest.raises(PermissionDenied):
        rectification_start(item=first, by=demo.contractor2)
    first.refresh_from_db()
    assert first.status == "open"
    # The first contractor sees its own and not the second's; the office sees all.
    mine = client_for(demo.contractor)
    assert mine.get(f"/supervision/rectifications/{second.pk}/").status_code == 404
    assert mine.get(f"/supervision/rectifications/{first.pk}/").status_code == 200
    office = client_for(demo.office).get(f"/supervision/etowns/{demo.etown.pk}/rectifications/").content.decode()
    assert "物流站点未建成" in office and "配送中心改造滞后" in office
    rectification_start(item=second, by=demo.contractor2)
