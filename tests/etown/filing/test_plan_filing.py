"""The plan filing (issue 12): 004 附件2 第四条：乡村e镇工作实施方案及项目资金管理办法，经公示 5 个
工作日后，报运城市商务局，并经山西省商务厅备案后组织实施. Until filed, the e-town page shows
the missing step and the county dashboard lists the e-towns already being implemented
(a real county failed its mid-term evaluation on exactly this, 问题一)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etown.models import ETown, Notice, PlanFiling
from etown.services import etown_update
from etown.services.filing import plan_filing_record, plan_notice_publish

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)  # Monday: the 5 working days end Friday 27 November
AFTER = datetime.date(2026, 12, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="备案回执.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def file_it(demo, **changes):
    kwargs = dict(etown=demo.etown, by=demo.office, filed_on=AFTER, filed_to="运城市商务局、山西省商务厅",
                  document_number="晋商建备〔2026〕12号", upload=pdf(), today=AFTER)
    kwargs.update(changes)
    return plan_filing_record(**kwargs)


def test_it_notices_the_plan_for_five_working_days_then_records_the_filing(demo):
    filing = plan_notice_publish(etown=demo.etown, by=demo.office, start_date=TODAY, today=TODAY)
    notice = filing.notice
    assert notice.kind == Notice.Kind.PLAN and notice.workdays == 5 and notice.end_date == datetime.date(2026, 11, 27)
    with pytest.raises(ValidationError, match="期满后方可报市、省备案"):
        file_it(demo, filed_on=datetime.date(2026, 11, 27), today=datetime.date(2026, 11, 27))
    file_it(demo)
    filing.refresh_from_db()
    assert filing.is_filed and filing.document_number == "晋商建备〔2026〕12号" and filing.file is not None
    assert filing.history.first().history_change_reason.startswith("实施方案及资金管理办法备案")


def test_it_refuses_a_filing_without_the_notice(demo):
    with pytest.raises(ValidationError, match="请先发布实施方案及资金管理办法公示"):
        file_it(demo)
    assert not PlanFiling.objects.filter(filed_on__isnull=False).exists()


@pytest.mark.parametrize("changes, field", [
    ({"document_number": " "}, "document_number"),
    ({"filed_to": ""}, "filed_to"),
    ({"upload": None}, "upload"),
    ({"filed_on": datetime.date(2026, 11, 27)}, "filed_on"),  # within the notice
    ({"filed_on": AFTER + datetime.timedelta(days=1)}, "filed_on"),  # in the future
])
def test_it_refuses_bad_filing_input_and_changes_nothing(demo, changes, field):
    plan_notice_publish(etown=demo.etown, by=demo.office, start_date=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as error:
        file_it(demo, **changes)
    assert field in error.value.message_dict
    assert not PlanFiling.objects.get(etown=demo.etown).is_filed


def test_it_refuses_other_roles(demo):
    for user in (demo.contractor, demo.leader, demo.finance):
        with pytest.raises(PermissionDenied):
            plan_notice_publish(etown=demo.etown, by=user, start_date=TODAY, today=TODAY)
    assert not PlanFiling.objects.exists()


def test_it_shows_the_missing_step_on_the_etown_page_until_filed(demo, client_for):
    page = client_for(demo.office).get(demo.etown.get_absolute_url()).content.decode()
    assert "实施方案及资金管理办法尚未公示" in page and reverse("plan_notice", args=[demo.etown.pk]) in page
    contractor_page = client_for(demo.contractor).get(demo.etown.get_absolute_url()).content.decode()
    assert "尚未公示" in contractor_page and reverse("plan_notice", args=[demo.etown.pk]) not in contractor_page
    response = client_for(demo.office).post(reverse("plan_notice", args=[demo.etown.pk]),
                                            {"start_date": datetime.date.today().isoformat()})
    assert response.status_code == 302
    page = client_for(demo.office).get(demo.etown.get_absolute_url()).content.decode()
    assert "期满后报市、省备案" in page and "未备案" in page


def test_it_refuses_the_pages_to_the_wrong_role_and_county(demo, client_for, anze_office):
    url = reverse("plan_notice", args=[demo.etown.pk])
    assert client_for(demo.contractor).post(url, {"start_date": "2026-12-01"}).status_code == 403
    assert client_for(anze_office).get(url).status_code == 404
    assert client_for(demo.contractor2).get(reverse("plan_filing", args=[demo.etown.pk])).status_code == 404
    assert not PlanFiling.objects.exists()


def test_it_lists_etowns_in_implementation_without_filing_on_the_county_dashboard(demo, client_for, anze_office):
    etown_update(etown=demo.etown, by=demo.office, reason="进入实施", phase=ETown.Phase.IMPLEMENTATION)
    page = client_for(demo.office).get(reverse("county_dashboard")).content.decode()
    assert "未报市、省备案的项目" in page and demo.etown.name in page.split('data-testid="unfiled-plans"')[1].split("</div>")[0]
    # Another county's office does not see it.
    anze = client_for(anze_office).get(reverse("county_dashboard")).content.decode()
    assert 'data-testid="unfiled-plans"' not in anze or demo.etown.name not in anze

    plan_notice_publish(etown=demo.etown, by=demo.office, start_date=TODAY, today=TODAY)
    file_it(demo)
    page = client_for(demo.office).get(reverse("county_dashboard")).content.decode()
    listed = page.split('data-testid="unfiled-plans"')[1].split("</div>")[0] if 'data-testid="unfiled-plans"' in page else ""
    assert demo.etown.name not in listed
