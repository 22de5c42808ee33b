"""The plan filings (issue 12): 004 附件2 第四条：乡村e镇工作实施方案及项目资金管理办法，经公示 5 个
工作日后，报运城市商务局，并经山西省商务厅备案后组织实施. The clause names two documents, so
there are two filings (实施方案, 资金管理办法), each with its own notice and filing. Until
both are filed, the e-town page shows what is missing for each and the county dashboard
lists the e-towns already being implemented (a real county failed its mid-term evaluation
on exactly this, 问题一)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etown.models import ETown, Notice, PlanFiling

K = PlanFiling.Kind
from etown.services import etown_update
from etown.services.filing import plan_filing_record, plan_notice_publish

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)  # Monday: the 5 working days end Friday 27 November
AFTER = datetime.date(2026, 12, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="备案回执.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def file_it(demo, kind=K.PLAN, **changes):
    kwargs = dict(etown=demo.etown, kind=kind, by=demo.office, filed_on=AFTER, filed_to="运城市商务局、山西省商务厅",
                  document_number="晋商建备〔2026〕12号", upload=pdf(), today=AFTER)
    kwargs.update(changes)
    return plan_filing_record(**kwargs)


def test_it_notices_the_plan_for_five_working_days_then_records_the_filing(demo):
    filing = plan_notice_publish(etown=demo.etown, kind=K.PLAN, by=demo.office, start_date=TODAY, today=TODAY)
    notice = filing.notice
    assert notice.kind == Notice.Kind.PLAN and notice.workdays == 5 and notice.end_date == datetime.date(2026, 11, 27)
    with pytest.raises(ValidationError, match="期满后方可报市、省备案"):
        file_it(demo, filed_on=datetime.date(2026, 11, 27), today=datetime.date(2026, 11, 27))
    file_it(demo)
    filing.refresh_from_db()
    assert filing.is_filed and filing.document_number == "晋商建备〔2026〕12号" and filing.file is not None
    assert filing.history.first().history_change_reason.startswith("实施方案备案")


def test_it_refuses_a_filing_without_the_notice(demo):
    with pytest.raises(ValidationError, match="请先发布实施方案公示"):
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
    plan_notice_publish(etown=demo.etown, kind=K.PLAN, by=demo.office, start_date=TODAY, today=TODAY)
    with pytest.raises(ValidationError) as error:
        file_it(demo, **changes)
    assert field in error.value.message_dict
    assert not PlanFiling.objects.get(etown=demo.etown, kind=K.PLAN).is_filed


def test_it_refuses_other_roles(demo):
    for user in (demo.contractor, demo.leader, demo.finance):
        with pytest.raises(PermissionDenied):
            plan_notice_publish(etown=demo.etown, kind=K.PLAN, by=user, start_date=TODAY, today=TODAY)
    assert not PlanFiling.objects.exists()


def test_it_shows_the_missing_step_on_the_etown_page_until_filed(demo, client_for):
    page = client_for(demo.office).get(demo.etown.get_absolute_url()).content.decode()
    assert "实施方案尚未公示" in page and "资金管理办法尚未公示" in page
    assert reverse("plan_notice", args=[demo.etown.pk, K.PLAN]) in page
    assert reverse("plan_notice", args=[demo.etown.pk, K.FUND_RULES]) in page
    contractor_page = client_for(demo.contractor).get(demo.etown.get_absolute_url()).content.decode()
    assert "尚未公示" in contractor_page and reverse("plan_notice", args=[demo.etown.pk, K.PLAN]) not in contractor_page
    response = client_for(demo.office).post(reverse("plan_notice", args=[demo.etown.pk, K.PLAN]),
                                            {"start_date": datetime.date.today().isoformat()})
    assert response.status_code == 302
    page = client_for(demo.office).get(demo.etown.get_absolute_url()).content.decode()
    assert "实施方案公示中" in page and "期满后报市、省备案" in page
    assert "资金管理办法尚未公示" in page  # the other document still shows its own missing step


def test_it_refuses_the_pages_to_the_wrong_role_and_county(demo, client_for, anze_office):
    url = reverse("plan_notice", args=[demo.etown.pk, K.PLAN])
    assert client_for(demo.contractor).post(url, {"start_date": "2026-12-01"}).status_code == 403
    assert client_for(anze_office).get(url).status_code == 404
    assert client_for(demo.contractor2).get(reverse("plan_filing", args=[demo.etown.pk, K.PLAN])).status_code == 404
    assert client_for(demo.office).get(reverse("plan_filing", args=[demo.etown.pk, "budget"])).status_code == 404
    assert not PlanFiling.objects.exists()


def test_it_lists_etowns_in_implementation_without_filing_on_the_county_dashboard(demo, client_for, anze_office):
    etown_update(etown=demo.etown, by=demo.office, reason="进入实施", phase=ETown.Phase.IMPLEMENTATION)
    page = client_for(demo.office).get(reverse("county_dashboard")).content.decode()
    assert "未报市、省备案的项目" in page and demo.etown.name in page.split('data-testid="unfiled-plans"')[1].split("</div>")[0]
    # Another county's office does not see it.
    anze = client_for(anze_office).get(reverse("county_dashboard")).content.decode()
    assert 'data-testid="unfiled-plans"' not in anze or demo.etown.name not in anze

    plan_notice_publish(etown=demo.etown, kind=K.PLAN, by=demo.office, start_date=TODAY, today=TODAY)
    file_it(demo)
    page = client_for(demo.office).get(reverse("county_dashboard")).content.decode()
    listed = page.split('data-testid="unfiled-plans"')[1].split("</div>")[0]
    assert demo.etown.name in listed and "未备案：资金管理办法" in listed  # the plan alone is not enough
    plan_notice_publish(etown=demo.etown, kind=K.FUND_RULES, by=demo.office, start_date=TODAY, today=TODAY)
    file_it(demo, kind=K.FUND_RULES, document_number="晋商建备〔2026〕13号")
    page = client_for(demo.office).get(reverse("county_dashboard")).content.decode()
    listed = page.split('data-testid="unfiled-plans"')[1].split("</div>")[0] if 'data-testid="unfiled-plans"' in page else ""
    assert demo.etown.name not in listed


def test_it_keeps_two_filings_each_with_its_own_notice_and_filing(demo):
    plan = plan_notice_publish(etown=demo.etown, kind=K.PLAN, by=demo.office, start_date=TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="请先发布资金管理办法公示"):
        file_it(demo, kind=K.FUND_RULES)
    rules = plan_notice_publish(etown=demo.etown, kind=K.FUND_RULES, by=demo.office, start_date=TODAY, today=TODAY)
    assert plan.pk != rules.pk and plan.notice_id != rules.notice_id
    assert "资金管理办法" in rules.notice.title and "资金管理办法" not in plan.notice.title
    with pytest.raises(ValidationError, match="资金管理办法已公示"):
        plan_notice_publish(etown=demo.etown, kind=K.FUND_RULES, by=demo.office, start_date=TODAY, today=TODAY)
    file_it(demo, kind=K.FUND_RULES)
    rules.refresh_from_db()
    plan.refresh_from_db()
    assert rules.is_filed and not plan.is_filed
    with pytest.raises(ValidationError) as error:
        plan_notice_publish(etown=demo.etown, kind="budget", by=demo.office, start_date=TODAY, today=TODAY)
    assert "kind" in error.value.message_dict


def test_it_splits_a_filing_that_covered_both_documents(demo):
    """The migration's backfill (0012_issue12_filing_kinds): an old single record becomes
    the plan's, and a copy with the same notice and filing becomes the fund rules'."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("etown.migrations.0012_issue12_filing_kinds")
    plan_notice_publish(etown=demo.etown, kind=K.PLAN, by=demo.office, start_date=TODAY, today=TODAY)
    file_it(demo)
    migration.split_filings(apps, None)
    migration.split_filings(apps, None)  # a second run adds nothing
    plan = PlanFiling.objects.get(etown=demo.etown, kind=K.PLAN)
    rules = PlanFiling.objects.get(etown=demo.etown, kind=K.FUND_RULES)
    assert (rules.notice_id, rules.filed_on, rules.document_number, rules.file_id) == (
        plan.notice_id, plan.filed_on, plan.document_number, plan.file_id)
    assert rules.history.filter(history_change_reason__contains="拆分").count() == 1


def test_it_seeds_one_demo_etown_filed_and_one_missing(demo):
    from etown.demo.public import seed_filings
    from etown.selectors.filing import filings_of

    assert seed_filings(demo.office) is True
    assert seed_filings(demo.office) is False  # idempotent
    assert all(f is not None and f.is_filed for f in filings_of(demo.etown).values())
    assert all(f is None for f in filings_of(demo.other_etown).values())
