"""The conclusion chain of a passed acceptance (issue 12): the review group's opinion →
leading group approval → county government review (date, document number) → result
notice of ≥ 5 statutory working days, objections through the opinion window → only then
does it count (004 附件3 第八条（二）：通过验收意见报县政府审核; 附件2 第十二条3：公示至少 5 个
工作日无异议后方可拨付; 第七条：尾款待终期验收通过后拨付; 第十七条：审计报告、报备)."""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acceptance.models import AcceptanceApplication, ResultObjection, ResultStage
from acceptance.selectors.conclusions import counted_stage_acceptances
from acceptance.services import applications as application_services
from acceptance.services import conclusions
from etown.models import ETown, Notice, Notification
from etown.signals import notice_objected
from etown.workdays import WorkCalendar
from supervision.selectors import rectification as rectification_selectors
from supervision.services import rectification as rectification_services

from ..conftest import NOTICE_OVER, TODAY, apply, approve_exceptions, count, pass_review, pdf, review_kwargs

pytestmark = pytest.mark.django_db


def refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


def test_it_holds_the_retention_and_the_closing_after_a_passed_opinion(demo, application):
    """Recording 通过 no longer releases the retention nor closes the e-town at once."""
    pass_review(demo, application)
    refresh(application, demo.contract, demo.etown)
    assert application.status == AcceptanceApplication.Status.PASSED
    assert application.result_stage == ResultStage.LEADER and not application.is_counted
    assert demo.contract.final_acceptance_passed_on is None
    assert demo.etown.phase != ETown.Phase.CLOSED
    assert not Notice.objects.filter(kind=Notice.Kind.ACCEPTANCE).exists()  # published after the government's review
    assert Notification.objects.filter(user=demo.leader, title__contains="请审批验收结论").exists()


def test_it_releases_the_retention_only_after_the_government_review_and_the_notice_end(demo, application):
    pass_review(demo, application)
    count(demo, application, until="leader")
    refresh(application, demo.contract)
    assert application.result_stage == ResultStage.GOVERNMENT and application.leader_approved_by == demo.leader
    assert demo.contract.final_acceptance_passed_on is None
    assert Notification.objects.filter(user=demo.office, title__contains="请报县政府审核").exists()

    conclusions.acceptance_record_government_review(application=application, by=demo.office, reviewed_on=TODAY,
                                                    document_number="临政审〔2026〕23号", today=TODAY)
    refresh(application, demo.contract)
    notice = application.result_notice
    assert application.result_stage == ResultStage.NOTICE
    assert notice.kind == Notice.Kind.ACCEPTANCE and notice.workdays == 5
    assert notice.end_date == WorkCalendar().add_workdays(TODAY, 4) == datetime.date(2026, 11, 27)
    assert "临政审〔2026〕23号" in notice.body and "领导小组审批" in notice.body
    assert demo.contract.final_acceptance_passed_on is None

    # On the notice's last day it does not count yet.
    with pytest.raises(ValidationError, match="期满后方可确认"):
        conclusions.acceptance_confirm_result(application=application, by=demo.office, today=notice.end_date)
    refresh(application, demo.contract, demo.etown)
    assert demo.contract.final_acceptance_passed_on is None and application.counted_on is None

    conclusions.acceptance_confirm_result(application=application, by=demo.office, today=NOTICE_OVER)
    refresh(application, demo.contract, demo.etown)
    assert application.is_counted and application.counted_on == NOTICE_OVER
    assert demo.contract.final_acceptance_passed_on == NOTICE_OVER
    assert demo.etown.phase == ETown.Phase.CLOSED
    assert Notification.objects.filter(user=demo.finance, title__contains="结论已生效").exists()


def test_it_refuses_each_step_to_the_wrong_role(demo, application):
    pass_review(demo, application)
    conclusions.acceptance_record_audit_report(application=application, upload=pdf("审计报告.pdf"), issuer="事务所",
                                               by=demo.office)
    for user in (demo.office, demo.contractor, demo.finance, demo.agency):
        with pytest.raises(PermissionDenied):
            conclusions.acceptance_leader_approve(application=application, by=user, today=TODAY)
    approve_exceptions(demo, application)
    conclusions.acceptance_leader_approve(application=application, by=demo.leader, today=TODAY)
    for user in (demo.leader, demo.contractor, demo.finance):
        with pytest.raises(PermissionDenied):
            conclusions.acceptance_record_government_review(application=application, by=user, reviewed_on=TODAY,
                                                            document_number="x", today=TODAY)
    conclusions.acceptance_record_government_review(application=application, by=demo.office, reviewed_on=TODAY,
                                                    document_number="临政审〔2026〕23号", today=TODAY)
    for user in (demo.leader, demo.contractor):
        with pytest.raises(PermissionDenied):
            conclusions.acceptance_confirm_result(application=application, by=user, today=NOTICE_OVER)
    refresh(application)
    assert application.result_stage == ResultStage.NOTICE


