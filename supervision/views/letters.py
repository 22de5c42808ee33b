"""Pages of letters (督办函 and the later rungs) and interviews (约谈)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from etown import workdays
from etown.audit import record_denied
from etown.models import Role
from etown.models.jobs import LETTER_PDF
from etown.selectors.jobs import latest_job
from etown.permissions import can_report_for, county_scope, get_child_for, get_etown_for, has_role, in_scope, visible_etowns_q
from etown.views.common import generated_pdf_response, paginate, querystring_without_page, run_service

from .. import permissions as perms
from ..exports.letters import letter_document, letter_pdf_bytes
from ..forms.letters import AnswerForm, CancelForm, InterviewForm, LetterForm
from ..models import Interview, Rectification, SupervisionLetter, Termination
from ..selectors.termination import disqualification_warnings, etown_terminations, items_awaiting_interview
from ..selectors.scope import item_owners, scope_letters
from ..services import letters as services

K = SupervisionLetter.Kind


def _letter(request, pk, write=None):
    letter = get_child_for(request.user, SupervisionLetter, pk, related=("county", "pdf", "corrects", "issued_by"))
    verdict = perms.can_view_letter(request.user, letter)
    if not verdict:
        record_denied(request.user, f"letter:{pk}", verdict.reason)
        raise Http404("文书不存在")
    if write is not None:
        verdict = write(request.user, letter)
        if not verdict:
            raise PermissionDenied(verdict.reason)
    return letter


def _visible_letters(user):
    """Government staff see every letter of their county's e-towns; others (contractors,
    agencies) only the issued letters addressed to the contractor, and a contractor only
    those addressed to its own company (issue 11)."""
    qs = scope_letters(SupervisionLetter.objects.filter(visible_etowns_q(user, "etown")), user)
    province_wide, county_ids = county_scope(user)
    if province_wide:
        return qs
    return qs.filter(
        Q(etown__county_id__in=county_ids) | (Q(status=SupervisionLetter.Status.ISSUED) & ~Q(kind=K.TERMINATION))
    )


def _office(user, letter):
    return perms.can_supervise(user, letter.etown)


def _contractor(user, letter):
    if can_report_for(user, letter.etown):
        return perms.addressed_to(user, letter)
    return perms.Verdict(False, "仅该项目的承办企业可以签收和答复。")


@login_required
def letter_list(request):
    status = request.GET.get("status", "")
    qs = _visible_letters(request.user).select_related("etown", "county", "pdf", "acknowledged_by")
    if status in SupervisionLetter.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("unacknowledged") == "1":
        qs = qs.filter(status=SupervisionLetter.Status.ISSUED, acknowledged_at__isnull=True).exclude(kind=K.TERMINATION)
    qs = qs.order_by("-drafted_at", "-pk")
    return render(request, "supervision/letters/letter_list.html", {
        "page": paginate(request, qs), "status": status, "statuses": SupervisionLetter.Status.choices,
        "querystring": querystring_without_page(request), "is_contractor": has_role(request.user, Role.CONTRACTOR),
    })


@login_required
def etown_letters(request, pk):
    etown = get_etown_for(request.user, pk)
    letters = _visible_letters(request.user).filter(etown=etown).select_related("pdf", "acknowledged_by").order_by("-drafted_at", "-pk")
    can_manage = perms.can_supervise(request.user, etown)
    # Interview records are the government's notes: not shown to contractors or agencies.
    interviews = (
        Interview.objects.filter(etown=etown).select_related("recorded_by")
        if in_scope(request.user, etown.county_id) else Interview.objects.none()
    )
    government = in_scope(request.user, etown.county_id)
    return render(request, "supervision/letters/etown_letters.html", {
        "etown": etown, "page": paginate(request, letters), "interviews": interviews[:50], "can_manage": can_manage,
        "kinds": K.choices,
        # Issue 12: the decisions that end a contract, the 取消承办资格 warning and the
        # interviews the second orders call for (government staff only).
        "terminations": etown_terminations(etown) if government else (),
        "disqualification_warnings": [
            w for w in disqualification_warnings([etown.county_id], timezone.localdate()) if w[0].etown_id == etown.pk
        ] if can_manage else (),
        "awaiting_interview": list(items_awaiting_interview([etown.pk])[:20]) if can_manage else (),
    })


@login_required
def letter_create(request, pk):
    etown = get_etown_for(request.user, pk, write=perms.can_supervise)
    try:
        kind = K(int(request.GET.get("kind", K.FIRST)))
    except ValueError:
        raise Http404("文书类别不存在")
    today = timezone.localdate()
    eligible = services.eligible_items(etown, kind, today)
    preselect = [int(i) for i in request.GET.getlist("item") if i.isdigit()]
    chosen = [i for i in eligible if i.pk in preselect] if preselect else [i for i in eligible if i.is_overdue(today)]
    try:
        initial = services.default_content(etown=etown, kind=kind, by=request.user, today=today, items=chosen)
    except ValidationError:
        # Overdue items of two contractors (issue 11): one letter each; start with the
        # first contractor's and say so.
        owners = item_owners(chosen)
        first = next(o for o in owners.values() if o is not None)
        chosen = [i for i in chosen if owners[i.pk] in (first, None)]
        initial = services.default_content(etown=etown, kind=kind, by=request.user, today=today, items=chosen)
        messages.info(request, "逾期事项分属本项目两家承办企业，每家单独发函：本函预选了主送单位的事项，另一家请另行起草。")
    initial["items"] = [i.pk for i in chosen]
    if request.method == "GET" and initial.get("deadline"):
        warning = workdays.calendar_warning(today, initial["deadline"])
        if warning:  # the default deadline counts working days into a year nobody has entered
            messages.warning(request, warning)
    form = LetterForm(request.POST or None, initial=initial, eligible=eligible, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        items = data.pop("items")
        data.pop("confirm_shorten", None)  # the form's question, not a field of the letter
        letter = run_service(form, services.letter_draft, etown=etown, kind=kind, items=items, by=request.user,
                             addressee_org=initial["addressee_org"], **data)
        if letter:
            messages.success(request, "草稿已保存。请预览 PDF 核对后印发。")
            return redirect(letter)
    return render(request, "supervision/letters/letter_form.html", {
        "form": form, "etown": etown, "kind": kind, "eligible_count": eligible.count(), "kinds": K.choices,
        "title": f"起草{kind.label}",
    })


@login_required
def letter_edit(request, pk):
    letter = _letter(request, pk, write=perms.can_edit_letter)
    today = timezone.localdate()
    eligible = services.eligible_items(letter.etown, letter.kind, today) | letter.items.all()
    if letter.corrects_id:
        eligible = letter.corrects.items.exclude(status=Rectification.Status.CLOSED)
    form = LetterForm(request.POST or None, instance=letter, eligible=eligible.distinct(), kind=K(letter.kind))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("items", "confirm_shorten")}
        fresh = SupervisionLetter.objects.get(pk=letter.pk)  # the form changed ``letter`` in place
        if run_service(form, services.letter_update, letter=fresh, by=request.user, items=form.cleaned_data["items"], **data):
            messages.success(request, "草稿已保存。")
            return redirect(letter)
    return render(request, "supervision/letters/letter_form.html", {
        "form": form, "etown": letter.etown, "kind": K(letter.kind), "letter": letter, "title": f"修改草稿 · {letter.title}",
    })


@login_required
def letter_detail(request, pk):
    letter = _letter(request, pk)
    user = request.user
    items = list(letter.items.order_by("due_date", "pk").prefetch_related("escalations"))
    answers = {}
    for response in letter.responses.select_related("submitted_by").prefetch_related("files").order_by("-submitted_at"):
        answers.setdefault(response.item_id, []).append(response)
    can_answer = perms.can_answer(user, letter)
    pdf_job = latest_job(LETTER_PDF, letter.pk) if letter.status == SupervisionLetter.Status.ISSUED and not letter.pdf_id else None
    return render(request, "supervision/letters/letter_detail.html", {
        "pdf_job": pdf_job,
        # Issue 13: a retry whenever the PDF is not on its way: no job, a failed one, or
        # one the broker did not take (the sweep would send it anyway).
        "pdf_retry": pdf_job is None or pdf_job.state == pdf_job.State.FAILED or bool(pdf_job.publish_error),
        "letter": letter,
        "etown": letter.etown,
        "doc": letter_document(letter, items),
        "items": [(item, answers.get(item.pk, []), can_answer and perms.can_submit_evidence(user, item)) for item in items],
        "today": timezone.localdate(),
        "can_edit": perms.can_edit_letter(user, letter),
        "can_issue": perms.can_issue(user, letter),
        "can_correct": perms.can_correct(user, letter),
        "can_acknowledge": perms.can_acknowledge(user, letter),
        "can_answer": can_answer,
        "answer_form": AnswerForm(),
        "cancel_form": CancelForm(),
        "corrections": letter.corrections.exclude(status=SupervisionLetter.Status.CANCELLED),
        "termination": Termination.objects.filter(proposal=letter).first() if letter.kind == K.TERMINATION else None,
    })


@login_required
def letter_preview(request, pk):
    """A draft's PDF rendered on the fly for checking (marked 草稿, never stored)."""
    letter = _letter(request, pk, write=perms.can_edit_letter)
    return generated_pdf_response(letter_pdf_bytes(letter), "draft.pdf")


