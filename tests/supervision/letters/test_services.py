"""督办函 and the escalation ladder (004 annex 4 §2: 行文要求整改 → 再次行文限期整改 →
报县政府请求终止合同), document numbers (unique, sequential per office per year, no
gaps), the PDF produced once by a Celery task, the contractor's acknowledgement and
answers, the daily drafting sweep, interviews (000 §8), and the pages' refusals.
"""
import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from etown.models import Notification, StoredFile
from etown.notifications import run_sweeps
from supervision.models import EscalationLevel, Interview, LetterCounter, Rectification, SupervisionLetter
from supervision.services.letters import (
    interview_create,
    letter_acknowledge,
    letter_answer,
    letter_cancel,
    letter_correct,
    letter_draft,
    letter_issue,
    letter_store_pdf,
    letter_update,
    next_number,
)
from supervision.services.rectification import rectification_close, rectification_create, rectification_submit_evidence

pytestmark = pytest.mark.django_db
K = SupervisionLetter.Kind
TODAY = timezone.localdate()
D = datetime.timedelta


def make_item(demo, deadline, etown=None, problem="物流仓储配送中心改造进度滞后"):
    return rectification_create(etown=etown or demo.etown, source="inspection", problem=problem, measures="倒排工期",
                                units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=deadline, by=demo.office)


@pytest.fixture
def issue(demo, django_capture_on_commit_callbacks):
    """issue(items, kind=1, today=TODAY, deadline=today+10) → the issued letter (its PDF
    task run, as the worker would after the commit)."""

    def run(items, kind=K.FIRST, today=TODAY, deadline=None, by=None):
        by = by or demo.office
        draft = letter_draft(etown=items[0].etown, kind=kind, items=items, by=by, today=today)
        if kind != K.TERMINATION:
            draft = letter_update(letter=draft, by=by, today=today, deadline=deadline or today + D(days=10))
        with django_capture_on_commit_callbacks(execute=True):
            letter = letter_issue(letter=draft, by=by, today=today)
        letter.refresh_from_db()
        return letter

    return run


# The ladder --------------------------------------------------------------------------------------------


def test_it_climbs_the_ladder_one_rung_at_a_time(demo, issue):
    item = make_item(demo, TODAY - D(days=40))
    first = issue([item], K.FIRST, today=TODAY - D(days=30), deadline=TODAY - D(days=20))
    item.refresh_from_db()
    assert (item.escalation_level, item.due_date, item.deadline) == (1, TODAY - D(days=20), TODAY - D(days=40))
    second = issue([item], K.SECOND, today=TODAY - D(days=15), deadline=TODAY - D(days=5))
    item.refresh_from_db()
    assert (item.escalation_level, item.due_date) == (2, TODAY - D(days=5))
    third = issue([item], K.TERMINATION, today=TODAY)
    item.refresh_from_db()
    assert item.escalation_level == EscalationLevel.TERMINATION and item.due_date == TODAY - D(days=5)
    assert third.addressee == "临猗县人民政府" and third.deadline is None
    steps = list(item.escalations.values_list("level", "letter_id", "previous_due_date", "new_due_date", "escalated_by"))
    assert steps == [
        (1, first.pk, TODAY - D(days=40), TODAY - D(days=20), demo.office.pk),
        (2, second.pk, TODAY - D(days=20), TODAY - D(days=5), demo.office.pk),
        (3, third.pk, TODAY - D(days=5), None, demo.office.pk),
    ]


def test_it_refuses_to_skip_a_rung(demo):
    item = make_item(demo, TODAY - D(days=5))
    with pytest.raises(ValidationError) as error:
        letter_draft(etown=demo.etown, kind=K.SECOND, items=[item], by=demo.office)
    assert "须先经“一次督办（督办函）”，不能越级督办" in error.value.message_dict["items"][0]
    with pytest.raises(ValidationError, match="不能越级督办"):
        letter_draft(etown=demo.etown, kind=K.TERMINATION, items=[item], by=demo.office)


def test_it_refuses_a_second_order_before_the_first_deadline_passes(demo, issue):
    item = make_item(demo, TODAY - D(days=5))
    issue([item], K.FIRST, deadline=TODAY + D(days=10))
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="未逾期"):
        letter_draft(etown=demo.etown, kind=K.SECOND, items=[item], by=demo.office)


