"""Rectification items: the status machine, overdue, the selectors other apps use, and
the disbursement checks registered on the hub.

Rules: 000 §1(三) (限时整改、跟踪督导; the office verifies), 004 annex 2 art. 12(3) (no
disbursement while a problem is not rectified in time or fails verification), DESIGN.md
(overdue is computed, not stored).
"""
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from etown.hub import hub
from etown.models import Notification
from supervision.models import Rectification, RectificationResponse
from supervision.selectors.rectification import blocking_items, items_for_source, open_items_for_source
from supervision.services.inspections import inspection_create
from supervision.services.rectification import (
    rectification_close,
    rectification_create,
    rectification_send_back,
    rectification_start,
    rectification_submit_evidence,
    rectification_update,
)

pytestmark = pytest.mark.django_db
S = Rectification.Status
TODAY = timezone.localdate()
D = datetime.timedelta


def make_item(demo, *, deadline=None, etown=None, source=Rectification.Source.INSPECTION, by=None, **kw):
    return rectification_create(
        etown=etown or demo.etown, source=source, problem=kw.pop("problem", "电商公共服务中心改造进度滞后"),
        measures="倒排工期", units=["临猗县涑水电子商务运营有限公司、县商务局"], persons=["陈涛"],
        deadline=deadline or TODAY + D(days=10), by=by or demo.office, **kw,
    )


def check(key):
    return next(c for c in hub.checks_for("disbursement") if c.key == key)


# Creation ----------------------------------------------------------------------------------------


def test_it_creates_an_item_with_units_split_and_tells_the_contractor(demo):
    item = make_item(demo)
    assert item.units == "临猗县涑水电子商务运营有限公司、县商务局"
    assert item.unit_list == ["临猗县涑水电子商务运营有限公司", "县商务局"]
    assert item.status == S.OPEN and item.due_date == item.deadline and item.escalation_level == 0
    assert item.history.first().history_user == demo.office
    assert Notification.objects.filter(user=demo.contractor, title__startswith="新的整改事项").exists()
    assert not Notification.objects.filter(user=demo.contractor2).exists()


def test_it_refuses_an_item_without_problem_or_units_and_saves_nothing(demo):
    with pytest.raises(ValidationError) as error:
        make_item(demo, problem="  ")
    assert error.value.message_dict == {"problem": ["请填写反馈问题。"]}
    with pytest.raises(ValidationError) as error:
        rectification_create(etown=demo.etown, source="inspection", problem="x", measures="", units=["，、"],
                             persons=[], deadline=TODAY, by=demo.office)
    assert error.value.message_dict == {"units": ["请填写至少一个责任单位。"]}
    with pytest.raises(ValidationError):
        make_item(demo, source="rumour")
    assert not Rectification.objects.exists()


def test_it_links_an_item_to_its_source_generically(demo):
    inspection = inspection_create(etown=demo.etown, category="construction", inspected_on=TODAY, methods=["site_visit"],
                                   by=demo.office)
    linked = make_item(demo, source_obj=inspection)
    make_item(demo)  # not linked
    assert linked.source_type == "supervision.inspection" and linked.source_id == inspection.pk
    assert linked.inspection == inspection
    assert list(items_for_source(inspection)) == [linked]
    assert list(open_items_for_source(inspection)) == [linked]


def test_it_refuses_a_source_of_another_etown(demo):
    inspection = inspection_create(etown=demo.other_etown, category="construction", inspected_on=TODAY,
                                   methods=["site_visit"], by=demo.office)
    with pytest.raises(ValidationError, match="同一个项目"):
        make_item(demo, source_obj=inspection)


# The status machine ---------------------------------------------------------------------------------


