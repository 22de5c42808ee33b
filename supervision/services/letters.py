"""Every write to letters (督办函 and the later rungs of the ladder) and interviews.

A letter is drafted (by staff, or by the daily sweep for overdue items), edited while a
draft, and issued: issuing numbers it, escalates its items one rung (004 annex 4 §2)
and queues the Celery task that renders and stores its PDF once. An issued letter is
never edited and its PDF never regenerated; a correction is a new letter.
"""
import logging
from collections import namedtuple

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from etown import workdays
from etown.documents import official_date, uncovered_characters
from etown.models import LIVE_CONTRACTS, Contract, ETown, Organization, Role, StoredFile
from etown.notifications import Due, notify, remind_many
from etown.permissions import memberships, require
from etown.recipients import contractor_users, office_users, staff_by_county
from etown.services import save_with_history
from etown.uploads import DOCUMENTS, PDF, file_store

from .. import permissions as perms
from ..exports.letters import letter_pdf_bytes, letter_text
from ..models import (
    EscalationLevel,
    Interview,
    LetterCounter,
    LetterSeries,
    Rectification,
    RectificationEscalation,
    SupervisionLetter,
    overdue_q,
    proposal_code,
)
from ..models.letters import DEADLINE_MARK
from ..permissions import require_state
from ..selectors.rectification import contractor_of
from ..selectors.scope import item_owners, staff_of_companies
from .rectification import rectification_escalate, rectification_submit_evidence
from .termination import termination_open

log = logging.getLogger("supervision.letters")
K = SupervisionLetter.Kind
DEFAULT_WORKDAYS = {K.FIRST: 10, K.SECOND: 5}
DRAFT_FIELDS = (
    "title", "addressee", "opening", "requirements", "deadline", "contact_person", "contact_phone", "cc", "signature",
)


def _project(etown):
    return etown.name if etown.name.endswith("项目") else f"{etown.name}项目"


def _date(d):
    return official_date(d) if d else ""


# Drafting ------------------------------------------------------------------------------------


def eligible_items(etown, kind, today):
    """Items a letter of ``kind`` may cover now (permissions.can_escalate)."""
    qs = Rectification.objects.filter(etown=etown, escalation_level=kind - 1, government_only=False).exclude(
        status=Rectification.Status.CLOSED
    )
    if kind == K.FIRST:
        return qs.exclude(status=Rectification.Status.SUBMITTED).order_by("due_date", "pk")
    return qs.filter(overdue_q(today)).order_by("due_date", "pk")


def _escalation_steps(items, level):
    """The steps that took ``items`` to ``level``, with their letters, in issue order."""
    return (
        RectificationEscalation.objects.filter(item__in=items, level=level)
        .select_related("letter").order_by("letter__issued_on", "letter_id")
    )


def _earlier_letters(items, level, steps=None):
    """“《title》（number）” of the letters that took ``items`` to ``level``."""
    if steps is None:
        steps = _escalation_steps(items, level)
    seen = {}
    for step in steps:
        seen.setdefault(step.letter_id, f"{_date(step.letter.issued_on)}印发的《{step.letter.title}》（{step.letter.number}）")
    return "、".join(seen.values())


# How each source of rectification items found its problems, for a first letter's opening
# (issue 15: it always said 经日常监督检查).
FOUND_BY = {
    "inspection": "日常监督检查", "evaluation": "中期绩效评价", "acceptance": "验收检查", "audit": "审计",
    "public_report": "核查群众举报",
}


def found_by(items):
    """“日常监督检查”, or “日常监督检查、中期绩效评价和验收检查” for items of several sources,
    in the order of Rectification.Source."""
    order = list(FOUND_BY)
    sources = sorted({i.source for i in items if i.source in FOUND_BY}, key=order.index)
    names = [FOUND_BY[s] for s in sources] or [FOUND_BY["inspection"]]
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]


def _items_owner(items):
    """The one contractor company ``items`` belong to, or None when they name none; items
    of two contractors are refused (issue 11: each contractor gets its own letter)."""
    owners = {owner for owner in item_owners(items).values() if owner is not None}
    if len(owners) > 1:
        raise ValidationError({"items": "所选整改事项分属本项目不同的承办企业，请分别起草督办函。"})
    return Organization.objects.get(pk=owners.pop()) if owners else None