def test_it_refuses_closed_items_and_items_awaiting_verification(demo):
    waiting = make_item(demo, TODAY - D(days=5))
    rectification_submit_evidence(item=waiting, text="已整改", by=demo.contractor)
    with pytest.raises(ValidationError, match="待办公室核验"):
        letter_draft(etown=demo.etown, kind=K.FIRST, items=[waiting], by=demo.office)
    rectification_close(item=waiting, note="", by=demo.office)
    with pytest.raises(ValidationError, match="已销号"):
        letter_draft(etown=demo.etown, kind=K.FIRST, items=[waiting], by=demo.office)


def test_it_rechecks_the_items_when_issuing(demo):
    """An item closed between drafting and issuing is not escalated."""
    item = make_item(demo, TODAY - D(days=5))
    draft = letter_draft(etown=demo.etown, kind=K.FIRST, items=[item], by=demo.office)
    rectification_submit_evidence(item=item, text="已整改", by=demo.contractor)
    with pytest.raises(ValidationError, match="待办公室核验"):
        letter_issue(letter=draft, by=demo.office)
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.number == ""
    assert not LetterCounter.objects.filter(last_number__gt=0).exists()


def test_it_refuses_items_of_another_etown(demo):
    mine, theirs = make_item(demo, TODAY), make_item(demo, TODAY, etown=demo.other_etown)
    with pytest.raises(ValidationError, match="不属于本项目"):
        letter_draft(etown=demo.etown, kind=K.FIRST, items=[mine, theirs], by=demo.office)


# Drafting and issuing -------------------------------------------------------------------------------------


def test_it_drafts_from_the_seeds_wording(demo):
    item = make_item(demo, TODAY - D(days=3))
    draft = letter_draft(etown=demo.etown, kind=K.FIRST, items=[item], by=demo.office)
    assert draft.title == "关于督促临猗新城涑水e镇项目问题整改的督办函"
    assert draft.addressee == "临猗县涑水电子商务运营有限公司" and draft.addressee_org.name == draft.addressee
    assert draft.signature == "临猗县乡村e镇工作领导小组办公室"
    assert draft.contact_person == "王立新" and draft.deadline > TODAY
    assert "临猗县财政局" in draft.cc and "临猗县商务局" not in draft.cc  # the office's own department is not copied
    assert "终止项目建设合同" in draft.requirements


def test_it_numbers_letters_per_office_per_year(demo, issue, anze_office):
    a = issue([make_item(demo, TODAY)])
    b = issue([make_item(demo, TODAY)])
    assert a.number == f"临乡村e镇办督〔{TODAY.year}〕1号" and b.number == f"临乡村e镇办督〔{TODAY.year}〕2号"
    anze = issue([make_item(demo, TODAY, etown=demo.anze_etown)], by=anze_office)
    assert anze.number == f"安乡村e镇办督〔{TODAY.year}〕1号"  # another office counts on its own
    next_year = issue([make_item(demo, TODAY)], today=datetime.date(TODAY.year + 1, 1, 5))
    assert next_year.number == f"临乡村e镇办督〔{TODAY.year + 1}〕1号"


def test_it_never_reuses_a_number_and_leaves_no_gap(demo, issue):
    issue([make_item(demo, TODAY)])
    cancelled = letter_draft(etown=demo.etown, kind=K.FIRST, items=[make_item(demo, TODAY)], by=demo.office)
    letter_cancel(letter=cancelled, by=demo.office, reason="合并到下一份")
    assert cancelled.number == ""  # drafts take no number
    third = issue([make_item(demo, TODAY)])
    assert third.seq == 2
    with pytest.raises(ValidationError, match="已由他人处理：该文书已印发"):
        letter_issue(letter=third, by=demo.office)
    assert list(SupervisionLetter.objects.exclude(seq=None).order_by("seq").values_list("seq", flat=True)) == [1, 2]


def test_it_gives_the_number_back_when_the_issue_fails(demo, issue):
    """The counter moves in the issuing transaction: a failed issue leaves no gap."""
    from django.db import transaction

    item = make_item(demo, TODAY)
    draft = letter_draft(etown=demo.etown, kind=K.FIRST, items=[item], by=demo.office)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            letter_issue(letter=draft, by=demo.office)
            raise RuntimeError("the database went away after numbering")
    assert issue([make_item(demo, TODAY)]).seq == 1


