"""Every write to rectification items: creation (one, from a finding, from an Excel
feedback list), the status machine, and the escalation step a letter carries.

Status machine (DESIGN.md, 000 §1(三) 限时整改、跟踪督导):

    open ──start──▶ in_progress ──submit evidence──▶ submitted ──close (销号)──▶ closed
      └──────────────submit evidence───────────────▲        └──send back──▶ sent_back
                                                   └────────submit evidence──────┘

Only office staff close or send back, after verification; a contractor never closes its
own item (permissions.can_review). Every transition locks the item row,
records who and why in its history, and tells the people who act next.
"""
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from etown.models import StoredFile
from etown.notifications import notify
from etown.permissions import require
from etown.recipients import contractor_users, office_users
from etown.services import save_with_history
from etown.uploads import DOCUMENTS, file_store

from .. import permissions as perms
from ..models import (
    UNIT_SEPARATOR,
    EscalationLevel,
    Inspection,
    Rectification,
    RectificationEscalation,
    RectificationResponse,
)
from ..permissions import require_state
from ..selectors.rectification import government_only, source_label
from ..selectors.scope import item_contractor_ids, resolve_units, staff_of_companies, unit_resolver
from ..signals import rectification_sent_back
from .rectification_import import read_feedback_rows, split_names

S = Rectification.Status


def _names(values, label, max_length):
    """A list of unit or person names (each may itself hold several separated by 、 or ，)."""
    names = []
    for value in values or []:
        names.extend(split_names(value))
    joined = UNIT_SEPARATOR.join(dict.fromkeys(names))  # keep order, drop repeats
    if len(joined) > max_length:
        raise ValidationError({label: f"内容过长（不超过 {max_length} 字）。"})
    return joined


def _lock(item):
    return Rectification.objects.select_for_update(of=("self",)).select_related("etown__county").get(pk=item.pk)


def item_contractor_users(item):
    """Who is told of an item on the contractor's side: the staff of the contractors it
    names (issue 11: not the e-town's other contractor), or of every contractor of the
    e-town when it names none."""
    companies = item_contractor_ids(item)
    if not companies:
        return contractor_users(etown=item.etown)
    return staff_of_companies(companies)


def _tell_contractor(item, title, body=""):
    notify(users=item_contractor_users(item), title=title, body=body, url=item.get_absolute_url(),
           kind="rectification")


def _tell_office(item, title, body=""):
    notify(users=office_users(item.etown.county_id), title=title, body=body, url=item.get_absolute_url(),
           kind="rectification")


def _link_organizations(item):
    """Link the item to the registered organisations its units name (full name or a known
    short name, issue 11): the link, not the text, decides whose item it is
    (``selectors.scope.scope_items``). Returns the names that matched none."""
    resolution = resolve_units(item.unit_list, item.etown)
    item.organizations.set(resolution.organizations)
    return resolution.unresolved


def unresolved_units(*, etown, units):
    """The responsible units of ``units`` (a list of str) that name no registered
    organisation and do not read as a government department: the form tells the office
    that such an item is visible to every contractor of the e-town."""
    names = []
    for value in units or []:
        names.extend(split_names(value))
    return resolve_units(names, etown).unresolved


# Creation -----------------------------------------------------------------------------------


@transaction.atomic
def rectification_create(*, etown, source, problem, measures, units, persons, deadline, by, source_obj=None,
                         reason="", inspection=None, finding=None, ref="", notify_contractor=True):
    """Open one item. ``units`` and ``persons`` are lists of str (a str in them may hold
    several names separated by 、 or ，). ``source_obj`` is the record it came from
    (stored generically as source_type + source_id); an Inspection also fills the FK."""
    if source not in Rectification.Source.values:
        raise ValidationError({"source": "问题来源无效。"})
    problem = (problem or "").strip()
    if not problem:
        raise ValidationError({"problem": "请填写反馈问题。"})
    units_text = _names(units, "units", 300)
    if not units_text:
        raise ValidationError({"units": "请填写至少一个责任单位。"})
    persons_text = _names(persons, "persons", 200)
    if not isinstance(deadline, datetime.date):
        raise ValidationError({"deadline": "请填写整改时限。"})
    if source_obj is not None:
        if getattr(source_obj, "etown_id", etown.pk) != etown.pk:
            raise ValidationError("整改事项须与其来源属于同一个项目。")
        if isinstance(source_obj, Inspection):
            inspection = source_obj
    if finding is not None:
        # Lock the finding so that two staff converting it at once get the message below,
        # not a unique-constraint error.
        finding = type(finding).objects.select_for_update().select_related("inspection").get(pk=finding.pk)
        inspection = finding.inspection
        if Rectification.objects.filter(finding=finding).exists():
            raise ValidationError("该问题已转为整改事项。")
        source_obj = source_obj or inspection
    item = Rectification(
        etown=etown, source=source, problem=problem, measures=(measures or "").strip(), units=units_text,
        persons=persons_text, deadline=deadline, due_date=deadline, inspection=inspection, finding=finding,
        ref=(ref or "")[:20], created_by=by,
    )
    if source_obj is not None:
        item.source_type = source_label(source_obj)
        item.source_id = source_obj.pk
    item.government_only = government_only(units_text, etown.county)
    save_with_history(item, by=by, reason=reason or "登记整改事项")
    _link_organizations(item)
    if item.government_only:  # the department's item: the office tracks it (dashboard), not the contractor
        _tell_office(item, f"政府部门整改事项：{problem[:30]}", f"责任单位：{units_text}；整改时限 {deadline:%Y年%m月%d日}。")
    elif notify_contractor:
        _tell_contractor(item, f"新的整改事项：{problem[:30]}", f"整改时限 {deadline:%Y年%m月%d日}。")
    return item