def addressee_contract(etown, items):
    """The contract whose company a letter about ``items`` is addressed to (issue 11): the
    contractor the items belong to (``Rectification.organizations``, selectors.scope),
    else the e-town's first live contract. Items of two contractors are refused: each
    contractor gets its own letter."""
    owners = {owner for owner in item_owners(items).values() if owner is not None} if items else set()
    if len(owners) > 1:
        raise ValidationError({"items": "所选整改事项分属本项目不同的承办企业，请分别起草督办函。"})
    if owners:
        contract = (
            Contract.objects.filter(etown=etown, status__in=LIVE_CONTRACTS, contractor_id__in=owners)
            .select_related("contractor").order_by("signed_on", "pk").first()
        )
        if contract is not None:
            return contract
    return contractor_of(etown)


def default_content(*, etown, kind, by=None, today, items=()):
    """The text a draft starts with, from the seeds' wording; the office edits it."""
    own_org = next((m.organization for m in memberships(by) if m.organization_id), None) if by else None
    cc = Organization.objects.filter(county=etown.county, kind=Organization.Kind.DEPARTMENT).exclude(name__contains="人民政府")
    if own_org is not None:
        cc = cc.exclude(pk=own_org.pk)
    earlier = _earlier_letters(items, EscalationLevel.FIRST) if items and kind == K.SECOND else ""
    deadline = workdays.add_workdays(today, DEFAULT_WORKDAYS[kind]) if kind in DEFAULT_WORKDAYS else None
    return _content(etown=etown, kind=kind, by=by, items=items, contract=addressee_contract(etown, items), own_org=own_org,
                    cc_names=list(cc.values_list("name", flat=True)) if kind != K.TERMINATION else [],
                    earlier=earlier, deadline=deadline)


def _content(*, etown, kind, by, items, contract, own_org, cc_names, earlier, deadline):
    """``default_content`` from what it read (the sweep reads it for every e-town at once)."""
    county = etown.county
    contractor = contract.contractor if contract else None
    project = _project(etown)
    consequence = "逾期仍未整改到位的，我办将再次行文限期整改；限期内仍未整改完毕的，将报请县人民政府终止项目建设合同。"
    if kind == K.FIRST:
        title = f"关于督促{project}问题整改的督办函"
        opening = f"经{found_by(items)}，你单位承办的{project}存在以下问题，须限期整改，现予督办："
        requirements = (
            f"请你单位高度重视，逐项落实整改措施，于{DEADLINE_MARK}前整改到位，"
            f"并通过乡村e镇项目监管平台报送整改情况及佐证材料。{consequence}"
        )
    elif kind == K.SECOND:
        title = f"关于{project}问题再次限期整改的督办函"
        opening = (
            f"我办{('已以' + earlier) if earlier else '已行文'}要求你单位对{project}存在的以下问题限期整改，"
            "截至目前仍未整改到位："
        )
        requirements = (
            f"现再次责令你单位于{DEADLINE_MARK}前整改完毕，并报送整改情况及佐证材料。"
            "限期内仍未整改完毕的，我办将报请县人民政府终止项目建设合同。"
        )
    else:
        title = f"关于提请终止{project}建设合同的请示"
        name = contractor.name if contractor else "承办企业"
        opening = f"{name}承办的{project}存在以下问题，经我办两次行文限期整改，限期内仍未整改完毕："
        contract_text = f"与{name}签订的《{contract.title}》（{contract.number}）" if contract else "项目建设合同"
        requirements = (
            "根据乡村e镇项目日常监督管理制度“在限期整改时间内，项目承办企业仍未能整改完毕的，"
            f"项目主管部门报县政府请求终止合同”的规定，特提请终止{contract_text}。\n妥否，请批示。"
        )
    return {
        "title": title,
        "addressee": f"{county.name}人民政府" if kind == K.TERMINATION else (contractor.name if contractor else ""),
        "addressee_org": None if kind == K.TERMINATION else contractor,
        "opening": opening,
        "requirements": requirements,
        "deadline": deadline,
        "contact_person": (by.get_full_name() or by.get_username()) if by else "",
        "contact_phone": own_org.contact_phone if own_org else "",
        "cc": "，".join(cc_names) if kind != K.TERMINATION else "",
        "signature": county.office_name,
    }