def test_it_refuses_to_issue_without_code_or_with_a_past_deadline(demo):
    item = make_item(demo, TODAY)
    draft = letter_draft(etown=demo.etown, kind=K.FIRST, items=[item], by=demo.office)
    SupervisionLetter.objects.filter(pk=draft.pk).update(deadline=TODAY)
    with pytest.raises(ValidationError) as error:
        letter_issue(letter=draft, by=demo.office)
    assert error.value.message_dict["deadline"] == ["整改期限须晚于印发日期。"]
    type(demo.linyi).objects.filter(pk=demo.linyi.pk).update(letter_code="")
    SupervisionLetter.objects.filter(pk=draft.pk).update(deadline=TODAY + D(days=5))
    with pytest.raises(ValidationError, match="尚未设置督办函机关代字"):
        letter_issue(letter=draft, by=demo.office)
    assert SupervisionLetter.objects.get(pk=draft.pk).status == "draft"


def test_it_refuses_text_that_would_print_as_boxes(demo):
    item = make_item(demo, TODAY, problem="仓库“𠀀”区域闲置")  # an extension-B character no installed face has
    draft = letter_draft(etown=demo.etown, kind=K.FIRST, items=[item], by=demo.office)
    with pytest.raises(ValidationError, match="没有字形"):
        letter_issue(letter=draft, by=demo.office)


def test_it_tells_the_contractor_when_a_letter_is_issued(demo, issue):
    letter = issue([make_item(demo, TODAY)])
    note = Notification.objects.get(user=demo.contractor, kind="letter")
    assert note.title == f"收到督办函：{letter.number}" and note.url == letter.get_absolute_url()


# The PDF ----------------------------------------------------------------------------------------------


def test_it_stores_the_pdf_once_and_never_regenerates_it(demo, issue):
    letter = issue([make_item(demo, TODAY)])
    assert letter.pdf is not None
    assert (letter.pdf.content_type, letter.pdf.purpose, letter.pdf.access) == ("application/pdf", "督办函", "etown")
    assert letter.pdf.original_name == f"{letter.number}.pdf"
    first = letter.pdf
    SupervisionLetter.objects.filter(pk=letter.pk).update(title="改过的标题")
    assert letter_store_pdf(letter_id=letter.pk) == first
    assert StoredFile.objects.filter(purpose="督办函").count() == 1


def test_it_files_the_termination_proposals_pdf_for_the_government_only(demo, issue):
    """The proposal to terminate is an internal 请示 to the county government: its PDF is
    stored at the government access level, not the e-town's."""
    item = make_item(demo, TODAY - D(days=40))
    issue([item], K.FIRST, today=TODAY - D(days=30), deadline=TODAY - D(days=20))
    issue([item], K.SECOND, today=TODAY - D(days=15), deadline=TODAY - D(days=5))
    proposal = issue([item], K.TERMINATION)
    assert proposal.pdf.access == StoredFile.Access.GOVERNMENT


def test_it_records_a_failed_rendering_for_the_office(demo, monkeypatch, django_capture_on_commit_callbacks):
    from supervision.services import letters as services_letters

    monkeypatch.setattr(services_letters, "letter_pdf_bytes", lambda letter: (_ for _ in ()).throw(OSError("no fonts")))
    draft = letter_draft(etown=demo.etown, kind=K.FIRST, items=[make_item(demo, TODAY)], by=demo.office)
    with django_capture_on_commit_callbacks(execute=True):
        letter_issue(letter=draft, by=demo.office)  # robust: the failure does not undo the issue
    draft.refresh_from_db()
    assert draft.status == "issued" and draft.pdf is None and draft.pdf_error == "OSError: no fonts"