def test_it_runs_open_to_closed(demo):
    item = make_item(demo)
    rectification_start(item=item, by=demo.contractor)
    rectification_submit_evidence(item=item, text="改造已完成", by=demo.contractor)
    item.refresh_from_db()
    assert item.status == S.SUBMITTED and item.submitted_on == TODAY
    assert Notification.objects.filter(user=demo.office, title__startswith="整改佐证待核验").exists()
    rectification_close(item=item, note="现场核验，已完成", by=demo.office)
    item.refresh_from_db()
    assert (item.status, item.closed_by, item.closed_on, item.review_note) == (S.CLOSED, demo.office, TODAY, "现场核验，已完成")
    reasons = list(item.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["登记整改事项", "开始整改", "提交整改佐证", "核验销号：现场核验，已完成"]


def test_it_never_lets_a_contractor_close_its_own_item(demo):
    """000 §1(三): the office verifies; the contractor never signs off its own work, not
    even when it also holds an office role."""
    from etown.services import membership_grant

    item = make_item(demo)
    rectification_submit_evidence(item=item, text="已完成", by=demo.contractor)
    with pytest.raises(PermissionDenied, match="承办企业不能核验或销号本单位的整改事项"):
        rectification_close(item=item, note="", by=demo.contractor)
    membership_grant(user=demo.contractor, role="office", county=demo.linyi, by=demo.system)
    demo.contractor._etown_memberships = None
    with pytest.raises(PermissionDenied, match="承办企业不能核验"):
        rectification_close(item=item, note="", by=demo.contractor)
    with pytest.raises(PermissionDenied, match="承办企业不能核验"):
        rectification_send_back(item=item, reason="x", by=demo.contractor)
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


@pytest.mark.parametrize("who", ["finance", "leader", "auditor", "agency", "contractor2"])
def test_it_lets_only_office_staff_close(demo, who):
    item = make_item(demo)
    rectification_submit_evidence(item=item, text="已完成", by=demo.contractor)
    with pytest.raises(PermissionDenied, match="仅领导小组办公室可以核验"):
        rectification_close(item=item, note="", by=getattr(demo, who))
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


def test_it_closes_only_after_evidence(demo):
    item = make_item(demo)
    with pytest.raises(ValidationError, match="须待承办企业提交整改佐证"):
        rectification_close(item=item, note="", by=demo.office)


def test_it_sends_back_with_a_reason_and_takes_new_evidence(demo):
    item = make_item(demo)
    rectification_submit_evidence(item=item, text="已完成", by=demo.contractor)
    with pytest.raises(ValidationError) as error:
        rectification_send_back(item=item, reason=" ", by=demo.office)
    assert error.value.message_dict == {"reason": ["请填写退回原因。"]}
    rectification_send_back(item=item, reason="佐证照片看不出改造面积", by=demo.office)
    item.refresh_from_db()
    assert item.status == S.SENT_BACK and item.review_note == "佐证照片看不出改造面积"
    assert Notification.objects.filter(user=demo.contractor, title__startswith="整改事项被退回").exists()
    rectification_submit_evidence(item=item, text="补充了测绘报告", by=demo.contractor)
    item.refresh_from_db()
    assert item.status == S.SUBMITTED and RectificationResponse.objects.filter(item=item).count() == 2


def test_it_refuses_evidence_from_another_contractor_and_on_a_closed_item(demo):
    item = make_item(demo)
    with pytest.raises(PermissionDenied, match="仅该项目的承办企业"):
        rectification_submit_evidence(item=item, text="x", by=demo.contractor2)
    with pytest.raises(ValidationError) as error:
        rectification_submit_evidence(item=item, text=" ", by=demo.contractor)
    assert error.value.message_dict == {"text": ["请填写整改情况。"]}
    rectification_submit_evidence(item=item, text="ok", by=demo.contractor)
    rectification_close(item=item, note="", by=demo.office)
    with pytest.raises(ValidationError, match="已销号"):
        rectification_submit_evidence(item=item, text="more", by=demo.contractor)
    assert RectificationResponse.objects.filter(item=item).count() == 1


def test_it_stores_evidence_files_checked_by_content(demo):
    from django.core.files.uploadedfile import SimpleUploadedFile

    item = make_item(demo)
    good = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    response = rectification_submit_evidence(item=item, text="见照片", files=[good], by=demo.contractor)
    stored = response.files.get()
    assert (stored.etown, stored.purpose, stored.content_type) == (demo.etown, "整改佐证", "image/png")
    other = make_item(demo)
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="文件类型不符"):
        rectification_submit_evidence(item=other, text="见报告", files=[fake], by=demo.contractor)
    other.refresh_from_db()
    assert other.status == S.OPEN and not other.responses.exists()


def test_it_changes_the_deadline_only_before_escalation(demo):
    item = make_item(demo)
    rectification_update(item=item, by=demo.office, reason="更正时限", deadline=TODAY + D(days=20))
    item.refresh_from_db()
    assert item.deadline == item.due_date == TODAY + D(days=20)
    Rectification.objects.filter(pk=item.pk).update(escalation_level=1)
    item.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        rectification_update(item=item, by=demo.office, reason="x", deadline=TODAY + D(days=30))
    assert "已督办" in error.value.message_dict["deadline"][0]


# Overdue and blocking --------------------------------------------------------------------------------


def test_it_computes_overdue_from_the_current_deadline(demo):
    item = make_item(demo, deadline=TODAY - D(days=1))
    assert item.is_overdue(TODAY) and item.days_overdue(TODAY) == 1
    assert not item.is_overdue(TODAY - D(days=1))  # on the deadline day itself it is not late yet
    assert list(blocking_items(demo.etown, TODAY)) == [item]


