"""Acceptance reviews (004 附件3 第五条、第八条): the group, the checklist, the conclusion,
the rectification of a failed review and its second conclusion; what a passed final
acceptance sets for funds (004 附件2 第七条) and the public notice of the result."""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from acceptance.models import AcceptanceApplication, AcceptanceReview, ChecklistItem
from acceptance.selectors.applications import acceptance_gate
from acceptance.services import applications as application_services
from etown.models import ETown, Notice, Organization
from etown.uploads import file_path
from supervision.selectors import rectification as rectification_selectors
from supervision.services import rectification as rectification_services

from ..conftest import NOTICE_OVER, TODAY, apply, count, pdf, review_kwargs

pytestmark = pytest.mark.django_db
LATER = datetime.date(2026, 12, 21)


def record(demo, application, **kwargs):
    return application_services.acceptance_review_record(**review_kwargs(demo, application, **kwargs))


def close_all(demo, review):
    for item in rectification_selectors.open_items_for_source(review):
        rectification_services.rectification_submit_evidence(item=item, text="已整改到位", by=demo.contractor,
                                                             files=[pdf()], today=LATER)
        rectification_services.rectification_close(item=item, note="核验通过", by=demo.office, today=LATER)


def test_it_builds_the_checklist_from_tasks_indicators_and_conditions(demo, application):
    review = record(demo, application)
    kinds = list(review.checklist.values_list("kind", flat=True))
    assert kinds.count(ChecklistItem.Kind.TASK) == demo.etown.tasks.count() == 13
    assert kinds.count(ChecklistItem.Kind.INDICATOR) == demo.etown.indicators.count() == 18
    assert kinds.count(ChecklistItem.Kind.CONDITION) == 4
    retail = review.checklist.get(indicator__code="online_retail")
    assert retail.requirement == "≥ 3000 万元（每年）"


def test_it_passes_a_final_acceptance_and_sets_the_retention_flag_once_the_chain_ends(demo, application):
    """Changed by issue 12: recording 通过 no longer releases the retention and closes the
    e-town at once; the leading group, the county government and the result notice come
    first (004 附件3 第八条（二）; 附件2 第十二条3). The chain itself: tests/acceptance/conclusions."""
    review = record(demo, application)
    application.refresh_from_db()
    demo.contract.refresh_from_db()
    demo.etown.refresh_from_db()
    assert application.status == AcceptanceApplication.Status.PASSED
    assert application.concluded_on == application.closed_on == TODAY
    assert demo.contract.final_acceptance_passed_on is None
    assert demo.etown.phase != ETown.Phase.CLOSED
    assert acceptance_gate(demo.etown) == (True, f"终期验收验收小组已于 {TODAY:%Y-%m-%d} 通过，结论待生效。")
    assert not Notice.objects.filter(kind=Notice.Kind.ACCEPTANCE).exists()
    count(demo, application)
    demo.contract.refresh_from_db()
    demo.etown.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on == NOTICE_OVER
    assert demo.etown.phase == ETown.Phase.CLOSED
    assert acceptance_gate(demo.etown) == (True, f"终期验收已于 {TODAY:%Y-%m-%d} 通过，结论已生效。")
    notice = Notice.objects.get(kind=Notice.Kind.ACCEPTANCE)
    assert notice.source_id == review.pk and "结论为：通过验收" in notice.body and notice.workdays == 5


def test_it_does_not_set_the_flag_on_a_passed_stage_acceptance(demo):
    application = apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name="公共服务中心改造完成")
    record(demo, application)
    demo.contract.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on is None


def test_it_fails_a_review_opens_items_and_blocks_until_the_rectification_passes(demo, application):
    review = record(demo, application, conclusion="not_passed", not_met=["改造升级乡村e镇电子商务公共服务中心", "培训师资库专家"],
                    extra_problems=["资产台账登记不完整"])
    application.refresh_from_db()
    assert application.status == AcceptanceApplication.Status.RECTIFYING
    items = rectification_selectors.items_for_source(review)
    assert items.count() == 3
    assert {i.source for i in items} == {"acceptance"}
    assert {i.deadline for i in items} == {TODAY + datetime.timedelta(days=30)}
    assert any("培训师资库专家" in i.problem and i.measures == "须于整改期限内补齐并投入运营" for i in items)
    assert not Notice.objects.filter(kind=Notice.Kind.ACCEPTANCE).exists()  # published when it is decided
    passed, reason = acceptance_gate(demo.etown)
    assert not passed and "整改复核通过前暂停拨付" in reason

    # The second conclusion cannot pass while an item is open.
    with pytest.raises(ValidationError) as error:
        record(demo, application, reviewed_on=LATER, previous=review)
    assert "尚有 3 项未销号" in error.value.message_dict["conclusion"][0]
    demo.contract.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on is None

    close_all(demo, review)
    second = record(demo, application, reviewed_on=LATER, previous=review)
    assert second.round == 2
    # A rectification review re-judges only what was not met.
    assert second.checklist.count() == 2
    demo.contract.refresh_from_db()
    # Issue 12: the passed re-review goes through the conclusion chain before it counts.
    assert demo.contract.final_acceptance_passed_on is None
    assert acceptance_gate(demo.etown)[0] is True


