"""我的导出 (issue 13): an export is a background job the user follows on its own page,
reached from the user menu, with its state and its download."""
import pytest

from .conftest import login

pytestmark = pytest.mark.e2e


def test_it_shows_an_export_with_its_state_and_download_on_my_exports(page, e2e_demo):
    from etown.models import ETown, Job
    from etown.models.jobs import FUNDS_EXPORT
    from etown.services.jobs import job_enqueue

    login(page, "office")
    from django.contrib.auth import get_user_model

    office = get_user_model().objects.get(username="office")
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    job_enqueue(kind=FUNDS_EXPORT, by=office, args=[etown.pk, "ledger", office.pk], county=etown.county, etown=etown,
                title=f"{etown.name}专项资金使用台账")
    assert Job.objects.get().state == "done"  # embedded mode: the worker's work ran after the commit
    page.goto(page.base_url + "/")
    link = page.get_by_test_id("job-list-link")  # in the user menu
    assert link.get_attribute("href") == "/jobs/"
    page.goto(page.base_url + link.get_attribute("href"))
    row = page.get_by_test_id("job-row").first
    assert "专项资金使用台账" in row.inner_text() and "已完成" in row.inner_text()
    assert row.get_by_test_id("job-download").is_visible()
    page.screenshot(path="/tmp/e2e_jobs.png", full_page=True)
