"""The conclusion chain over HTTP (issue 12): each step's button only for the role whose
step it is, refusals (wrong role → 403, another county → 404, bad input → a Chinese
message and nothing changed)."""
import datetime

import pytest
from django.urls import reverse

from acceptance.models import ResultObjection, ResultStage
from acceptance.services import conclusions

from ..conftest import TODAY, count, pass_review, pdf

pytestmark = pytest.mark.django_db


def url(name, application, *args):
    return reverse(f"acceptance:{name}", args=[application.pk, *args])


def test_it_shows_each_step_to_its_role_only(demo, application, client_for):
    pass_review(demo, application)
    leader_page = client_for(demo.leader).get(application.get_absolute_url()).content.decode()
    office_page = client_for(demo.office).get(application.get_absolute_url()).content.decode()
    contractor_page = client_for(demo.contractor).get(application.get_absolute_url()).content.decode()
    assert 'data-testid="leader-approve"' in leader_page and "待领导小组审批" in leader_page
    assert 'data-testid="leader-approve"' not in office_page and 'data-testid="upload-audit"' in office_page
    assert 'data-testid="leader-approve"' not in contractor_page and 'data-testid="upload-audit"' not in contractor_page
    assert "待领导小组审批" in contractor_page  # everyone who may read it sees where it stands


def test_it_walks_the_chain_through_the_pages(demo, application, client_for):
    pass_review(demo, application)
    office, leader = client_for(demo.office), client_for(demo.leader)
    assert office.post(url("audit_report", application),
                       {"audit-file": pdf("审计报告.pdf"), "audit-issuer": "山西正信会计师事务所"}).status_code == 302
    for item in application.reviews.get().checklist.filter(judgement="exception"):  # each exception first (issue 11)
        assert leader.post(url("conclusion_exception", application, item.pk),
                           {f"exc-{item.pk}-decision": "approve", f"exc-{item.pk}-note": "同意"}).status_code == 302
    assert leader.post(url("conclusion_leader", application), {"leader-note": "同意"}).status_code == 302
    today = datetime.date.today()
    response = office.post(url("conclusion_government", application),
                           {"gov-reviewed_on": today.isoformat(), "gov-document_number": "临政审〔2026〕23号",
                            "gov-notice_start": today.isoformat()}, follow=True)
    assert "验收结果公示至" in response.content.decode()
    application.refresh_from_db()
    assert application.result_stage == ResultStage.NOTICE and application.government_document == "临政审〔2026〕23号"
    # Too early to confirm: a Chinese message, nothing changed.
    response = office.post(url("conclusion_confirm", application), follow=True)
    assert "期满后方可确认验收结论生效" in response.content.decode()
    application.refresh_from_db()
    assert application.result_stage == ResultStage.NOTICE
    # An objection recorded by the office, then resolved.
    assert office.post(url("conclusion_objection", application), {"objection-text": "电话反映：物流中心未运营"}).status_code == 302
    objection = ResultObjection.objects.get()
    assert "未处理" in office.get(application.get_absolute_url()).content.decode()
    assert office.post(url("objection_resolve", application, objection.pk),
                       {f"resolve-{objection.pk}-founded": "no",
                        f"resolve-{objection.pk}-resolution": "经核实已运营"}).status_code == 302
    objection.refresh_from_db()
    assert objection.is_resolved and objection.founded is False


def test_it_refuses_the_wrong_role_and_another_county(demo, application, client_for, anze_office):
    pass_review(demo, application)
    assert client_for(demo.office).post(url("conclusion_leader", application), {}).status_code == 403
    assert client_for(demo.contractor).post(url("conclusion_leader", application), {}).status_code == 403
    assert client_for(demo.leader).post(url("conclusion_government", application), {}).status_code == 403
    assert client_for(demo.contractor).post(url("conclusion_confirm", application)).status_code == 403
    assert client_for(demo.contractor2).post(url("conclusion_confirm", application)).status_code == 404
    assert client_for(anze_office).post(url("conclusion_government", application), {}).status_code == 404
    assert client_for(demo.leader).get(url("audit_report", application)).status_code == 403
    application.refresh_from_db()
    assert application.result_stage == ResultStage.LEADER


def test_it_shows_bad_government_input_in_chinese_and_changes_nothing(demo, application, client_for):
    pass_review(demo, application)
    count(demo, application, until="leader")
    response = client_for(demo.office).post(url("conclusion_government", application),
                                            {"gov-reviewed_on": TODAY.isoformat(), "gov-document_number": ""},
                                            follow=True)
    assert "请填写县政府审核文号" in response.content.decode()
    application.refresh_from_db()
    assert application.result_stage == ResultStage.GOVERNMENT and application.result_notice is None


def test_it_confirms_from_the_page_once_the_notice_has_ended(demo, application, client_for, monkeypatch):
    from django.utils import timezone

    pass_review(demo, application)
    count(demo, application, until="government")
    application.refresh_from_db()
    after = application.result_notice.end_date + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: after)
    page = client_for(demo.office).get(application.get_absolute_url()).content.decode()
    assert 'data-testid="confirm-result"' in page
    assert client_for(demo.office).post(url("conclusion_confirm", application)).status_code == 302
    demo.contract.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on == after
    assert conclusions.unresolved_objections(application).count() == 0
