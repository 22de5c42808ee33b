"""Per-contract scoping of monthly reports (issue 11). 004 附件2 第十一条 allows two
contractors on one e-town. A report belongs to the contractor company of the person who
filed it (``created_by``'s contractor membership): a report filed by another contractor
of the e-town is hidden from (404, absent from lists) and refused to the other
contractor's staff; the office sees and reviews all."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from etown import services as etown_services
from etown.models import Organization
from supervision.services import reports as services

from .support import OCTOBER, TODAY, filled_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_contract(demo):
    org = Organization.objects.get(name="临猗县供销电商服务有限公司")
    return etown_services.contract_create(
        etown=demo.etown, by=demo.office, contractor=org, number="LY-EZ-2026-02", title="农村物流站点建设合同",
        amount=Decimal("2000000"), signed_on=datetime.date(2026, 7, 1),
    )


def test_it_hides_another_contractors_report(demo, second_contract, client_for):
    report = filled_report(demo.etown, demo.contractor, OCTOBER)
    other = client_for(demo.contractor2)
    for url in (f"/supervision/reports/{report.pk}/", f"/supervision/reports/{report.pk}/edit/",
                f"/supervision/reports/{report.pk}/pdf/"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/supervision/reports/{report.pk}/submit/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.monthly_report_submit(report=report, by=demo.contractor2, today=TODAY)
    report.refresh_from_db()
    assert report.status == "draft"
    mine = other.get("/supervision/reports/mine/").content.decode()
    assert f"/supervision/reports/{report.pk}/" not in mine
    assert client_for(demo.contractor).get(f"/supervision/reports/{report.pk}/").status_code == 200
    assert client_for(demo.office).get(f"/supervision/reports/{report.pk}/").status_code == 200
    # The shared e-town page stays visible to both.
    assert other.get(f"/etowns/{demo.etown.pk}/").status_code == 200
