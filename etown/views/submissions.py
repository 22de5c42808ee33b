"""Handling the windows' messages behind sign-in.

Opinions: the county office accepts, replies and may publish the reply. Reports: the
audit and discipline roles only (004 annex 3 art. 9); they may assign an office staff
member to help verify, who then reads the report but never its sender. Every other
user gets 404 for a report: its existence is not disclosed.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..forms.common import ReasonForm
from ..forms.submissions import AssignForm, PublishReplyForm, ReplyForm, SubmissionFilterForm
from ..permissions import (
    can_assign_submission,
    can_handle_submission,
    can_publish_reply,
    can_see_sender,
    get_submission_for,
    visible_submissions,
)
from ..services import submissions as services
from ..uploads import file_exists, file_path
from .common import paginate, querystring_without_page
from .files import attachment_response


@login_required
def submission_list(request):
    """The user's inbox: 3 queries whatever its length (memberships, COUNT, page)."""
    form = SubmissionFilterForm(request.GET or None)
    qs = visible_submissions(request.user).select_related("etown", "county", "handler")
    if form.is_valid():
        if form.cleaned_data["kind"]:
            qs = qs.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["status"]:
            qs = qs.filter(status=form.cleaned_data["status"])
    return render(
        request,
        "public/manage/submission_list.html",
        {"page": paginate(request, qs), "filter_form": form, "querystring": querystring_without_page(request)},
    )


def _history(submission):
    return list(
        submission.history.select_related("history_user").order_by("-history_date", "-history_id")[:50]
    )


@login_required
def submission_detail(request, pk):
    submission = get_submission_for(request.user, pk, request=request)
    user = request.user
    can_handle = can_handle_submission(user, submission)
    initial_question = submission.public_question or submission.content
    return render(
        request,
        "public/manage/submission_detail.html",
        {
            "s": submission,
            "show_sender": can_see_sender(user, submission),
            "can_handle": can_handle,
            "can_assign": can_assign_submission(user, submission),
            "can_publish": can_publish_reply(user, submission) if can_handle or submission.reply else None,
            "reply_form": ReplyForm(
                submission=submission,
                initial={"reply": submission.reply, "publish": submission.reply_published,
                         "public_question": initial_question},
            ),
            "assign_form": AssignForm(county=submission.county, initial={"handler": submission.handler_id}),
            "close_form": ReasonForm(),
            "publish_form": PublishReplyForm(
                initial={"publish": not submission.reply_published, "public_question": initial_question}
            ),
            "history": _history(submission),
        },
    )


def _done(request, submission, action, success):
    try:
        action()
        messages.success(request, success)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("submission_detail", submission.pk)


@login_required
@require_POST
def submission_accept(request, pk):
    s = get_submission_for(request.user, pk, write=can_handle_submission, request=request)
    return _done(request, s, lambda: services.submission_accept(submission=s, by=request.user), "已受理。")


@login_required
@require_POST
def submission_reply(request, pk):
    s = get_submission_for(request.user, pk, write=can_handle_submission, request=request)
    form = ReplyForm(request.POST, submission=s)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("submission_detail", s.pk)
    data = form.cleaned_data
    return _done(
        request, s,
        lambda: services.submission_reply(
            submission=s, reply=data["reply"], by=request.user, publish=data.get("publish", False),
            public_question=data.get("public_question", ""),
        ),
        "答复已保存，来信人可凭查询码查看。",
    )


@login_required
@require_POST
def submission_publish(request, pk):
    s = get_submission_for(request.user, pk, write=can_publish_reply, request=request)
    form = PublishReplyForm(request.POST)
    form.is_valid()
    publish = form.cleaned_data.get("publish", False)
    return _done(
        request, s,
        lambda: services.submission_publish_reply(
            submission=s, publish=publish, public_question=form.cleaned_data.get("public_question", ""),
            by=request.user,
        ),
        "答复已在专栏公开。" if publish else "已取消公开答复。",
    )


@login_required
@require_POST
def submission_assign(request, pk):
    s = get_submission_for(request.user, pk, write=can_assign_submission, request=request)
    form = AssignForm(request.POST, county=s.county)
    if not form.is_valid():
        messages.error(request, "请选择本区县领导小组办公室的人员。")
        return redirect("submission_detail", s.pk)
    handler = form.cleaned_data["handler"]
    return _done(
        request, s, lambda: services.submission_assign(submission=s, handler=handler, by=request.user),
        "已指定承办人。" if handler else "已取消承办人。",
    )


@login_required
@require_POST
def submission_close(request, pk):
    s = get_submission_for(request.user, pk, write=can_handle_submission, request=request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写办结说明。")
        return redirect("submission_detail", s.pk)
    return _done(
        request, s,
        lambda: services.submission_close(submission=s, reason=form.cleaned_data["reason"], by=request.user),
        "已办结。",
    )


@login_required
def submission_attachment(request, pk):
    """The attachment, for whoever may read the message (an assigned handler included:
    the generic download view lets only auditors open a DISCIPLINE file)."""
    s = get_submission_for(request.user, pk, request=request)
    if s.attachment is None:
        raise Http404("没有附件")
    path = file_path(s.attachment)
    if not file_exists(s.attachment):
        raise Http404("文件不存在")
    return attachment_response(request, s.attachment, path)
