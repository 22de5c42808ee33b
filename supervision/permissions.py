"""Who may do what in supervision: monthly reports, inspections, rectification items and
letters.

Each ``can_<verb>(user, obj)`` returns an ``etown.permissions.Verdict``: truthy when
allowed, falsy with the Chinese reason when not, so pages can say why a button is
missing, views answer 403 with it, and services refuse with it.

One way to refuse: a wrong role goes through ``etown.permissions.require`` (403); a
record in the wrong state is a ``ValidationError`` (``require_state``). So the verdicts
of items and letters come in two halves the services check separately, the role
(``can_<verb>…(user, etown)``) and the state (``startable(item)``, ``issuable(letter)``
…); the whole ``can_<verb>(user, obj)`` that pages show joins them.

Monthly reports: only the e-town's contractor fills in and submits its report (通城 001
§1(2), 临猗 004 annex 4 §1(2): "项目承办企业要按要求每月定期上报"); only the county's office
accepts or returns it (004 annex 4 §1(3): "日常监督检查工作由县商务局负责"). Everyone who may
read the e-town may read its reports.

Inspections, rectification and letters:

- Office staff (领导小组办公室) plan inspections, open, close (销号) and send back items,
  draft and issue letters, record interviews.
- An assigned third-party agency records inspections and turns findings into items
  (000 §2: inspections by the leading group's members and the third-party agency).
- The e-town's contractor starts work on an item, submits evidence, acknowledges and
  answers letters; it never closes an item, not even when it also holds another role.
"""
from django.core.exceptions import ValidationError

from etown.models import COUNTY_WIDE_ROLES, Role
from etown.permissions import (
    ALLOW,
    LOST_RACE,
    AlreadyHandled,
    Verdict,
    stale,
    can_inspect,
    can_report_for,
    has_role,
    has_scope,
    in_scope,
    memberships,
)

from .models import EscalationLevel, MonthlyReport, Rectification, RectificationResponse, SupervisionLetter
from .selectors.scope import can_see_item, can_see_letter, can_see_report, contractor_organizations

S = Rectification.Status


def require_state(verdict):
    """Refuse a record in the wrong state: a ``ValidationError`` with the verdict's reason
    (the role goes through ``etown.permissions.require``, 403). A ``stale`` verdict (a
    colleague, or the user's own first click, moved the record on) raises
    ``etown.permissions.AlreadyHandled``: the message “已由他人处理” (issue 13)."""
    if not verdict:
        if verdict.stale:
            raise AlreadyHandled(f"{LOST_RACE}：{verdict.reason}")
        raise ValidationError(verdict.reason)


# Monthly reports ----------------------------------------------------------------------


def can_file_reports(user, etown):
    """Create a report for the e-town (the e-town's contractor)."""
    verdict = can_report_for(user, etown)
    return verdict if verdict else Verdict(False, "仅该项目的承办企业可以填报月度报告。")


def can_file_report(user, report):
    """The e-town's contractor, and the report filed by the user's own company (per-contract
    scoping, issue 11: ``supervision.selectors.rectification.scope_reports``)."""
    verdict = can_file_reports(user, report.etown)
    if verdict and not can_see_report(user, report):
        return Verdict(False, "这是本项目另一家承办企业报送的月报。")
    return verdict


def can_edit_report(user, report):
    verdict = can_file_report(user, report)
    if not verdict:
        return verdict
    if report.status == MonthlyReport.Status.ACCEPTED:
        return Verdict(False, "该月报已审核通过并冻结，不能再修改。")
    if report.status in MonthlyReport.WAITING:
        return Verdict(False, "该月报已报送，正在等待办公室审核，暂不能修改。")
    return ALLOW


# Submitting follows the same rule as editing: the contractor, in draft or returned.
can_submit_report = can_edit_report


def can_withdraw_report(user, report):
    """The e-town's contractor takes back a report the office has not reviewed yet (issue
    15); the state is checked by the service (a wrong state is a ValidationError)."""
    return can_file_report(user, report)