@login_required
def letter_pdf(request, pk):
    """The issued PDF (the record) through the permission-checked file download."""
    letter = _letter(request, pk)
    if letter.pdf_id:
        return redirect(reverse("file_download", args=[letter.pdf_id]))
    if letter.status == SupervisionLetter.Status.ISSUED:
        messages.info(request, "PDF 正在生成，请稍后刷新页面。")
        return redirect(letter)
    raise Http404("草稿没有正式 PDF，请使用预览。")


@login_required
@require_POST
def letter_render(request, pk):
    """Queue the PDF of an issued letter whose rendering failed (never re-renders one
    that exists)."""
    letter = _letter(request, pk, write=_office)
    if letter.status == SupervisionLetter.Status.ISSUED and not letter.pdf_id:
        job = services.letter_pdf_retry(letter=letter, by=request.user)
        job.refresh_from_db()
        if job.publish_error:
            messages.warning(request, "任务队列暂不可用：已记录为排队中，系统恢复后将自动生成 PDF，无需重复操作。")
        elif job.state != job.State.DONE:
            messages.info(request, "已重新排队生成 PDF。")
    return redirect(letter)


def _post(request, pk, write, service, success, form_class=None, **kwargs):
    letter = _letter(request, pk, write=write)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(letter)
    data = form.cleaned_data if form is not None else {}
    try:
        result = service(letter=letter, by=request.user, **kwargs, **data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(letter)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(result if isinstance(result, SupervisionLetter) else letter)


@login_required
@require_POST
def letter_issue(request, pk):
    return _post(request, pk, _office, services.letter_issue,
                 lambda letter: f"已印发 {letter.number}，PDF 生成后可下载。")


@login_required
@require_POST
def letter_cancel(request, pk):
    return _post(request, pk, _office, services.letter_cancel, "草稿已作废。",
                 CancelForm)


@login_required
@require_POST
def letter_correct(request, pk):
    return _post(request, pk, _office, services.letter_correct,
                 "已起草更正文书，印发后将使用新的文号。")


@login_required
@require_POST
def letter_acknowledge(request, pk):
    return _post(request, pk, _contractor, services.letter_acknowledge, "已签收。")


@login_required
@require_POST
def letter_answer(request, pk, item_pk):
    letter = _letter(request, pk, write=_contractor)
    item = get_object_or_404(letter.items, pk=item_pk)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid() and run_service(form, services.letter_answer, letter=letter, item=item, by=request.user,
                                       **form.cleaned_data):
        messages.success(request, "已提交整改情况，等待办公室核验。")
        return redirect(letter)
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, error)
    return redirect(letter)


@login_required
def interview_create(request, pk):
    etown = get_etown_for(request.user, pk, write=perms.can_supervise)
    initial = {"items": [request.GET["item"]]} if request.GET.get("item", "").isdigit() else None
    form = InterviewForm(request.POST or None, request.FILES or None, etown=etown, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["items"] = list(data["items"])
        if run_service(form, services.interview_create, etown=etown, by=request.user, **data):
            messages.success(request, "约谈记录已保存。")
            return redirect("etown_letters", etown.pk)
    return render(request, "supervision/letters/interview_form.html", {"form": form, "etown": etown})
