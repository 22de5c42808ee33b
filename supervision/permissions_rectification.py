"""Who may do what with inspections, rectification items and letters.

Each ``can_<verb>(user, obj)`` returns an ``etown.permissions.Verdict``: truthy when
allowed, falsy with the Chinese reason when not, so pages can say why a button is
missing, views answer 403 with it, and services refuse with it.

- Office staff (领导小组办公室) plan inspections, open, close (销号) and send back items,
  draft and issue letters, record interviews.
- An assigned third-party agency records inspections and turns findings into items
  (000 §2: inspections by the leading group's members and the third-party agency).
- The e-town's contractor starts work on an item, submits evidence, acknowledges and
  answers letters; it never closes an item, not even when it also holds another role.
"""
from etown.models import Role
from etown.permissions import ALLOW, Verdict, can_inspect, can_report_for, in_scope

from .models import EscalationLevel, Rectification, SupervisionLetter

S = Rectification.Status


def _is_office(user, etown):
    return in_scope(user, etown.county_id, {Role.OFFICE})


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


# Item transitions ---------------------------------------------------------------------


def can_start(user, item):
    if item.status != S.OPEN:
        return Verdict(False, f"该事项当前为“{item.get_status_display()}”，不能再标记为整改中。")
    return can_respond(user, item.etown)


def can_submit_evidence(user, item):
    if item.status not in (S.OPEN, S.IN_PROGRESS, S.SENT_BACK):
        return Verdict(False, f"该事项当前为“{item.get_status_display()}”，不能提交整改佐证。")
    return can_respond(user, item.etown)


def can_review(user, item):
    """The role side of closing and sending back (the state side is in can_close)."""
    if can_report_for(user, item.etown):
        # 000 §1(三): the office verifies; the contractor never signs off its own work.
        return Verdict(False, "承办企业不能核验或销号本单位的整改事项。")
    if not _is_office(user, item.etown):
        return Verdict(False, "仅领导小组办公室可以核验整改事项。")
    return ALLOW


def can_close(user, item):
    verdict = can_review(user, item)
    if not verdict:
        return verdict
    if item.status != S.SUBMITTED:
        return Verdict(False, "须待承办企业提交整改佐证后方可核验销号。")
    return ALLOW


def can_send_back(user, item):
    verdict = can_review(user, item)
    if not verdict:
        return verdict
    if item.status != S.SUBMITTED:
        return Verdict(False, "只能退回已提交待核验的事项。")
    return ALLOW


def can_edit_item(user, item):
    if item.status == S.CLOSED:
        return Verdict(False, "已销号的事项不能修改。")
    return can_supervise(user, item.etown)


def can_escalate(item, level, today):
    """The ladder of 004 annex 4 §2, one rung at a time.

    Level 1, the first written order (督办函), may be sent for any item not closed and
    not awaiting verification: 000 §8 and 001 §1(四) send 督办函 for problems found in
    inspections, and the daily sweep drafts one for every overdue item. Levels 2 and 3
    need the previous rung and the item still not rectified when the deadline that rung
    set has passed (“未按要求进行整改… 在限期整改时间内仍未能整改完毕”)."""
    if item.status == S.CLOSED:
        return Verdict(False, "该事项已销号。")
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


# Letters ------------------------------------------------------------------------------


def can_view_letter(user, letter):
    """Contractors see the issued letters addressed to them, not drafts, and not the
    office's proposal to the county government (an internal 请示)."""
    if in_scope(user, letter.etown.county_id):  # office, reviewers, leaders, auditors
        return ALLOW
    if letter.status == SupervisionLetter.Status.ISSUED and letter.kind != SupervisionLetter.Kind.TERMINATION:
        return ALLOW
    return Verdict(False, "该文书尚未印发。")


def can_issue(user, letter):
    if not _is_office(user, letter.etown):
        return Verdict(False, "仅领导小组办公室可以印发督办函。")
    if letter.status != SupervisionLetter.Status.DRAFT:
        return Verdict(False, "只有草稿可以印发；已印发的文书如需更正，请另发更正文书。")
    return ALLOW


def can_edit_letter(user, letter):
    if not _is_office(user, letter.etown):
        return Verdict(False, "仅领导小组办公室可以修改督办函。")
    if letter.status != SupervisionLetter.Status.DRAFT:
        return Verdict(False, "已印发的文书不能修改；如需更正，请另发更正文书。")
    return ALLOW


def can_correct(user, letter):
    if not _is_office(user, letter.etown):
        return Verdict(False, "仅领导小组办公室可以更正督办函。")
    if letter.status != SupervisionLetter.Status.ISSUED:
        return Verdict(False, "只能更正已印发的文书；草稿可直接修改。")
    return ALLOW


def can_acknowledge(user, letter):
    if not can_report_for(user, letter.etown):
        return Verdict(False, "仅该项目的承办企业可以签收。")
    if letter.status != SupervisionLetter.Status.ISSUED or letter.kind == SupervisionLetter.Kind.TERMINATION:
        return Verdict(False, "该文书不需要承办企业签收。")
    if letter.acknowledged_at:
        return Verdict(False, f"已于 {letter.acknowledged_at:%Y-%m-%d %H:%M} 签收。")
    return ALLOW


def can_answer(user, letter):
    if not can_report_for(user, letter.etown):
        return Verdict(False, "仅该项目的承办企业可以答复督办函。")
    if letter.status != SupervisionLetter.Status.ISSUED or letter.kind == SupervisionLetter.Kind.TERMINATION:
        return Verdict(False, "该文书不需要承办企业答复。")
    return ALLOW