@transaction.atomic
def rectification_from_finding(*, finding, measures, units, persons, deadline, by):
    """One step from an inspection's finding to an item (source: 日常监督检查)."""
    inspection = finding.inspection
    return rectification_create(
        etown=inspection.etown, source=Rectification.Source.INSPECTION, problem=finding.text, measures=measures,
        units=units, persons=persons, deadline=deadline, by=by, source_obj=inspection, finding=finding,
        reason=f"由{inspection.inspected_on:%Y年%m月%d日}监督检查发现的问题转入",
    )


@transaction.atomic
def rectifications_import(*, etown, fileobj, source, by, source_obj=None, year=None, allow_past=None, today=None):
    """Import a feedback list (Excel) for one e-town: every row is checked first; one bad
    row rejects the file with a ValidationError naming each bad row and its reason, and
    nothing is imported. Returns the created items.

    ``allow_past=False`` (the office's import page until it confirms, issue 15): rows whose
    整改时限 is already before ``today`` are listed and nothing is imported, since such an
    item is overdue the moment it exists."""
    rows = read_feedback_rows(fileobj, year=year)
    if allow_past is False:
        today = today or timezone.localdate()
        past = [row for row in rows if row["deadline"] < today]
        if past:
            listed = "；".join(f"第 {row['row']} 行（{row['deadline']:%Y-%m-%d}）" for row in past)
            raise ValidationError(
                f"以下 {len(past)} 行的整改时限已早于今天（{today:%Y-%m-%d}），导入后即计为逾期：{listed}。"
                "请改正整改时限后重新上传；如确需按原时限导入，请勾选“确认导入已过整改时限的事项”并重新选择文件。整改清单未导入。",
                code="past_deadlines",
            )
    # Every responsible unit must be known (issue 11): an unknown short name would make an
    # item of one contractor visible to the other, or hide it from its own. Nothing is
    # imported until the office registers the name (单位名录 → 简称) or corrects the list.
    unknown, resolver = {}, unit_resolver(etown)
    for row in rows:
        for name in resolve_units(row["units"], etown, resolver=resolver).unresolved:
            unknown.setdefault(name, []).append(str(row["row"]))
    if unknown:
        listed = "；".join(f"“{name}”（第 {'、'.join(lines)} 行）" for name, lines in unknown.items())
        raise ValidationError(
            f"以下责任单位未能对应到已登记的单位：{listed}。请写明单位全称，或在单位名录中为该单位登记简称后重新导入；"
            "本项目有两家以上承办企业时，“承办企业”须写明是哪一家。整改清单未导入。"
        )
    items = []
    for row in rows:
        try:
            items.append(rectification_create(
                etown=etown, source=source, problem=row["problem"], measures=row["measures"], units=row["units"],
                persons=row["persons"], deadline=row["deadline"], by=by, source_obj=source_obj, ref=row["ref"],
                reason="由整改清单导入", notify_contractor=False,
            ))
        except ValidationError as error:  # the atomic block rolls back the rows before it
            raise ValidationError(f"第 {row['row']} 行：{'；'.join(error.messages)}")
    # Each contractor is told of its own items only (issue 11).
    counts = {}
    for item in items:
        for user in item_contractor_users(item):
            counts.setdefault(user.pk, [user, 0])[1] += 1
    for user, count in counts.values():
        notify(
            users=[user], title=f"新的整改事项 {count} 项", kind="rectification",
            body=f"办公室导入了 {etown.name} 的整改清单，请逐项落实并提交佐证。",
            url=reverse("etown_rectifications", args=[etown.pk]),
        )
    return items


@transaction.atomic
def rectification_update(*, item, by, reason, problem=None, measures=None, units=None, persons=None, deadline=None):
    """Correct an item's text. The deadline may change only before any escalation (after
    that, deadlines are set by the letters)."""
    require(perms.can_supervise(by, item.etown))
    require_state(perms.item_editable(item))
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写修改原因。"})
    item = _lock(item)
    if problem is not None:
        if not problem.strip():
            raise ValidationError({"problem": "请填写反馈问题。"})
        item.problem = problem.strip()
    if measures is not None:
        item.measures = measures.strip()
    if units is not None:
        item.units = _names(units, "units", 300)
        if not item.units:
            raise ValidationError({"units": "请填写至少一个责任单位。"})
        item.government_only = government_only(item.units, item.etown.county)
        _link_organizations(item)
    if persons is not None:
        item.persons = _names(persons, "persons", 200)
    if deadline is not None and deadline != item.deadline:
        if item.escalation_level:
            raise ValidationError({"deadline": "该事项已督办，期限以督办函为准，不能直接修改。"})
        item.deadline = item.due_date = deadline
    return save_with_history(item, by=by, reason=reason)