def test_it_refuses_steps_out_of_turn(demo, application):
    pass_review(demo, application)
    with pytest.raises(ValidationError, match="待县政府审核"):
        conclusions.acceptance_record_government_review(application=application, by=demo.office, reviewed_on=TODAY,
                                                        document_number="临政审〔2026〕23号", today=TODAY)
    with pytest.raises(ValidationError, match="结果公示中"):
        conclusions.acceptance_confirm_result(application=application, by=demo.office, today=NOTICE_OVER)
    refresh(application)
    assert application.result_stage == ResultStage.LEADER and application.result_notice is None


def test_it_requires_the_audit_report_of_a_final_acceptance(demo, application):
    pass_review(demo, application)
    with pytest.raises(ValidationError, match="审计报告"):
        conclusions.acceptance_leader_approve(application=application, by=demo.leader, today=TODAY)
    refresh(application)
    assert application.result_stage == ResultStage.LEADER
    with pytest.raises(ValidationError) as error:
        conclusions.acceptance_record_audit_report(application=application, upload=None, issuer=" ", by=demo.office)
    assert set(error.value.message_dict) == {"file", "issuer"}
    conclusions.acceptance_record_audit_report(application=application, upload=pdf("审计报告.pdf"), issuer="事务所",
                                               by=demo.office)
    approve_exceptions(demo, application)
    conclusions.acceptance_leader_approve(application=application, by=demo.leader, today=TODAY)


def test_it_needs_no_audit_report_for_a_stage_acceptance(demo):
    application = apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name="公共服务中心改造完成")
    pass_review(demo, application)
    with pytest.raises(ValidationError, match="阶段验收无需上传"):
        conclusions.acceptance_record_audit_report(application=application, upload=pdf(), issuer="x", by=demo.office)
    count(demo, application)
    assert application.is_counted
    demo.contract.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on is None  # a stage acceptance does not release the retention
    assert list(counted_stage_acceptances([demo.contract.pk])) == [application]


@pytest.mark.parametrize("changes, field", [
    ({"document_number": " "}, "document_number"),
    ({"reviewed_on": TODAY + datetime.timedelta(days=1)}, "reviewed_on"),
    ({"reviewed_on": TODAY - datetime.timedelta(days=1)}, "reviewed_on"),  # before the leading group
    ({"notice_start": TODAY - datetime.timedelta(days=1)}, "notice_start"),
])
def test_it_refuses_a_bad_government_review_and_changes_nothing(demo, application, changes, field):
    pass_review(demo, application)
    count(demo, application, until="leader")
    kwargs = dict(application=application, by=demo.office, reviewed_on=TODAY, document_number="临政审〔2026〕23号",
                  today=TODAY)
    kwargs.update(changes)
    with pytest.raises(ValidationError) as error:
        conclusions.acceptance_record_government_review(**kwargs)
    assert field in error.value.message_dict
    refresh(application)
    assert application.result_stage == ResultStage.GOVERNMENT and application.result_notice is None
    assert not Notice.objects.filter(kind=Notice.Kind.ACCEPTANCE).exists()


def test_it_holds_the_result_while_an_objection_from_the_opinion_window_is_unresolved(demo, application):
    pass_review(demo, application)
    count(demo, application, until="government")
    refresh(application)
    # The public window sends the signal (etown.services.submissions); acceptance hears it.
    notice_objected.send(sender=None, notice=application.result_notice, text="验收时物流中心尚未运营", by=None,
                         submission=None)
    objection = ResultObjection.objects.get()
    assert objection.application == application and objection.notice == application.result_notice
    with pytest.raises(ValidationError, match="1 条异议尚未处理"):
        conclusions.acceptance_confirm_result(application=application, by=demo.office, today=NOTICE_OVER)
    demo.contract.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on is None

    with pytest.raises(PermissionDenied):
        conclusions.acceptance_resolve_objection(objection=objection, resolution="已核实", by=demo.contractor)
    with pytest.raises(ValidationError):
        conclusions.acceptance_resolve_objection(objection=objection, resolution=" ", by=demo.office)
    conclusions.acceptance_resolve_objection(objection=objection, resolution="经现场核实，物流中心已于11月投入运营。",
                                             by=demo.office)
    conclusions.acceptance_confirm_result(application=application, by=demo.office, today=NOTICE_OVER)
    demo.contract.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on == NOTICE_OVER


