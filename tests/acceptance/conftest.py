"""Fixtures of the acceptance tests (every subfolder sees them): uploads, an evaluation,
an application, a review's arguments."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from acceptance.models import AcceptanceApplication, ApplicationMaterial, ChecklistItem, ReviewMethod
from acceptance.selectors.applications import build_rows
from acceptance.services import applications as application_services
from acceptance.services import evaluations as evaluation_services
from etown.models import Organization

TODAY = datetime.date(2026, 11, 23)  # Monday
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="材料.pdf"):
    """A tiny PDF whose bytes differ by name, so files can be told apart by their hash."""
    return SimpleUploadedFile(name, PDF_BYTES + b"%" + name.encode(), content_type="application/pdf")


def materials(categories=ApplicationMaterial.REQUIRED_FINAL):
    return {c: [pdf(f"{ApplicationMaterial.Category(c).label}.pdf")] for c in categories}


def feedback_xlsx(rows):
    """A feedback list in the columns of supervision's import."""
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "反馈问题", "整改措施", "责任单位", "责任人", "整改时限"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("反馈问题清单.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def apply(demo, *, kind=AcceptanceApplication.Kind.FINAL, today=TODAY, stage_name="", contract=None, by=None, etown=None):
    return application_services.acceptance_apply(
        etown=etown or demo.etown, contract=contract or demo.contract, kind=kind, stage_name=stage_name,
        summary="十三项建设任务已全部完成，公共服务中心、物流仓储配送中心已投入运营。", materials=materials(),
        by=by or demo.contractor, today=today,
    )


def evaluate(demo, result="basic", etown=None, on=datetime.date(2026, 11, 2)):
    return evaluation_services.evaluation_create(
        etown=etown or demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=on, result=result, today=TODAY,
    )


def judged_rows(etown, *, not_met=(), previous=None):
    """The checklist with every row passed except the labels containing one of
    ``not_met``. A task or target the record does not meet (the demo's tasks are 10–70 %
    done) is passed as an exception with its reason, not as 达标 (issue 11: 达标 only where
    the recorded actual meets the target)."""
    rows = build_rows(etown, previous_review=previous)
    for row in rows:
        failed = any(text in row["label"] for text in not_met)
        short = (row["kind"] == ChecklistItem.Kind.TASK and row["task"].progress < 100) or (
            row["kind"] == ChecklistItem.Kind.INDICATOR and not row["indicator"].is_met())
        if failed:
            row["judgement"], row["remark"] = ChecklistItem.Judgement.NOT_MET, "须于整改期限内补齐并投入运营"
        elif short:
            row["judgement"], row["remark"] = ChecklistItem.Judgement.EXCEPTION, "经验收小组核实，按例外处理，报领导小组批准"
        else:
            row["judgement"], row["remark"] = ChecklistItem.Judgement.MET, ""
    return rows


def review_kwargs(demo, application, *, conclusion="passed", not_met=(), reviewed_on=TODAY, previous=None, **extra):
    departments = Organization.objects.filter(county=demo.linyi, kind=Organization.Kind.DEPARTMENT)
    kwargs = dict(
        application=application, by=demo.office, reviewed_on=reviewed_on,
        methods=[ReviewMethod.SITE, ReviewMethod.MATERIALS],
        lead_unit=departments.get(name="临猗县商务局"),
        member_units=[departments.get(name="临猗县财政局"), departments.get(name="临猗县农业农村局（乡村振兴局）")],
        observer=departments.get(name="临猗县审计局"),
        member_names="王立新 县商务局 主任\n李晓芳 县财政局 股长",
        opinion="项目建设内容基本完成，资料齐全。", conclusion=conclusion,
        checklist=judged_rows(application.etown, not_met=not_met, previous=previous), today=reviewed_on,
    )
    if conclusion == "not_passed" and previous is None:
        kwargs.update(rectification_deadline=reviewed_on + datetime.timedelta(days=30),
                      units="临猗县涑水电子商务运营有限公司", persons="陈涛")
    kwargs.update(extra)
    return kwargs


@pytest.fixture
def application(demo):
    return apply(demo)


# The conclusion chain (issue 12) --------------------------------------------------------

NOTICE_OVER = datetime.date(2026, 12, 1)  # a 5-working-day notice from Monday 23 Nov ends Friday 27 Nov


def pass_review(demo, application, **kwargs):
    """The review group's passed opinion."""
    return application_services.acceptance_review_record(**review_kwargs(demo, application, **kwargs))


def approve_exceptions(demo, application, *, today=TODAY):
    """The leading group approves each exception of the passed opinion (issue 11)."""
    from acceptance.services import conclusions

    review = application.reviews.filter(conclusion="passed").order_by("-round").first()
    for item in review.checklist.filter(exception_status=ChecklistItem.ExceptionStatus.PENDING):
        conclusions.checklist_exception_decide(item=item, by=demo.leader, approve=True, note="同意例外处理", today=today)


def count(demo, application, *, until="counted", today=TODAY, confirmed_on=NOTICE_OVER):
    """Walk a passed opinion along its chain: (audit report for a final one,) the leading
    group's approval of each exception and of the conclusion,
    county government and its notice, confirmation after the notice ends. Stops after
    ``until`` ("leader", "government", "counted")."""
    from acceptance.services import conclusions

    if application.kind == AcceptanceApplication.Kind.FINAL:
        conclusions.acceptance_record_audit_report(application=application, upload=pdf("审计报告.pdf"),
                                                   issuer="山西正信会计师事务所", by=demo.office)
    approve_exceptions(demo, application, today=today)
    conclusions.acceptance_leader_approve(application=application, by=demo.leader, note="同意", today=today)
    if until == "leader":
        return application
    conclusions.acceptance_record_government_review(application=application, by=demo.office, reviewed_on=today,
                                                    document_number="临政审〔2026〕23号", today=today)
    if until == "government":
        return application
    conclusions.acceptance_confirm_result(application=application, by=demo.office, today=confirmed_on)
    application.refresh_from_db()
    return application