@transaction.atomic
def rectification_extend_by_decision(*, item, new_due_date, by, reason):
    """A new deadline set by the county government on the office's 请示 (it decided not
    to terminate, 004 附件4 §2): the only change of an escalated item's deadline that no
    letter of the office makes. Called by ``termination_record_decision``."""
    item = _lock(item)
    if item.status == S.CLOSED:
        return item
    item.due_date = new_due_date
    return save_with_history(item, by=by, reason=reason)


# The status machine ---------------------------------------------------------------------------


@transaction.atomic
def rectification_start(*, item, by):
    item = _lock(item)
    require(perms.can_respond_to(by, item))
    require_state(perms.startable(item))
    item.status = S.IN_PROGRESS
    return save_with_history(item, by=by, reason="开始整改")


@transaction.atomic
def rectification_submit_evidence(*, item, text, by, files=(), letter=None, today=None):
    """The contractor's account of what was done, with evidence files; the item waits for
    the office's verification. ``files`` are uploads (checked by content again here)."""
    item = _lock(item)
    require(perms.can_respond_to(by, item))
    require_state(perms.takes_evidence(item))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写整改情况。"})
    if letter is not None and not letter.items.filter(pk=item.pk).exists():
        raise ValidationError("该事项不在此督办函督办范围内。")
    today = today or timezone.localdate()
    response = RectificationResponse.objects.create(item=item, letter=letter, text=text, submitted_by=by)
    stored = [
        file_store(upload=f, county=item.etown.county, etown=item.etown, by=by, access=StoredFile.Access.ETOWN,
                   purpose="整改佐证", allowed=DOCUMENTS)
        for f in files
    ]
    if stored:
        response.files.add(*stored)
    item.status = S.SUBMITTED
    item.submitted_on = today
    save_with_history(item, by=by, reason="提交整改佐证" + (f"（答复 {letter.number}）" if letter else ""))
    _tell_office(item, f"整改佐证待核验：{item.problem[:30]}", f"{item.etown.name}，提交人 {by.get_full_name() or by}。")
    return response


@transaction.atomic
def rectification_close(*, item, note, by, today=None):
    """销号 after verification, by office staff only."""
    item = _lock(item)
    require(perms.can_review(by, item))
    require_state(perms.closable(item))
    require(perms.separated_from_evidence(by, item))  # 不相容岗位分离 (issue 14)
    item.status = S.CLOSED
    item.closed_on = today or timezone.localdate()
    item.closed_by = by
    item.review_note = (note or "经核验，整改到位").strip()[:500]
    save_with_history(item, by=by, reason=f"核验销号：{item.review_note}")
    _tell_contractor(item, f"整改事项已销号：{item.problem[:30]}", item.review_note)
    return item


@transaction.atomic
def rectification_send_back(*, item, reason, by):
    """Verification failed: back to the contractor with the reason (the item then blocks
    disbursements until it passes: 004 annex 2 art. 12(3))."""
    item = _lock(item)
    require(perms.can_review(by, item))
    require_state(perms.returnable(item))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回原因。"})
    item.status = S.SENT_BACK
    item.review_note = reason[:500]
    save_with_history(item, by=by, reason=f"核验未通过，退回：{reason}")
    rectification_sent_back.send(sender=Rectification, item=item, reason=reason, by=by)
    _tell_contractor(item, f"整改事项被退回：{item.problem[:30]}", reason)
    return item


@transaction.atomic
def rectification_escalate(*, item, level, letter, new_due_date, by, today=None):
    """One rung of the ladder (004 annex 4 §2), taken by issuing ``letter``: records who
    and when, and moves the item's deadline to the letter's (none for level 3)."""
    item = _lock(item)
    today = today or timezone.localdate()
    require_state(perms.can_escalate(item, level, today))
    RectificationEscalation.objects.create(
        item=item, level=level, letter=letter, previous_due_date=item.due_date, new_due_date=new_due_date,
        escalated_by=by,
    )
    item.escalation_level = level
    if new_due_date is not None:
        item.due_date = new_due_date
    # A sent-back item stays sent back: it still blocks disbursements until it passes.
    save_with_history(item, by=by, reason=f"{letter.get_kind_display()} {letter.number}")
    if level == EscalationLevel.SECOND:
        # 约谈 prompted (高平 000 第八条; issue 12): the office is asked to hold and record an
        # interview of the project's responsible person; the item and the e-town's letters
        # page show the prompt until one is recorded.
        _tell_office(item, f"请约谈项目负责人：{item.problem[:30]}",
                     f"该事项已再次限期整改（{letter.number}）。请约谈项目负责人并在平台记录约谈（高平方案第八条）。")
    return item