def test_it_ignores_objections_to_other_notices(demo, application):
    other = Notice.objects.create(county=demo.linyi, title="x", body="x", start_date=TODAY, end_date=TODAY,
                                  source_type="funds.disbursementrequest", source_id=None)
    notice_objected.send(sender=None, notice=other, text="异议", by=None, submission=None)
    assert not ResultObjection.objects.exists()


def test_it_files_a_counted_acceptance_with_number_and_file(demo, application):
    pass_review(demo, application)
    with pytest.raises(ValidationError, match="生效后方可登记报备"):
        application_services.acceptance_record_filing(application=application, filed_on=NOTICE_OVER, filed_to="山西省商务厅",
                                                      filing_number="临商字〔2026〕8号", upload=pdf(), by=demo.office,
                                                      today=NOTICE_OVER)
    count(demo, application)
    with pytest.raises(ValidationError) as error:
        application_services.acceptance_record_filing(application=application, filed_on=NOTICE_OVER, filed_to="山西省商务厅",
                                                      filing_number="", upload=None, by=demo.office, today=NOTICE_OVER)
    assert set(error.value.message_dict) == {"filing_number", "file"}
    application_services.acceptance_record_filing(
        application=application, filed_on=NOTICE_OVER, filed_to="运城市商务局、山西省商务厅", filing_number="临商字〔2026〕8号",
        upload=pdf("报备函.pdf"), by=demo.office, today=NOTICE_OVER,
    )
    refresh(application)
    assert application.filing_number == "临商字〔2026〕8号" and application.filing_file is not None


def test_it_sends_a_failed_opinion_to_rectification_and_its_passed_re_review_through_the_chain(demo, application):
    """A failed conclusion opens rectification items with a deadline; the re-review that
    passes does not count by itself either."""
    review = pass_review(demo, application, conclusion="not_passed", not_met=["培训师资库专家"])
    refresh(application)
    assert application.status == AcceptanceApplication.Status.RECTIFYING and application.result_stage == ""
    items = list(rectification_selectors.items_for_source(review))
    assert len(items) == 1 and items[0].deadline == TODAY + datetime.timedelta(days=30)
    later = datetime.date(2026, 12, 21)
    for item in items:
        rectification_services.rectification_submit_evidence(item=item, text="已整改", by=demo.contractor, files=[pdf()],
                                                             today=later)
        rectification_services.rectification_close(item=item, note="核验通过", by=demo.office, today=later)
    application_services.acceptance_review_record(**review_kwargs(demo, application, reviewed_on=later, previous=review))
    refresh(application, demo.contract)
    assert application.status == AcceptanceApplication.Status.PASSED
    assert application.result_stage == ResultStage.LEADER and demo.contract.final_acceptance_passed_on is None


def test_it_reminds_the_office_once_when_the_result_notice_ends(demo, application):
    pass_review(demo, application)
    count(demo, application, until="government")
    calendar = WorkCalendar()
    assert conclusions.acceptance_result_sweep(datetime.date(2026, 11, 27), calendar) == 0
    assert conclusions.acceptance_result_sweep(NOTICE_OVER, calendar) == 1
    assert conclusions.acceptance_result_sweep(NOTICE_OVER, calendar) == 0


def test_it_puts_the_audit_report_and_the_filing_into_the_dossier(demo, application):
    from acceptance.selectors.dossier import acceptance_documents

    pass_review(demo, application)
    count(demo, application)
    application_services.acceptance_record_filing(
        application=application, filed_on=NOTICE_OVER, filed_to="运城市商务局、山西省商务厅", filing_number="临商字〔2026〕8号",
        upload=pdf("报备函.pdf"), by=demo.office, today=NOTICE_OVER,
    )
    titles = {i.title for i in acceptance_documents(demo.etown)}
    assert "终期验收审计报告" in titles and "终期验收报备（临商字〔2026〕8号）" in titles
