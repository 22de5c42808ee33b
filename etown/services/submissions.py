"""Every write of the public windows.

The windows (002 art. 16: 意见窗口和举报窗口; 004 annex 3 art. 7: 征求意见窗口和纪检监察
举报窗口) take messages from anyone; the sender receives a tracking code once.
"""
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..models import Notice, Notification, PublicProfile, PublicSubmission, Role, StoredFile
from ..notifications import notify
from ..signals import notice_objected
from ..uploads import file_store
from .common import save_with_history

# No 0/O, 1/I: a code read out over the phone stays unambiguous. 16 characters of
# 32 symbols are 80 bits: not guessable, even without the look-up rate limit.
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TRACKING_LENGTH = 16

MAX_SUBJECT = 100
MAX_CONTENT = 2000
MAX_REPLY = 4000


def new_tracking_code():
    raw = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, TRACKING_LENGTH, 4))


def normalize_code(text):
    return "".join(c for c in (text or "").upper() if c.isalnum())


def tracking_hash(code):
    return hashlib.sha256(f"etown-tracking:{normalize_code(code)}".encode()).hexdigest()


def _staff(county, role):
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True, memberships__role=role, memberships__county=county).distinct()
    )


REPORT_DIGEST_KIND = "public_report"


def duty_auditors(county):
    """Who is told of new reports (举报): the county's auditors marked 负责人 (``is_head``),
    the duty auditors; when none is marked, every auditor of the county, so that no
    report goes unnoticed (issue 14)."""
    User = get_user_model()
    heads = list(User.objects.filter(
        is_active=True, memberships__role=Role.AUDITOR, memberships__county=county, memberships__is_head=True,
    ).distinct())
    return heads or _staff(county, Role.AUDITOR)


def _report_digest(county):
    """One digest per duty auditor, not a mail per report (issue 14): while the auditor
    has not read the last one, it is brought up to date in place and no new mail goes
    out; once read, the next report opens (and mails) a new digest."""
    waiting = PublicSubmission.objects.filter(
        county=county, kind=PublicSubmission.Kind.REPORT, status=PublicSubmission.Status.NEW
    ).count()
    title = f"举报窗口有 {waiting} 件新举报待办理"
    url = reverse("submission_list") + "?kind=report"
    fresh = []
    for user in duty_auditors(county):
        updated = Notification.objects.filter(user=user, kind=REPORT_DIGEST_KIND, read_at__isnull=True).update(
            title=title, body="请登录平台查看和办理。", url=url
        )
        if not updated:
            fresh.append(user)
    if fresh:
        notify(users=fresh, title=title, body="请登录平台查看和办理。", url=url, kind=REPORT_DIGEST_KIND)


@transaction.atomic
def submission_create(*, county, kind, subject, content, etown=None, notice=None, name="", contact="", upload=None,
                      address_hash="", channel=PublicSubmission.Channel.WEB, by=None):
    """Record a message from a window; returns (submission, tracking code). The code is
    shown once and only its hash is kept.

    An opinion about a running notice is an objection (异议): ``notice_objected`` is
    sent in this transaction, so the funds app stops the disbursement request the
    notice is about (004 annex 2 art. 12(3): disbursed only when the notice ends with no
    objection), or nothing is recorded at all. Objections go through the opinion window
    only: a report's text must not reach the office staff who run that request.
    """
    subject, content = (subject or "").strip(), (content or "").strip()
    name, contact = (name or "").strip(), (contact or "").strip()
    errors = {}
    if kind not in PublicSubmission.Kind.values:
        errors["kind"] = "请选择意见建议或举报。"
    if not subject:
        errors["subject"] = "请填写标题。"
    elif len(subject) > MAX_SUBJECT:
        errors["subject"] = f"标题不超过 {MAX_SUBJECT} 字。"
    if not content:
        errors["content"] = "请填写内容。"
    elif len(content) > MAX_CONTENT:
        errors["content"] = f"内容不超过 {MAX_CONTENT} 字，当前 {len(content)} 字。"
    if etown is not None:
        if etown.county_id != county.pk:
            errors["etown"] = "所选项目不属于本区县。"
        elif channel == PublicSubmission.Channel.WEB and not PublicProfile.objects.filter(
            etown=etown, is_published=True
        ).exists():
            errors["etown"] = "所选项目未在专栏公开。"
    if notice is not None:
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if kind != PublicSubmission.Kind.OPINION:
            errors["notice"] = "对公示的异议请通过意见窗口提出。"
        elif notice.county_id != county.pk:
            errors["notice"] = "该公示不属于本区县。"
        elif not notice.is_running(timezone.localdate()):
            errors["notice"] = "该公示不在公示期内，无法提出异议；如有问题请直接提交意见或举报。"
    if errors:
        raise ValidationError(errors)
    attachment = None
    if upload is not None:
        # Reports' attachments are for the discipline roles only (StoredFile DISCIPLINE).
        access = StoredFile.Access.DISCIPLINE if kind == PublicSubmission.Kind.REPORT else StoredFile.Access.GOVERNMENT
        attachment = file_store(
            upload=upload, county=county, etown=etown, by=by, access=access,
            purpose="举报附件" if kind == PublicSubmission.Kind.REPORT else "意见附件",
        )
    code = new_tracking_code()
    submission = PublicSubmission(
        county=county, etown=etown, notice=notice, kind=kind, channel=channel, tracking_hash=tracking_hash(code),
        subject=subject, content=content, name=name, contact=contact, attachment=attachment,
        address_hash=address_hash,
    )
    reason = "线下登记" if channel == PublicSubmission.Channel.OFFLINE else "网上提交"
    save_with_history(submission, by=by, reason=f"{reason}{submission.get_kind_display()}")
    url = reverse("submission_detail", args=[submission.pk])
    if kind == PublicSubmission.Kind.REPORT:
        # The notice says only that reports arrived: their text stays behind sign-in.
        _report_digest(county)
    else:
        title = f"意见窗口：{subject}" if notice is None else f"对公示“{notice.title}”的异议"
        notify(users=_staff(county, Role.OFFICE), title=title[:200], body="请登录平台受理和答复。", url=url,
               kind="public_opinion")
    if notice is not None:
        notice_objected.send(sender=PublicSubmission, notice=notice, text=content, by=by, submission=submission)
    return submission, code