def _fresh(items):
    """The items as the database has them now (the caller's copies may be stale)."""
    return list(Rectification.objects.filter(pk__in=[i.pk for i in items]).order_by("due_date", "pk"))


def _check_items(letter, items, today):
    problems = []
    for item in items:
        if item.etown_id != letter.etown_id:
            problems.append(f"“{item.problem[:20]}”不属于本项目")
            continue
        if letter.corrects_id:
            if item.status == Rectification.Status.CLOSED:
                problems.append(f"“{item.problem[:20]}”已销号")
            continue
        verdict = perms.can_escalate(item, letter.kind, today)
        if not verdict:
            problems.append(f"“{item.problem[:20]}”：{verdict.reason.rstrip('。')}")
    if problems:
        raise ValidationError({"items": "；".join(problems) + "。"})


@transaction.atomic
def letter_draft(*, etown, kind, items, by, today=None, auto=False, corrects=None, **fields):
    """A draft letter of ``kind`` covering ``items``; text from ``default_content`` unless
    given. ``by`` is None for the sweep's drafts."""
    today = today or timezone.localdate()
    if kind not in K.values:
        raise ValidationError({"kind": "文书类别无效。"})
    if by is not None:
        require(perms.can_supervise(by, etown))
    items = _fresh(items)
    if not items:
        raise ValidationError({"items": "请至少选择一项整改事项。"})
    content = default_content(etown=etown, kind=kind, by=by, today=today, items=items)
    content.update({k: v for k, v in fields.items() if k in DRAFT_FIELDS or k == "addressee_org"})
    owner = _items_owner(items)
    if owner is not None and kind != K.TERMINATION and corrects is None:
        content["addressee_org"] = owner  # the items' contractor, whatever the form carried (issue 11)
    letter = SupervisionLetter(
        county=etown.county, etown=etown, kind=kind, auto_drafted=auto, drafted_by=by, corrects=corrects, **content
    )
    _check_items(letter, items, today)
    save_with_history(letter, by=by, reason="系统为逾期事项起草" if auto else ("起草更正文书" if corrects else "起草"))
    letter.items.set(items)
    return letter


@transaction.atomic
def letter_update(*, letter, by, items=None, today=None, **fields):
    letter = SupervisionLetter.objects.select_for_update().get(pk=letter.pk)
    require(perms.can_edit_letters(by, letter.etown))
    require_state(perms.letter_editable(letter))
    for name, value in fields.items():
        if name not in DRAFT_FIELDS:
            raise ValidationError(f"不能修改字段 {name}。")
        setattr(letter, name, value)
    if items is not None:
        items = _fresh(items)
        if not items:
            raise ValidationError({"items": "请至少选择一项整改事项。"})
        _check_items(letter, items, today or timezone.localdate())
        owner = _items_owner(items)
        if owner is not None and letter.kind != K.TERMINATION and not letter.corrects_id:
            letter.addressee_org = owner
        letter.items.set(items)
    return save_with_history(letter, by=by, reason="修改草稿")


@transaction.atomic
def letter_cancel(*, letter, by, reason):
    """Drop a draft (an issued letter is a record: it is corrected, never cancelled)."""
    letter = SupervisionLetter.objects.select_for_update().get(pk=letter.pk)
    require(perms.can_edit_letters(by, letter.etown))
    require_state(perms.letter_editable(letter))
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写作废原因。"})
    letter.status = SupervisionLetter.Status.CANCELLED
    return save_with_history(letter, by=by, reason=f"作废草稿：{reason.strip()}")


@transaction.atomic
def letter_correct(*, letter, by, today=None):
    """A new draft that corrects an issued letter: same items and text, to be edited and
    issued under a new number (the old one keeps its number and PDF)."""
    require(perms.can_correct_letters(by, letter.etown))
    require_state(perms.correctable(letter))
    fields = {name: getattr(letter, name) for name in DRAFT_FIELDS}
    fields["title"] = fields["title"][:110] + ("" if "更正" in fields["title"] else "（更正）")
    fields["addressee_org"] = letter.addressee_org
    return letter_draft(
        etown=letter.etown, kind=letter.kind, items=letter.items.all(), by=by, today=today, corrects=letter, **fields
    )