def test_it_corrects_with_a_new_letter_and_a_new_number(demo, issue, django_capture_on_commit_callbacks):
    item = make_item(demo, TODAY)
    original = issue([item])
    correction = letter_correct(letter=original, by=demo.office)
    assert correction.corrects == original and correction.status == "draft" and "（更正）" in correction.title
    letter_update(letter=correction, by=demo.office, deadline=TODAY + D(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        letter_issue(letter=correction, by=demo.office)
    correction.refresh_from_db()
    original.refresh_from_db()
    item.refresh_from_db()
    assert correction.seq == original.seq + 1 and original.status == "issued" and original.pdf_id != correction.pdf_id
    assert item.due_date == TODAY + D(days=20) and item.escalation_level == 1 and item.escalations.count() == 1


# The contractor's side -----------------------------------------------------------------------------------


def test_it_records_the_acknowledgement_with_its_time_once(demo, issue):
    letter = issue([make_item(demo, TODAY)])
    before = timezone.now()
    letter_acknowledge(letter=letter, by=demo.contractor)
    letter.refresh_from_db()
    assert letter.acknowledged_by == demo.contractor and letter.acknowledged_at >= before
    with pytest.raises(ValidationError, match="已于"):
        letter_acknowledge(letter=letter, by=demo.contractor)
    with pytest.raises(PermissionDenied, match="仅该项目的承办企业可以签收"):
        letter_acknowledge(letter=letter, by=demo.office)
    assert Notification.objects.filter(user=demo.office, title=f"{letter.number} 已签收").exists()


def test_it_takes_answers_with_evidence_for_the_letters_items_only(demo, issue):
    item, other = make_item(demo, TODAY), make_item(demo, TODAY, problem="别的问题")
    letter = issue([item])
    response = letter_answer(letter=letter, item=item, text="已完成改造", files=[], by=demo.contractor)
    assert response.letter == letter
    item.refresh_from_db()
    assert item.status == Rectification.Status.SUBMITTED
    with pytest.raises(ValidationError, match="不在此督办函督办范围内"):
        letter_answer(letter=letter, item=other, text="x", files=[], by=demo.contractor)
    with pytest.raises(PermissionDenied, match="仅该项目的承办企业可以答复"):
        letter_answer(letter=letter, item=item, text="x", files=[], by=demo.contractor2)


# The sweep -----------------------------------------------------------------------------------------------


def test_it_drafts_a_letter_for_overdue_items_once(demo, issue):
    late1, late2 = make_item(demo, TODAY - D(days=3)), make_item(demo, TODAY - D(days=1), problem="第二个问题")
    make_item(demo, TODAY + D(days=3))  # not due yet
    make_item(demo, TODAY - D(days=2), etown=demo.other_etown)
    assert run_sweeps(TODAY, names=["supervision_letters_draft"]) == {"supervision_letters_draft": 2}
    draft = SupervisionLetter.objects.get(etown=demo.etown)
    assert draft.auto_drafted and draft.status == "draft" and draft.drafted_by is None
    assert set(draft.items.all()) == {late1, late2}
    assert Notification.objects.filter(user=demo.office, kind="letter_draft").count() == 2
    assert run_sweeps(TODAY, names=["supervision_letters_draft"]) == {"supervision_letters_draft": 0}
    late3 = make_item(demo, TODAY - D(days=1), problem="第三个问题")
    run_sweeps(TODAY, names=["supervision_letters_draft"])
    assert set(SupervisionLetter.objects.get(etown=demo.etown).items.all()) == {late1, late2, late3}
    letter_cancel(letter=draft, by=demo.office, reason="改为约谈")
    assert run_sweeps(TODAY, names=["supervision_letters_draft"]) == {"supervision_letters_draft": 0}


def test_it_drafts_a_second_order_after_the_first_deadline(demo, issue):
    item = make_item(demo, TODAY - D(days=40))
    issue([item], K.FIRST, today=TODAY - D(days=30), deadline=TODAY - D(days=2))
    run_sweeps(TODAY, names=["supervision_letters_draft"])
    draft = SupervisionLetter.objects.get(status="draft")
    assert draft.kind == K.SECOND and list(draft.items.all()) == [item]
    first = SupervisionLetter.objects.get(status="issued")
    assert f"《{first.title}》（{first.number}）" in draft.opening  # the second order quotes the first


def test_it_reminds_of_rectification_deadlines_near_and_passed(demo):
    from etown.models import Reminder

    soon = make_item(demo, TODAY + D(days=1))
    late = make_item(demo, TODAY - D(days=1))
    run_sweeps(TODAY, names=["rectification_deadlines"])
    assert set(Reminder.objects.values_list("item_id", "kind")) == {(soon.pk, "rectification_due"), (late.pk, "rectification_overdue")}
    assert Notification.objects.filter(user=demo.office, title__startswith="整改事项已逾期").count() == 1
    assert run_sweeps(TODAY, names=["rectification_deadlines"]) == {"rectification_deadlines": 0}


# Interviews ---------------------------------------------------------------------------------------------


def test_it_records_an_interview(demo):
    item = make_item(demo, TODAY - D(days=1))
    interview = interview_create(etown=demo.etown, held_on=TODAY, interviewee="陈涛", interviewee_title="项目负责人",
                                 interviewers="王立新、李晓芳", reason="整改逾期", summary="承诺月底前完成", items=[item],
                                 by=demo.office)
    assert list(interview.items.all()) == [item]
    with pytest.raises(ValidationError) as error:
        interview_create(etown=demo.etown, held_on=TODAY + D(days=1), interviewee="", interviewers="x", reason="x",
                         summary="x", by=demo.office)
    assert set(error.value.message_dict) == {"held_on", "interviewee"}
    with pytest.raises(PermissionDenied, match="仅领导小组办公室"):
        interview_create(etown=demo.etown, held_on=TODAY, interviewee="x", interviewers="x", reason="x", summary="x",
                         by=demo.agency)
    assert Interview.objects.count() == 1


# Numbering under concurrency -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_it_numbers_letters_issued_at_the_same_moment_without_gaps_or_duplicates(demo):
    """Eight staff press 印发 at once: the counter row lock serialises the numbering."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write, so it cannot show a race; run with DATABASE_URL=postgres://…")
    # The year's counter exists already (three letters issued): otherwise the racing
    # transactions would queue on creating its row and never race on the number.
    LetterCounter.objects.create(county=demo.linyi, year=TODAY.year, last_number=3)
    drafts = [
        letter_draft(etown=demo.etown, kind=K.FIRST, items=[make_item(demo, TODAY, problem=f"问题{n}")], by=demo.office)
        for n in range(8)
    ]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def worker(letter):
        from django.db import connections

        try:
            barrier.wait()
            letter_issue(letter=letter, by=demo.office)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = sorted(SupervisionLetter.objects.values_list("seq", flat=True))
    assert seqs == list(range(4, 12))
    assert LetterCounter.objects.get(county=demo.linyi, year=TODAY.year).last_number == 11


def test_it_counts_from_an_existing_counter(demo):
    LetterCounter.objects.create(county=demo.linyi, year=2030, last_number=41)
    assert next_number(demo.linyi, 2030) == 42
    assert next_number(demo.linyi, 2031) == 1


def test_it_keeps_the_termination_proposal_from_the_contractor(demo, issue, client_for):
    """Found in review: rung 3 (a request to the county government) showed on the
    contractor's item page and ledger."""
    from django.urls import reverse

    item = make_item(demo, TODAY - D(days=40))
    issue([item], K.FIRST, today=TODAY - D(days=30), deadline=TODAY - D(days=20))
    issue([item], K.SECOND, today=TODAY - D(days=15), deadline=TODAY - D(days=5))
    third = issue([item], K.TERMINATION, today=TODAY)
    page = client_for(demo.contractor).get(reverse("rectification_detail", args=[item.pk])).content.decode()
    assert third.number not in page and 'data-testid="ladder-3"' in page
    assert "关于终止" not in page and "报请县政府终止" not in page
    ledger = client_for(demo.contractor).get(reverse("rectification_list")).content.decode()
    assert "报请终止合同" not in ledger
    assert client_for(demo.contractor).get(reverse("rectification_list"), {"level": "2"}).content.decode().count(
        f"/supervision/rectifications/{item.pk}/") >= 1
    office = client_for(demo.office).get(reverse("rectification_detail", args=[item.pk])).content.decode()
    assert third.number in office


def test_it_opens_with_the_source_of_its_items(demo):
    """Issue 15: the opening said 经日常监督检查 even for items found by the mid-term
    evaluation (004 annex 3: 中期绩效评价; 004 annex 4 §2: 行文要求整改)."""
    def item(source, problem):
        return rectification_create(etown=demo.etown, source=source, problem=problem, measures="整改",
                                    units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"],
                                    deadline=TODAY - D(days=2), by=demo.office)

    evaluation = item("evaluation", "培训人次未达到年度目标")
    letter = letter_draft(etown=demo.etown, kind=K.FIRST, items=[evaluation], by=demo.office)
    assert letter.opening.startswith("经中期绩效评价，你单位承办的")
    mixed = [evaluation, item("inspection", "公共服务中心改造进度滞后"), item("acceptance", "资产台账不全")]
    letter = letter_draft(etown=demo.etown, kind=K.FIRST, items=mixed, by=demo.office)
    assert letter.opening.startswith("经日常监督检查、中期绩效评价和验收检查，")
    assert "经日常监督检查" not in letter_draft(etown=demo.etown, kind=K.FIRST, items=[evaluation], by=demo.office).opening