def submission_lookup(code):
    """The message a tracking code belongs to, or None."""
    if len(normalize_code(code)) != TRACKING_LENGTH:
        return None
    return (
        PublicSubmission.objects.select_related("county", "etown", "notice")
        .filter(tracking_hash=tracking_hash(code))
        .first()
    )


def _locked(submission):
    return PublicSubmission.objects.select_for_update().get(pk=submission.pk)


def _open(submission):
    if submission.status == PublicSubmission.Status.CLOSED:
        raise ValidationError("该件已办结，不能再办理。")


@transaction.atomic
def submission_accept(*, submission, by):
    submission = _locked(submission)
    if submission.status != PublicSubmission.Status.NEW:
        raise ValidationError("只有待受理的件可以受理。")
    submission.status = PublicSubmission.Status.PROCESSING
    return save_with_history(submission, by=by, reason="受理")


@transaction.atomic
def submission_assign(*, submission, handler, by):
    """An auditor asks an office staff member of the county to help verify a report.
    The handler reads the report, never its sender."""
    submission = _locked(submission)
    _open(submission)
    if submission.kind != PublicSubmission.Kind.REPORT:
        raise ValidationError("只有举报件需要指定承办人。")
    if handler is not None and not handler.memberships.filter(role=Role.OFFICE, county_id=submission.county_id).exists():
        raise ValidationError({"handler": "承办人须为本区县领导小组办公室人员。"})
    submission.handler = handler
    if submission.status == PublicSubmission.Status.NEW:
        submission.status = PublicSubmission.Status.PROCESSING
    save_with_history(
        submission, by=by, reason=f"指定承办人：{handler.get_full_name() or handler.username}" if handler else "取消承办人"
    )
    if handler is not None:
        notify(users=[handler], title="您被指定协助核查一件举报", body="请登录平台查看。",
               url=reverse("submission_detail", args=[submission.pk]), kind="public_report")
    return submission


@transaction.atomic
def submission_reply(*, submission, reply, by, publish=False, public_question=""):
    """Answer the sender (they read it with their tracking code). An opinion's answer
    may also be published on the column, with the question as office staff word it for
    the public (``public_question``: without personal details)."""
    submission = _locked(submission)
    _open(submission)
    reply = (reply or "").strip()
    if not reply:
        raise ValidationError({"reply": "请填写答复内容。"})
    if len(reply) > MAX_REPLY:
        raise ValidationError({"reply": f"答复不超过 {MAX_REPLY} 字。"})
    revised = bool(submission.reply)
    submission.reply = reply
    submission.replied_at = timezone.now()
    submission.replied_by = by
    submission.status = PublicSubmission.Status.REPLIED
    _set_published(submission, publish, public_question)
    return save_with_history(submission, by=by, reason="修改答复" if revised else "答复")


def _set_published(submission, publish, public_question):
    if publish:
        if submission.kind != PublicSubmission.Kind.OPINION:
            raise ValidationError({"publish": "举报件的答复不公开。"})
        public_question = (public_question or "").strip()
        if not public_question:
            raise ValidationError({"public_question": "公开答复时请填写公开的问题摘要（可删去个人信息）。"})
        if len(public_question) > MAX_CONTENT:
            raise ValidationError({"public_question": f"问题摘要不超过 {MAX_CONTENT} 字。"})
        submission.public_question = public_question
    submission.reply_published = bool(publish)


@transaction.atomic
def submission_publish_reply(*, submission, publish, by, public_question=""):
    submission = _locked(submission)
    if not submission.reply:
        raise ValidationError("尚未答复，不能公开。")
    _set_published(submission, publish, public_question)
    return save_with_history(submission, by=by, reason="公开答复" if publish else "取消公开答复")


@transaction.atomic
def submission_close(*, submission, reason, by):
    submission = _locked(submission)
    _open(submission)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写办结说明。"})
    submission.status = PublicSubmission.Status.CLOSED
    submission.closed_reason = reason[:300]
    return save_with_history(submission, by=by, reason=f"办结：{reason}")