# Issuing and numbering ------------------------------------------------------------------------


def next_number(county, year, series=LetterSeries.ORDER):
    """The next document number of ``county``'s office in ``year`` in ``series`` (督 for
    letters, 请 for the 请示 to terminate: issue 12). The counter row is
    locked (select_for_update) until the caller's transaction ends, so two letters
    issued at the same moment get consecutive numbers, and a rolled-back issue gives its
    number back: no gaps, no duplicates."""
    try:
        with transaction.atomic():
            LetterCounter.objects.get_or_create(county=county, series=series, year=year)
    except IntegrityError:
        pass  # another transaction created it first; the lock below waits for it
    counter = LetterCounter.objects.select_for_update().get(county=county, series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def letter_issue(*, letter, by, today=None):
    """Number and issue a draft; escalate its items; queue its PDF (tasks.render_letter_pdf).

    Only the letter's own row is locked (``of=self``): locking the joined county row
    would serialise every letter of the county and hide the counter's job."""
    today = today or timezone.localdate()
    letter = SupervisionLetter.objects.select_for_update(of=("self",)).select_related("county", "etown__county").get(pk=letter.pk)
    require(perms.can_issue_letters(by, letter.etown))
    proposal = letter.kind == K.TERMINATION
    if proposal:  # a 上行文: signed by an office head, numbered in its own series (issue 12)
        require(perms.can_sign_proposal(by, letter.etown))
    require_state(perms.issuable(letter))
    county = letter.county
    errors = {}
    if not county.letter_code:
        errors["__all__"] = f"{county.name}尚未设置督办函机关代字，请管理员在区县设置中填写后再印发。"
    if letter.kind != K.TERMINATION:
        if letter.deadline is None:
            errors["deadline"] = "请填写整改期限。"
        elif letter.deadline <= today:
            errors["deadline"] = "整改期限须晚于印发日期。"
        elif DEADLINE_MARK not in letter.requirements and _date(letter.deadline) not in letter.requirements:
            errors["requirements"] = f"整改要求中须写明整改期限：写“{DEADLINE_MARK}”即自动填入。"
    if not letter.addressee.strip():
        errors["addressee"] = "请填写主送单位。"
    if errors:
        raise ValidationError(errors)
    items = list(letter.items.order_by("due_date", "pk"))
    if not items:
        raise ValidationError({"items": "请至少选择一项整改事项。"})
    _check_items(letter, items, today)
    letter.issued_by = by  # printed as 签发人 on a 请示, so its glyphs are checked too
    missing = uncovered_characters(letter_text(letter, items))
    if missing:
        raise ValidationError(
            f"以下字符在公文字体中没有字形，印出来会是空白方框：{'、'.join(sorted(missing))}。请改写后再印发。"
        )
    letter.series = LetterSeries.PROPOSAL if proposal else LetterSeries.ORDER
    code = proposal_code(county.letter_code) if proposal else county.letter_code
    letter.year = today.year
    letter.seq = next_number(county, today.year, letter.series)
    letter.number = f"{code}〔{letter.year}〕{letter.seq}号"
    letter.status = SupervisionLetter.Status.ISSUED
    letter.issued_on = today
    letter.issued_by = by
    save_with_history(letter, by=by, reason=f"印发 {letter.number}")
    for item in items:
        if letter.corrects_id:
            item = Rectification.objects.select_for_update().get(pk=item.pk)
            if letter.deadline and letter.kind != K.TERMINATION:
                item.due_date = letter.deadline
            save_with_history(item, by=by, reason=f"更正文书 {letter.number}（更正 {letter.corrects.number}）")
        else:
            rectification_escalate(
                item=item, level=letter.kind, letter=letter, by=by, today=today,
                new_due_date=letter.deadline if letter.kind != K.TERMINATION else None,
            )
    if proposal:
        termination_open(letter=letter, by=by)
    letter_pdf_queue(letter=letter, by=by)
    if letter.kind != K.TERMINATION:
        notify(
            users=_addressee_users(letter), kind="letter", url=letter.get_absolute_url(),
            title=f"收到{letter.get_kind_display()}：{letter.number}",
            body=f"{letter.title}。请签收，并于{_date(letter.deadline)}前逐项答复整改情况。",
        )
    return letter


def _addressee_users(letter):
    """The staff of the company the letter is addressed to (issue 11), or of every
    contractor of the e-town for a letter addressed to no registered organisation."""
    if letter.addressee_org_id:
        return staff_of_companies([letter.addressee_org_id])
    return contractor_users(etown=letter.etown)


def letter_pdf_queue(*, letter, by):
    """Queue the rendering of an issued letter's PDF as a background job (issue 13): the
    job is recorded with the issue and published after the commit; a broker that is down
    leaves it 排队中 for the sweep. An open job for the letter is reused (double click)."""
    from etown.models.jobs import LETTER_PDF
    from etown.services.jobs import job_enqueue

    return job_enqueue(kind=LETTER_PDF, target_id=letter.pk, args=[letter.pk], by=by, county=letter.county,
                       etown=letter.etown, title=f"{letter.number or letter.title} PDF")


@transaction.atomic
def letter_pdf_retry(*, letter, by):
    """The office's 重新生成 PDF: the letter's failed job queued again (etown job_retry),
    a new job when it has none; an open job is returned as it is (a double click)."""
    from etown.models import Job
    from etown.models.jobs import LETTER_PDF
    from etown.services.jobs import job_retry

    require(perms.can_correct_letters(by, letter.etown))
    job = Job.objects.filter(kind=LETTER_PDF, target_id=letter.pk).order_by("-pk").first()
    if job is None or job.state in (Job.State.DONE, Job.State.EXPIRED):
        return letter_pdf_queue(letter=letter, by=by)
    if job.state == Job.State.FAILED or job.publish_error:
        return job_retry(job=job, by=by)
    return job


@transaction.atomic
def letter_store_pdf(*, letter_id):
    """Render and store an issued letter's PDF, once. Called by the Celery task; a letter
    that already has its PDF keeps it (the issued PDF is the record)."""
    letter = SupervisionLetter.objects.select_for_update(of=("self",)).select_related("county", "etown__county").get(pk=letter_id)
    if letter.status != SupervisionLetter.Status.ISSUED:
        return None
    if letter.pdf_id:
        return letter.pdf
    content = letter_pdf_bytes(letter)
    upload = SimpleUploadedFile(f"{letter.number}.pdf", content, content_type="application/pdf")
    # The proposal to terminate is an internal 请示 to the county government.
    access = StoredFile.Access.GOVERNMENT if letter.kind == K.TERMINATION else StoredFile.Access.ETOWN
    stored = file_store(upload=upload, county=letter.county, etown=letter.etown, by=letter.issued_by, access=access,
                        purpose="督办函", allowed=(PDF,))
    letter.pdf = stored
    letter.pdf_error = ""
    save_with_history(letter, by=letter.issued_by, reason="生成 PDF")
    return stored


@transaction.atomic
def letter_record_pdf_error(*, letter_id, error):
    letter = SupervisionLetter.objects.select_for_update().get(pk=letter_id)
    letter.pdf_error = str(error)[:300]
    letter.save(update_fields=["pdf_error"])  # a technical note, not a change of the record
    return letter


# The contractor's side ------------------------------------------------------------------------


@transaction.atomic
def letter_acknowledge(*, letter, by):
    """签收: recorded with the time, once."""
    letter = SupervisionLetter.objects.select_for_update(of=("self",)).select_related("etown__county").get(pk=letter.pk)
    require(perms.can_acknowledge_letters(by, letter.etown))
    require(perms.addressed_to(by, letter))
    require_state(perms.acknowledgeable(letter))
    letter.acknowledged_at = timezone.now()
    letter.acknowledged_by = by
    save_with_history(letter, by=by, reason="承办企业签收")
    notify(users=office_users(letter.etown.county_id), kind="letter", url=letter.get_absolute_url(),
           title=f"{letter.number} 已签收", body=f"签收人 {by.get_full_name() or by}。")
    return letter


def letter_answer(*, letter, item, text, files, by, today=None):
    """Answer one item of a letter with evidence (the item goes to verification)."""
    require(perms.can_answer_letters(by, letter.etown))
    require(perms.addressed_to(by, letter))
    require_state(perms.answerable(letter))
    return rectification_submit_evidence(item=item, text=text, files=files, by=by, letter=letter, today=today)


# The daily sweep ------------------------------------------------------------------------------


def letters_draft_overdue(today, calendar=None):
    """Draft a letter for every e-town and contractor whose items passed their deadline
    without one, for the office to review, edit and issue: a 督办函 for items not yet
    escalated, a second order for items overdue after the first. An item that was in a
    letter of that kind before (drafted, issued or deliberately cancelled) is not drafted
    again. Returns the number of drafts created or extended.

    Per contractor (issue 11; 004 附件2 第十一条 allows two contractors on one e-town): the
    items are grouped by e-town and owning company (``selectors.scope.item_owners``), and
    each company gets its own draft with its own items only. An item naming no contractor
    of its e-town (a generic “承办企业”, an unregistered unit) is the e-town's: it goes to
    the e-town's contractor when there is exactly one (as ``unit_resolver`` reads
    “承办企业”); with two, no letter guesses which one is meant, and the office is told
    (once a day per e-town) to address it by hand. An item whose company holds no live
    contract there any more is left to the office the same way.

    Set-based (issue 16: “each sweep reads what is due with a few set-based queries and
    records what it sends with one bulk insert that skips what was sent before”): per
    kind, one read of the overdue items, one of their owners, a few reads of what the
    drafts say (contracts, departments, earlier letters), one INSERT of the new drafts
    that skips an (e-town, addressee) whose open auto-draft a concurrent sweep wrote
    meanwhile (the conditional unique key letter_one_open_auto_draft_per_addressee,
    ``ignore_conflicts``), one INSERT of their items, the history rows in one INSERT, and
    the offices told through ``remind_many``. A rerun with nothing new costs the two reads
    of the items."""
    touched, unaddressed = [], {}
    for kind in (K.FIRST, K.SECOND):
        candidates = (
            Rectification.objects.filter(overdue_q(today), escalation_level=kind - 1, government_only=False)
            .exclude(status=Rectification.Status.SUBMITTED)
            .exclude(letters__kind=kind)
            .filter(etown__status=ETown.Status.ACTIVE)
            .order_by("etown_id", "due_date", "pk")
        )
        # Light rows, not model instances: thousands of items at national scale.
        items = [_Item(pk, etown_id, source) for pk, etown_id, source in candidates.values_list("pk", "etown_id", "source")]
        if not items:
            continue
        contracts = _live_contracts({i.etown_id for i in items})
        groups, left = _group_by_addressee(items, contracts)
        for etown_id, rows in left.items():
            unaddressed.setdefault(etown_id, []).extend(rows)
        if groups:
            etowns = ETown.objects.select_related("county").in_bulk({etown_id for etown_id, _ in groups})
            touched += _draft_for_many(kind, groups, etowns, contracts, today, calendar)
    if not touched and not unaddressed:
        return 0
    county_of = dict(ETown.objects.filter(pk__in=list(unaddressed)).values_list("pk", "county_id")) if unaddressed else {}
    offices = staff_by_county({draft.county_id for draft, _ in touched} | set(county_of.values()), Role.OFFICE)
    # Once per draft and day, however often (or however concurrently) the sweep runs.
    dues = [
        Due.of(draft, kind="letter_draft", due_date=today, users=offices.get(draft.county_id, []),
               url=draft.get_absolute_url(), body="请审核、修改后印发。",
               title=f"待审核：{draft.etown.name} {count} 项整改逾期，已起草致{draft.addressee}的{draft.get_kind_display()}")
        for draft, count in touched
    ]
    # Items no draft could be addressed to: once per e-town and day (issue 11).
    dues += [
        Due(item_type="etown.etown", item_id=etown_id, kind="letter_unaddressed", due_date=today,
            users=offices.get(county_of.get(etown_id), []), url=reverse("etown_rectifications", args=[etown_id]),
            title=f"{len(rows)} 项逾期整改事项未能确定承办企业，未自动起草督办函",
            body="本项目有多家承办企业，这些事项的责任单位未指明其中一家：请核实责任单位后手工起草督办函。")
        for etown_id, rows in unaddressed.items()
    ]
    remind_many(dues)
    return len(touched)


class _Item(namedtuple("_Item", "pk etown_id source")):
    """What the sweep needs of an overdue item (found_by reads ``source``)."""


def _live_contracts(etown_ids):
    """{etown_id: {contractor organisation id: its oldest live contract there}} (one query)."""
    contracts = {}
    for contract in Contract.objects.filter(etown_id__in=list(etown_ids), status__in=LIVE_CONTRACTS).select_related(
        "contractor"
    ).order_by("-signed_on", "-pk"):
        contracts.setdefault(contract.etown_id, {})[contract.contractor_id] = contract  # the oldest wins
    return contracts


def _group_by_addressee(items, contracts):
    """({(etown_id, organisation id): items}, {etown_id: items no letter can be addressed
    to}): each item to the company that owns it (one query), an item of no company to the
    e-town's only contractor (see ``letters_draft_overdue``)."""
    owners = item_owners(items)
    groups, left = {}, {}
    for item in items:
        live = contracts.get(item.etown_id, {})
        owner = owners.get(item.pk)
        if owner is None and len(live) == 1:
            owner = next(iter(live))
        if owner in live:
            groups.setdefault((item.etown_id, owner), []).append(item)
        elif live:  # two contractors and none named, or a company without a live contract
            left.setdefault(item.etown_id, []).append(item)
        else:  # no contractor at all: nobody to address (logged by the draft's check below)
            groups.setdefault((item.etown_id, None), []).append(item)
    return groups, left


def _open_drafts(kind, etown_ids):
    """{(etown_id, addressee organisation id): the open draft of ``kind``} (the oldest, as
    the office sees it)."""
    drafts = {}
    for draft in SupervisionLetter.objects.filter(
        etown_id__in=etown_ids, kind=kind, status=SupervisionLetter.Status.DRAFT, corrects__isnull=True
    ).order_by("-pk"):
        drafts[(draft.etown_id, draft.addressee_org_id)] = draft
    return drafts


def _new_drafts(kind, groups, etowns, contracts, today, calendar):
    """Unsaved auto-drafts of ``kind`` for ``groups`` ({(etown_id, organisation id): items}),
    each addressed to that company's contract, their text from ``_content`` with what it
    needs read for all of them at once. A group that cannot have one (no contractor to
    address) is left to the office."""
    county_ids = {etowns[etown_id].county_id for etown_id, _ in groups}
    cc = {}
    for county_id, name in Organization.objects.filter(
        county_id__in=county_ids, kind=Organization.Kind.DEPARTMENT
    ).exclude(name__contains="人民政府").order_by("kind", "name").values_list("county_id", "name"):
        cc.setdefault(county_id, []).append(name)
    steps = {}
    if kind == K.SECOND:
        key_of = {i.pk: key for key, items in groups.items() for i in items}
        for step in _escalation_steps(list(key_of), EscalationLevel.FIRST):  # in issue order
            steps.setdefault(key_of[step.item_id], []).append(step)
    deadline = workdays.add_workdays(today, DEFAULT_WORKDAYS[kind], calendar=calendar)
    letters = []
    for (etown_id, org_id), items in groups.items():
        etown = etowns[etown_id]
        contract = contracts.get(etown_id, {}).get(org_id)
        earlier = _earlier_letters(items, EscalationLevel.FIRST, steps.get((etown_id, org_id), [])) if kind == K.SECOND else ""
        content = _content(
            etown=etown, kind=kind, by=None, items=items, contract=contract, own_org=None,
            cc_names=cc.get(etown.county_id, []), deadline=deadline, earlier=earlier,
        )
        letter = SupervisionLetter(county=etown.county, etown=etown, kind=kind, auto_drafted=True, **content)
        try:
            letter.clean_fields(exclude=NOT_CHECKED)  # the text only: no query per letter
        except ValidationError as error:  # e.g. no contractor to address: say so, go on
            log.warning("no draft letter for %s: %s", etown, "; ".join(error.messages))
            continue
        letters.append(letter)
    return letters


# Relations (checked by the database) and the number (given at issue) are not checked per draft.
NOT_CHECKED = [f.name for f in SupervisionLetter._meta.fields if f.is_relation] + ["series", "year", "seq", "number"]


def _draft_for_many(kind, groups, etowns, contracts, today, calendar):
    """Add each group's overdue items ({(etown_id, organisation id): items}) to the open
    draft of ``kind`` addressed to that company, or start one; returns [(draft, number of
    its overdue items)] for the drafts this sweep created or extended. Two sweeps at once:
    the database keeps one open auto-drafted letter per e-town, kind and addressee
    (letter_one_open_auto_draft_per_addressee); the loser's insert skips it
    (``ignore_conflicts``) and it adds to the winner's draft instead, whose items it finds
    there already (issue 13)."""
    etown_ids = list({etown_id for etown_id, _ in groups})
    before = _open_drafts(kind, etown_ids)
    missing = {key: items for key, items in groups.items() if key not in before}
    if missing:
        _insert_drafts(_new_drafts(kind, missing, etowns, contracts, today, calendar))
    drafts = _open_drafts(kind, etown_ids) if missing else before
    Item = SupervisionLetter.items.through
    present = set(Item.objects.filter(supervisionletter_id__in=[d.pk for d in drafts.values()]).values_list(
        "supervisionletter_id", "rectification_id"))
    with_items = {letter_id for letter_id, _ in present}
    links, created, extended, touched = [], [], [], []
    for key, items in groups.items():
        draft = drafts.get(key)
        if draft is None:
            continue
        new = [i for i in items if (draft.pk, i.pk) not in present]
        if not new:  # a concurrent sweep drafted these items already
            continue
        links += [Item(supervisionletter_id=draft.pk, rectification_id=i.pk) for i in new]
        if key in before or draft.pk in with_items:
            draft._change_reason = f"系统补充逾期事项 {len(new)} 项"
            extended.append(draft)
        else:
            draft._change_reason = "系统为逾期事项起草"
            created.append(draft)
        draft.etown = etowns[key[0]]
        touched.append((draft, len(items)))
    Item.objects.bulk_create(links, ignore_conflicts=True)
    if created:
        SupervisionLetter.history.bulk_history_create(created)
    if extended:
        SupervisionLetter.history.bulk_history_create(extended, update=True)
    return touched


def _insert_drafts(letters):
    """One INSERT of the new drafts; an e-town whose open auto-draft of that kind exists
    already (a concurrent sweep's) is skipped by the database."""
    SupervisionLetter.objects.bulk_create(letters, ignore_conflicts=True)


# Interviews (约谈, 000 §8) --------------------------------------------------------------------


@transaction.atomic
def interview_create(*, etown, held_on, interviewee, interviewers, reason, summary, by, interviewee_title="",
                     location="", items=(), files=(), today=None):
    require(perms.can_supervise(by, etown))
    today = today or timezone.localdate()
    errors = {}
    if held_on is None or held_on > today:
        errors["held_on"] = "约谈日期不能晚于今天：请在约谈后记录。"
    for name, value, label in (("interviewee", interviewee, "被约谈人"), ("interviewers", interviewers, "约谈人"),
                               ("reason", reason, "约谈事由"), ("summary", summary, "约谈内容")):
        if not (value or "").strip():
            errors[name] = f"请填写{label}。"
    items = list(items)
    if any(i.etown_id != etown.pk for i in items):
        errors["items"] = "只能选择本项目的整改事项。"
    if errors:
        raise ValidationError(errors)
    interview = Interview(
        etown=etown, held_on=held_on, interviewee=interviewee.strip(), interviewee_title=(interviewee_title or "").strip(),
        interviewers=interviewers.strip(), location=(location or "").strip(), reason=reason.strip(),
        summary=summary.strip(), recorded_by=by,
    )
    save_with_history(interview, by=by, reason="记录约谈")
    interview.items.set(items)
    stored = [
        file_store(upload=f, county=etown.county, etown=etown, by=by, access=StoredFile.Access.GOVERNMENT,
                   purpose="约谈记录", allowed=DOCUMENTS)
        for f in files
    ]
    if stored:
        interview.files.add(*stored)
    return interview