def test_it_ends_the_application_when_the_rectification_review_fails(demo, application):
    review = record(demo, application, conclusion="not_passed", not_met=["培训师资库专家"])
    record(demo, application, conclusion="not_passed", reviewed_on=LATER, previous=review, not_met=["培训师资库专家"])
    application.refresh_from_db()
    assert application.status == AcceptanceApplication.Status.FAILED
    passed, reason = acceptance_gate(demo.etown)
    assert not passed and "不予拨付" in reason
    assert Notice.objects.get(kind=Notice.Kind.ACCEPTANCE).body.count("整改后复核仍未通过验收") == 1
    with pytest.raises(ValidationError, match="未通过验收"):
        record(demo, application, reviewed_on=LATER, previous=review)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"methods": []}, "methods"),
        ({"methods": ["guess"]}, "methods"),
        ({"member_units": []}, "member_units"),
        ({"reviewed_on": TODAY + datetime.timedelta(days=1), "today": TODAY}, "reviewed_on"),
        ({"opinion": " "}, "opinion"),
        ({"conclusion": "maybe"}, "conclusion"),
    ],
)
def test_it_refuses_a_bad_review_and_changes_nothing(demo, application, changes, field):
    with pytest.raises(ValidationError) as error:
        record(demo, application, **changes)
    assert field in error.value.message_dict
    application.refresh_from_db()
    assert application.status == AcceptanceApplication.Status.SUBMITTED
    assert not AcceptanceReview.objects.exists()


def test_it_refuses_an_agency_as_lead_unit(demo, application):
    agency = Organization.objects.get(kind=Organization.Kind.AGENCY, county=demo.linyi)
    with pytest.raises(ValidationError) as error:
        record(demo, application, lead_unit=agency)
    assert "lead_unit" in error.value.message_dict


def test_it_refuses_to_pass_with_an_item_not_met(demo, application):
    with pytest.raises(ValidationError) as error:
        record(demo, application, not_met=["培训师资库专家"])
    assert "1 项未达标" in error.value.message_dict["conclusion"][0]


def test_it_refuses_to_pass_a_final_acceptance_whose_tasks_were_waved_through(demo, application):
    kwargs = review_kwargs(demo, application)
    for row in kwargs["checklist"]:
        if row["kind"] in (ChecklistItem.Kind.TASK, ChecklistItem.Kind.INDICATOR):
            row["judgement"] = ChecklistItem.Judgement.NOT_APPLICABLE
    with pytest.raises(ValidationError, match="终期验收须对每项建设任务和绩效目标作出达标判定"):
        application_services.acceptance_review_record(**kwargs)
    demo.contract.refresh_from_db()
    assert demo.contract.final_acceptance_passed_on is None


def test_it_refuses_a_failed_review_without_deadline_or_problems(demo, application):
    with pytest.raises(ValidationError) as error:
        record(demo, application, conclusion="not_passed", rectification_deadline=None)
    assert set(error.value.message_dict) >= {"rectification_deadline", "extra_problems"}
    assert not AcceptanceReview.objects.exists()


def test_it_refuses_an_undecided_or_unexplained_line(demo, application):
    kwargs = review_kwargs(demo, application, conclusion="not_passed", not_met=["培训师资库专家"])
    kwargs["checklist"][0]["judgement"] = ""
    with pytest.raises(ValidationError, match="尚有 1 项未判定"):
        application_services.acceptance_review_record(**kwargs)
    kwargs = review_kwargs(demo, application, conclusion="not_passed", not_met=["培训师资库专家"])
    for row in kwargs["checklist"]:
        row["remark"] = ""
    with pytest.raises(ValidationError, match="未达标项须填写说明"):
        application_services.acceptance_review_record(**kwargs)


def test_it_renders_the_acceptance_report_pdf(demo, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review = record(demo, application, conclusion="not_passed", not_met=["培训师资库专家"])
    review.refresh_from_db()
    stored = review.report_file
    assert stored is not None and stored.content_type == "application/pdf" and stored.etown == demo.etown
    reader = PdfReader(io.BytesIO(file_path(stored).read_bytes()))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    assert "临猗新城涑水e镇终期验收报告" in text
    assert "不予通过" in text and "临猗县商务局" in text and "培训师资库专家" in text
    assert "\ufffd" not in text
    # The issued report is the record: asking again does not replace it.
    application_services.review_generate_report(review=review, by=demo.office)
    review.refresh_from_db()
    assert review.report_file_id == stored.pk


def _rows_split_across_pages(html):
    """The table rows (tr elements) WeasyPrint lays out on more than one page."""
    from weasyprint import HTML

    from etown.documents import static_root_for_pdf

    document = HTML(string=html, base_url=str(static_root_for_pdf()) + "/").render()
    pages_of = {}

    def walk(box, page_number):
        if getattr(box, "is_header", False):  # the header row repeats on every page, as it should
            return
        element = getattr(box, "element", None)
        if element is not None and getattr(element, "tag", None) == "tr":
            pages_of.setdefault(id(element), set()).add(page_number)
        for child in getattr(box, "children", []) or []:
            walk(child, page_number)

    for number, page in enumerate(document.pages):
        walk(page._page_box, number)
    return [pages for pages in pages_of.values() if len(pages) > 1], len(document.pages)


def test_it_keeps_checklist_rows_whole_across_pages(demo, application):
    """Issue 15: the acceptance report split table rows from their numbers across pages."""
    from django.template.loader import render_to_string

    from acceptance.exports.applications import review_report_context
    from acceptance.models import ChecklistItem as Item

    review = record(demo, application, conclusion="not_passed", not_met=["培训师资库专家"])
    Item.objects.filter(review=review).update(
        remark="现场核查发现台账资料与实际情况不一致，部分佐证材料缺失，需补充完善后再次申请验收。" * 3
    )
    html = render_to_string("acceptance/pdf/acceptance_report.html", review_report_context(review))
    split, pages = _rows_split_across_pages(html)
    assert pages >= 2  # the table does run over a page break
    assert split == []
