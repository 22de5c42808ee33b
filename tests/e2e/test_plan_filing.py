"""Browser test of the plan filing (issue 12; 004 附件2 第四条): the office publishes the
notice of the implementation plan and fund rules from the e-town page, and after its 5
working days records the filing with city and province; until then the page shows the
missing step and the county dashboard lists the e-town."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import login

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_it_notices_and_files_the_plan_from_the_etown_page(page, e2e_demo, tmp_path, monkeypatch):
    from etown.models import ETown, PlanFiling
    from etown.services import etown_update

    etown = ETown.objects.get(name="临猗新城涑水e镇")
    office = etown.county.memberships.get(user__username="office").user
    if etown.phase != ETown.Phase.IMPLEMENTATION:
        etown_update(etown=etown, by=office, reason="进入实施", phase=ETown.Phase.IMPLEMENTATION)

    login(page, "office")
    # The county dashboard lists the e-town: implemented, its plan not filed.
    page.goto(page.base_url + reverse("county_dashboard"))
    expect(page.get_by_test_id("unfiled-plans")).to_contain_text(etown.name)
    expect(page.get_by_test_id("unfiled-plans")).to_contain_text("未备案：实施方案、资金管理办法")
    page.get_by_test_id("unfiled-plans").get_by_role("link", name=etown.name).click()
    expect(page.get_by_test_id("plan-missing")).to_contain_text("实施方案尚未公示")
    expect(page.get_by_test_id("plan-missing")).to_contain_text("资金管理办法尚未公示")
    page.get_by_test_id("plan-notice-plan").click()
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("plan-missing-plan")).to_contain_text("期满后报市、省备案")
    expect(page.get_by_test_id("plan-file-plan")).to_have_count(0)

    notice = PlanFiling.objects.select_related("notice").get(etown=etown, kind="plan").notice
    after = notice.end_date + datetime.timedelta(days=1)
    real_localdate = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: after if value is None else real_localdate(value, tz))
    page.reload()
    page.get_by_test_id("plan-file-plan").click()
    page.fill("#id_document_number", "晋商建备〔2026〕12号")
    path = tmp_path / "备案回执.pdf"
    path.write_bytes(PDF)
    page.set_input_files("#id_upload", str(path))
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("plan-filed-plan")).to_contain_text("晋商建备〔2026〕12号")
    # Issue 12: the fund rules are a filing of their own, still missing.
    expect(page.get_by_test_id("plan-missing-plan")).to_have_count(0)
    expect(page.get_by_test_id("plan-missing")).to_contain_text("资金管理办法尚未公示")
    page.screenshot(path="/tmp/plan_filing.png", full_page=True)