def test_it_does_not_count_evidence_submitted_in_time_as_overdue(demo):
    """The delay is the office's once the contractor answered before the deadline."""
    item = make_item(demo, deadline=TODAY + D(days=1))
    rectification_submit_evidence(item=item, text="done", by=demo.contractor, today=TODAY)
    item.refresh_from_db()
    later = TODAY + D(days=5)
    assert not item.is_overdue(later)
    assert not blocking_items(demo.etown, later).exists()
    late = make_item(demo, deadline=TODAY - D(days=3))
    rectification_submit_evidence(item=late, text="late", by=demo.contractor, today=TODAY)
    late.refresh_from_db()
    assert late.is_overdue(TODAY)
    assert list(blocking_items(demo.etown, TODAY)) == [late]


def test_it_blocks_on_a_sent_back_item_even_before_its_deadline(demo):
    item = make_item(demo, deadline=TODAY + D(days=30))
    rectification_submit_evidence(item=item, text="done", by=demo.contractor)
    rectification_send_back(item=item, reason="不合格", by=demo.office)
    assert list(blocking_items(demo.etown, TODAY)) == [item]


def test_it_registers_the_rectification_gate_for_disbursements(demo):
    """004 annex 2 art. 12(3)."""
    gate = check("rectification")
    assert gate.label == "无逾期或被退回的整改事项"
    assert gate.func(demo.etown, today=TODAY) == (True, "无逾期或被退回的整改事项")
    make_item(demo, deadline=TODAY - D(days=2), problem="专账凭证不全")
    make_item(demo, etown=demo.other_etown, deadline=TODAY - D(days=2))  # another e-town's item does not count
    passed, reason = gate.func(demo.etown, today=TODAY)
    assert passed is False
    assert "1 项逾期未整改" in reason and "专账凭证不全" in reason
    # ctx may carry request=; the day defaults to today
    assert gate.func(demo.etown, request=None)[0] is False
    assert gate.func(demo.etown, today=TODAY - D(days=5)) == (True, "无逾期或被退回的整改事项")


def test_it_registers_the_funds_inspection_gate(demo):
    """000 §6(三): where the county asks for it, a funds inspection shortly before."""
    from supervision.services.inspections import inspection_rule_apply_preset, inspection_rule_save

    gate = check("funds_inspection")
    assert gate.label == "拨付前资金检查"
    assert gate.func(demo.etown, today=TODAY) == (True, "本县未要求拨付前资金检查")
    inspection_rule_apply_preset(county=demo.linyi, preset="gaoping", by=demo.office, reason="按本县文件", confirmed=True,
                                        payment_check=True)
    passed, reason = gate.func(demo.etown, today=TODAY)
    assert passed is False and "本县要求拨付前开展资金使用情况检查" in reason
    inspection_create(etown=demo.etown, category="funds", inspected_on=TODAY - D(days=40), methods=["documents"],
                      by=demo.office)
    assert gate.func(demo.etown, today=TODAY)[0] is False  # outside the 30-day window
    inspection_create(etown=demo.etown, category="construction", inspected_on=TODAY, methods=["documents"],
                      by=demo.office)
    assert gate.func(demo.etown, today=TODAY)[0] is False  # not a funds inspection
    inspection_create(etown=demo.etown, category="funds", inspected_on=TODAY - D(days=3), methods=["documents"],
                      by=demo.office)
    passed, reason = gate.func(demo.etown, today=TODAY)
    assert passed is True and "开展资金使用情况检查" in reason
    inspection_rule_save(county=demo.linyi, by=demo.office, funds_window_days=2)
    assert gate.func(demo.etown, today=TODAY)[0] is False
    assert gate.func(demo.other_etown, today=TODAY)[0] is False  # the rule is the county's


def test_it_never_lets_the_office_close_an_item_whose_evidence_it_submitted_itself(demo):
    """Issue 14 finding 9 (不相容岗位分离, 000 第一条（三）): the office may answer for a
    department, but then another office member verifies and closes."""
    from django.contrib.auth import get_user_model

    from etown import services as etown_services
    from supervision import permissions as perms

    item = make_item(demo)
    rectification_submit_evidence(item=item, text="县商务局已完成场地移交", by=demo.office)
    item.refresh_from_db()
    assert not perms.can_close(demo.office, item)
    with pytest.raises(PermissionDenied, match="其他人员核验"):
        rectification_close(item=item, note="已完成", by=demo.office)
    assert Rectification.objects.get(pk=item.pk).status == S.SUBMITTED
    colleague = get_user_model().objects.create_user("colleague", password="x")
    etown_services.membership_grant(user=colleague, role="office", county=demo.linyi, by=demo.system)
    assert perms.can_close(colleague, item)
    rectification_close(item=item, note="已完成", by=colleague)
    assert Rectification.objects.get(pk=item.pk).status == S.CLOSED