def can_review_reports(user, etown):
    """Accept or return reports of the e-town: the office of its county."""
    if in_scope(user, etown.county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以审核月度报告。")


def can_review_report(user, report):
    verdict = can_review_reports(user, report.etown)
    if not verdict:
        return verdict
    if report.status not in MonthlyReport.WAITING:  # a colleague reviewed it: a lost race, not a 403
        return stale(f"该月报当前状态为“{report.get_status_display()}”，不在待审核状态。")
    return ALLOW


def can_see_review_queue(user):
    """The county-wide roles see the queue; only the office acts on it."""
    if has_scope(user, COUNTY_WIDE_ROLES):
        return ALLOW
    return Verdict(False, "仅政府部门人员可以查看月报审核队列。")


def can_export_monthly_data(user):
    """The monthly data workbook goes to the departments (高平 000 §5(2): 按月将有关数据报送至
    发改、工信、商务、科技部门): any county-wide role may download it."""
    verdict = can_see_review_queue(user)
    return verdict if verdict else Verdict(False, "仅政府部门人员可以导出月度数据报表。")


def is_contractor(user):
    return has_role(user, Role.CONTRACTOR)


# Inspections, rectification and letters: who -------------------------------------------


def can_see_inspections(user):
    """Government staff and agencies; contractors see their e-towns' inspections on the
    e-town page, not the county-wide due list."""
    return has_scope(user) or has_role(user, Role.AGENCY)


def _is_office(user, etown):
    return in_scope(user, etown.county_id, {Role.OFFICE})


def _office_only(user, etown, reason):
    return ALLOW if _is_office(user, etown) else Verdict(False, reason)


def _contractor_only(user, etown, reason):
    return ALLOW if can_report_for(user, etown) else Verdict(False, reason)


def can_supervise(user, etown):
    """Office work on an e-town: plans, items, letters, interviews."""
    if _is_office(user, etown):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以办理此项工作。")


def can_record_inspection(user, etown):
    return can_inspect(user, etown)


def can_open_rectification(user, etown):
    """Turn an inspection's finding into an item: whoever may inspect."""
    verdict = can_inspect(user, etown)
    if verdict:
        return ALLOW
    return Verdict(False, "仅领导小组办公室或受委托的第三方机构可以登记整改事项。")


def can_respond(user, etown):
    """Submit evidence: the e-town's contractor, or the office on behalf of a department."""
    if can_report_for(user, etown) or _is_office(user, etown):
        return ALLOW
    return Verdict(False, "仅该项目的承办企业或领导小组办公室可以提交整改情况。")


def can_respond_to(user, item):
    """Start or answer ``item``: ``can_respond`` on its e-town, and the item not another
    contractor's (per-contract scoping, issue 11: see
    ``supervision.selectors.rectification.scope_items``)."""
    verdict = can_respond(user, item.etown)
    if verdict and not can_see_item(user, item):
        return Verdict(False, "这是本项目另一家承办企业负责的整改事项。")
    return verdict


# Item transitions: the state half, then the whole verdict --------------------------------


def startable(item):
    if item.status != S.OPEN:
        return Verdict(False, f"该事项当前为“{item.get_status_display()}”，不能再标记为整改中。")
    return ALLOW


def takes_evidence(item):
    if item.status not in (S.OPEN, S.IN_PROGRESS, S.SENT_BACK):
        return Verdict(False, f"该事项当前为“{item.get_status_display()}”，不能提交整改佐证。")
    return ALLOW


def closable(item):
    if item.status in (S.CLOSED, S.SENT_BACK):  # a colleague (or a double submit) closed or sent it back
        return stale(f"该事项当前为“{item.get_status_display()}”，不在待核验状态。")
    if item.status != S.SUBMITTED:
        return Verdict(False, "须待承办企业提交整改佐证后方可核验销号。")
    return ALLOW


def returnable(item):
    if item.status != S.SUBMITTED:
        return Verdict(False, "只能退回已提交待核验的事项。")
    return ALLOW


def item_editable(item):
    if item.status == S.CLOSED:
        return Verdict(False, "已销号的事项不能修改。")
    return ALLOW


def can_start(user, item):
    verdict = startable(item)
    return can_respond_to(user, item) if verdict else verdict


def can_submit_evidence(user, item):
    verdict = takes_evidence(item)
    return can_respond_to(user, item) if verdict else verdict


def can_review(user, item):
    """The role side of closing and sending back (the state side is in closable and
    returnable)."""
    if can_report_for(user, item.etown):
        # 000 §1(三): the office verifies; the contractor never signs off its own work.
        return Verdict(False, "承办企业不能核验或销号本单位的整改事项。")
    if not _is_office(user, item.etown):
        return Verdict(False, "仅领导小组办公室可以核验整改事项。")
    return ALLOW


def can_close(user, item):
    """Close (销号) an item: the office, in the right state, and never the person who
    submitted its latest evidence (issue 14; 不相容岗位分离, 000 第一条（三）: whoever
    answers does not also verify)."""
    verdict = can_review(user, item)
    if verdict:
        verdict = closable(item)
    return separated_from_evidence(user, item) if verdict else verdict


def separated_from_evidence(user, item):
    """The person who submitted an item's latest evidence does not verify it."""
    latest = item.responses.order_by("-submitted_at", "-pk").values_list("submitted_by_id", flat=True).first()
    if latest is not None and latest == user.pk:
        return Verdict(False, "整改佐证由您本人提交，须由办公室其他人员核验销号。")
    return ALLOW


def can_send_back(user, item):
    verdict = can_review(user, item)
    return returnable(item) if verdict else verdict


def can_edit_item(user, item):
    verdict = item_editable(item)
    return can_supervise(user, item.etown) if verdict else verdict


def can_escalate(item, level, today):
    """The ladder of 004 annex 4 §2, one rung at a time.

    Level 1, the first written order (督办函), may be sent for any item not closed and
    not awaiting verification: 000 §8 and 001 §1(四) send 督办函 for problems found in
    inspections, and the daily sweep drafts one for every overdue item. Levels 2 and 3
    need the previous rung and the item still not rectified when the deadline that rung
    set has passed (“未按要求进行整改… 在限期整改时间内仍未能整改完毕”)."""
    if item.status == S.CLOSED:
        return Verdict(False, "该事项已销号。")
    if item.government_only:
        return Verdict(False, "责任单位均为政府部门，不向承办企业督办，也不纳入其督办层级；由办公室跟踪。")
    if item.escalation_level >= level:
        return Verdict(False, f"该事项已{EscalationLevel(item.escalation_level).label}。")
    if item.escalation_level != level - 1:
        needed = EscalationLevel(level - 1).label
        return Verdict(False, f"须先经“{needed}”，不能越级督办。")
    if level == EscalationLevel.FIRST:
        if item.status == S.SUBMITTED:
            return Verdict(False, "该事项已提交整改佐证，待办公室核验。")
        return ALLOW
    if not item.is_overdue(today):
        return Verdict(False, f"该事项未逾期（当前期限 {item.due_date.year}年{item.due_date.month}月{item.due_date.day}日），不能再次督办。")
    return ALLOW


# Letters: the role half on the e-town, the state half on the letter, then the whole -------


def can_view_letter(user, letter):
    """Contractors see the issued letters addressed to them, not drafts, and not the
    office's proposal to the county government (an internal 请示)."""
    if in_scope(user, letter.etown.county_id):  # office, reviewers, leaders, auditors
        return ALLOW
    if not can_see_letter(user, letter):
        return Verdict(False, "该文书主送本项目另一家承办企业。")
    if letter.status == SupervisionLetter.Status.ISSUED and letter.kind != SupervisionLetter.Kind.TERMINATION:
        return ALLOW
    return Verdict(False, "该文书尚未印发。")


def addressed_to(user, letter):
    """The contractor's side of a letter (签收, 答复) is its addressee's: a letter to
    another contractor of the e-town is not this contractor's to sign or answer
    (per-contract scoping, issue 11; ``supervision.selectors.scope.scope_letters``)."""
    if can_see_letter(user, letter):
        return ALLOW
    return Verdict(False, "该文书主送本项目另一家承办企业。")


def can_issue_letters(user, etown):
    return _office_only(user, etown, "仅领导小组办公室可以印发督办函。")


def can_sign_proposal(user, etown):
    """签发 a 请示 to the county government (issue 12): an office head of the county, whose
    name is printed as 签发人 (GB/T 9704-2012 7.2.5: 上行文应当标注签发人)."""
    for m in memberships(user):
        if m.role == Role.OFFICE and m.is_head and (m.county_id is None or m.county_id == etown.county_id):
            return ALLOW
    return Verdict(False, "报请终止合同的请示须由办公室负责人签发。")


def can_lead_termination(user, etown):
    """The leading group's approval of a 请示 before it goes to the county government."""
    if in_scope(user, etown.county_id, {Role.LEADER}):
        return ALLOW
    return Verdict(False, "仅本县领导小组成员可以审批报请终止合同的请示。")


def can_edit_letters(user, etown):
    return _office_only(user, etown, "仅领导小组办公室可以修改督办函。")


def can_correct_letters(user, etown):
    return _office_only(user, etown, "仅领导小组办公室可以更正督办函。")


def can_acknowledge_letters(user, etown):
    return _contractor_only(user, etown, "仅该项目的承办企业可以签收。")


def can_answer_letters(user, etown):
    return _contractor_only(user, etown, "仅该项目的承办企业可以答复督办函。")


def issuable(letter):
    if letter.status == SupervisionLetter.Status.ISSUED:  # a second click, or a colleague's: a lost race
        return stale(f"该文书已印发（{letter.number}）。")
    if letter.status != SupervisionLetter.Status.DRAFT:
        return Verdict(False, "只有草稿可以印发；已印发的文书如需更正，请另发更正文书。")
    return ALLOW


def letter_editable(letter):
    if letter.status != SupervisionLetter.Status.DRAFT:
        return Verdict(False, "已印发的文书不能修改；如需更正，请另发更正文书。")
    return ALLOW


def correctable(letter):
    if letter.status != SupervisionLetter.Status.ISSUED:
        return Verdict(False, "只能更正已印发的文书；草稿可直接修改。")
    return ALLOW


def _to_the_contractor(letter, reason):
    """Issued, and not the proposal to terminate (an internal 请示 to the government)."""
    if letter.status != SupervisionLetter.Status.ISSUED or letter.kind == SupervisionLetter.Kind.TERMINATION:
        return Verdict(False, reason)
    return ALLOW


def acknowledgeable(letter):
    verdict = _to_the_contractor(letter, "该文书不需要承办企业签收。")
    if verdict and letter.acknowledged_at:
        return Verdict(False, f"已于 {letter.acknowledged_at:%Y-%m-%d %H:%M} 签收。")
    return verdict


def answerable(letter):
    return _to_the_contractor(letter, "该文书不需要承办企业答复。")


def can_issue(user, letter):
    verdict = can_issue_letters(user, letter.etown)
    return issuable(letter) if verdict else verdict


def can_edit_letter(user, letter):
    verdict = can_edit_letters(user, letter.etown)
    return letter_editable(letter) if verdict else verdict


def can_correct(user, letter):
    verdict = can_correct_letters(user, letter.etown)
    return correctable(letter) if verdict else verdict


def can_acknowledge(user, letter):
    verdict = can_acknowledge_letters(user, letter.etown)
    verdict = addressed_to(user, letter) if verdict else verdict
    return acknowledgeable(letter) if verdict else verdict


def can_answer(user, letter):
    verdict = can_answer_letters(user, letter.etown)
    verdict = addressed_to(user, letter) if verdict else verdict
    return answerable(letter) if verdict else verdict


# Files (issue 11) -----------------------------------------------------------------------------


def file_guard(user, stored):
    """The download rule for supervision's files, registered with ``hub.register_file_guard``:
    a letter's PDF follows the letter (its addressee, ``can_view_letter``), a monthly
    report's attachment its report, a piece of rectification evidence its item. True when
    the file belongs to such a record the user may see, False when only to records hidden
    from the user (another contractor's), None when it is not supervision's. Government
    roles and agencies are not narrowed (None)."""
    if not contractor_organizations(user):
        return None
    verdicts = [bool(can_view_letter(user, letter)) for letter in SupervisionLetter.objects.filter(pdf=stored)
                .select_related("etown")]
    verdicts += [can_see_report(user, r) for r in MonthlyReport.objects.filter(attachments=stored)]
    verdicts += [can_see_item(user, response.item) for response in RectificationResponse.objects.filter(files=stored)
                 .select_related("item")]
    if not verdicts:
        return None
    return any(verdicts)
