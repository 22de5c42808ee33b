"""Pages of rectification: the 整改台账 (per county and per e-town, filtered, exported to
Excel), creating and importing items, and the item's page with its status machine."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from etown.models import Role
from etown.permissions import AlreadyHandled, county_scope, get_child_for, get_etown_for, has_scope, visible_etowns
from etown.spreadsheets import issuing_unit
from etown.views.common import apply_service_errors, bounded_options, paginate, querystring_without_page, run_service

from .. import permissions as perms
from ..exports.rectification import ledger_workbook, template_workbook
from ..forms.rectification import CloseForm, EvidenceForm, ImportForm, RectificationEditForm, RectificationForm, SendBackForm
from ..models import EscalationLevel, Rectification
from ..selectors.rectification import hide_termination, ledger, sees_termination
from ..selectors.scope import can_see_item
from ..selectors.termination import items_awaiting_interview
from ..services import rectification as services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name):
    from urllib.parse import quote

    return quote(name)


def _filters(request):
    g = request.GET
    return {
        "status": g.get("status", "") if g.get("status") in Rectification.Status.values else "",
        "source": g.get("source", "") if g.get("source") in Rectification.Source.values else "",
        "unit": g.get("unit", "").strip()[:50],
        "overdue": g.get("overdue", "") if g.get("overdue") in ("0", "1") else "",
        "level": g.get("level", "") if g.get("level", "") in {str(v) for v in EscalationLevel.values} else "",
        "q": g.get("q", "").strip()[:50],
    }


def _etown_options(user):
    """The e-towns of the 项目 filter, or None over a wider scope (``bounded_options``);
    there the 关键词 box finds a project by name."""
    return bounded_options(visible_etowns(user).order_by("name").only("pk", "name"))


def _ledger_page(request, *, etown=None):
    today = timezone.localdate()
    filters = _filters(request)
    etown_id = request.GET.get("etown", "") if etown is None and request.GET.get("etown", "").isdigit() else ""
    items = ledger(request.user, today=today, etown=etown, etown_id=etown_id, **filters)
    if request.GET.get("format") == "xlsx":
        name = f"整改台账_{etown.name if etown else '全部'}_{today:%Y%m%d}.xlsx"
        return _xlsx(ledger_workbook(items, today, unit=issuing_unit(request.user),
                                     hide_termination=not sees_termination(request.user)), name)
    page = paginate(request, items)
    hide_termination(page.object_list, request.user)
    context = {
        "page": page,
        "filters": {**filters, "etown": etown_id},
        "statuses": Rectification.Status.choices,
        "sources": Rectification.Source.choices,
        "levels": EscalationLevel.choices if sees_termination(request.user) else EscalationLevel.choices[:3],
        "querystring": querystring_without_page(request),
        "today": today,
        "etown": etown,
        "etowns": None if etown else _etown_options(request.user),
    }
    if etown is not None:
        context["can_manage"] = perms.can_supervise(request.user, etown)
    else:
        context["can_import"] = has_scope(request.user, {Role.OFFICE})
    return render(request, "supervision/rectification/ledger.html", context)


@login_required
def rectification_list(request):
    """The county's 整改台账 across the user's e-towns."""
    return _ledger_page(request)


@login_required
def etown_rectifications(request, pk):
    return _ledger_page(request, etown=get_etown_for(request.user, pk))


@login_required
def rectification_template(request):
    return _xlsx(template_workbook(), "整改清单模板.xlsx")


@login_required
def rectification_create(request, pk):
    etown = get_etown_for(request.user, pk, write=perms.can_supervise)
    form = RectificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = run_service(form, services.rectification_create, etown=etown, by=request.user, **form.cleaned_data)
        if item:
            messages.success(request, "已登记整改事项，并通知承办企业。")
            warn_unresolved(request, item)
            return redirect(item)
    return render(request, "supervision/rectification/form.html", {"form": form, "etown": etown, "title": "登记整改事项"})


def _import(request, form, etown):
    """Run the import from a valid form; rows with past deadlines only once confirmed.
    Returns (redirect or None, whether the refusal was for past deadlines)."""
    data = form.cleaned_data
    try:
        items = services.rectifications_import(etown=etown, fileobj=data["file"], source=data["source"],
                                               year=data["year"], by=request.user,
                                               allow_past=bool(data.get("confirm_past")))
    except AlreadyHandled:  # a lost race: the middleware's message, as run_service does
        raise
    except ValidationError as error:
        apply_service_errors(form, error)
        return None, getattr(error, "code", None) == "past_deadlines"
    today = timezone.localdate()
    past = sum(1 for item in items if item.deadline < today)
    note = f"其中 {past} 项导入时已过整改时限，已计为逾期。" if past else ""
    messages.success(request, f"已导入 {len(items)} 项整改事项。{note}")
    return redirect("etown_rectifications", etown.pk), False


@login_required
def rectification_import(request, pk):
    """Import a feedback list: all rows or none, with every bad row named."""
    etown = get_etown_for(request.user, pk, write=perms.can_supervise)
    form = ImportForm(request.POST or None, request.FILES or None)
    past_refused = False
    if request.method == "POST" and form.is_valid():
        done, past_refused = _import(request, form, etown)
        if done:
            return done
    return render(request, "supervision/rectification/import.html", {
        "form": form, "etown": etown, "past_refused": past_refused})


def _supervisable_etowns(user):
    """The e-towns whose items this office may import (perms.can_supervise: the office of
    the e-town's county)."""
    nationwide, county_ids = county_scope(user, {Role.OFFICE})
    etowns = visible_etowns(user)
    return etowns if nationwide else etowns.filter(county_id__in=county_ids)


@login_required
def rectification_import_any(request):
    """The import on the county 整改台账 (issue 15): the office picks the e-town."""
    etowns = _supervisable_etowns(request.user)
    if not etowns.exists():
        raise PermissionDenied("仅领导小组办公室可以导入整改清单。")
    form = ImportForm(request.POST or None, request.FILES or None, etowns=etowns.order_by("name"))
    past_refused = False
    if request.method == "POST" and form.is_valid():
        etown = get_etown_for(request.user, form.cleaned_data["etown"].pk, write=perms.can_supervise)
        done, past_refused = _import(request, form, etown)
        if done:
            return done
    return render(request, "supervision/rectification/import.html", {
        "form": form, "etown": None, "past_refused": past_refused})


def warn_unresolved(request, item):
    """Tell the office which responsible units matched no registered organisation: the
    item is then the e-town's, visible to each of its contractors (issue 11)."""
    unknown = services.unresolved_units(etown=item.etown, units=[item.units])
    if unknown:
        messages.warning(request, f"责任单位“{'、'.join(unknown)}”未对应到已登记的单位，该事项对本项目所有承办企业可见；"
                                  "如属某一承办企业，请写明其全称或在单位名录中登记简称后修改本事项。")


def _item(request, pk, write=None):
    item = get_child_for(request.user, Rectification, pk, write=write, related=("closed_by", "created_by"))
    if not can_see_item(request.user, item):  # another contractor's item (issue 11): 404
        raise Http404("记录不存在")
    return item


def _detail(request, item, status=200, **forms):
    user = request.user
    today = timezone.localdate()
    escalations = item.escalations.select_related("letter", "escalated_by")
    history = item.history.select_related("history_user").order_by("-history_date")
    letters = item.letters.exclude(status="cancelled")
    if not sees_termination(user):
        # As on the letters pages: outside government only issued letters to the
        # contractor, never drafts or the proposal to terminate.
        letters = letters.filter(status="issued").exclude(kind=EscalationLevel.TERMINATION)
        escalations = escalations.filter(level__lt=EscalationLevel.TERMINATION)
        history = history.filter(escalation_level__lt=EscalationLevel.TERMINATION)
        hide_termination([item], user)
    context = {
        "item": item,
        "etown": item.etown,
        "today": today,
        "overdue": item.is_overdue(today),
        "responses": item.responses.select_related("submitted_by", "letter").prefetch_related("files"),
        "escalations": escalations,
        "letters": letters.order_by("-pk"),
        "history": history[:30],
        "can_start": perms.can_start(user, item),
        "can_submit": perms.can_submit_evidence(user, item),
        "can_close": perms.can_close(user, item),
        "can_send_back": perms.can_send_back(user, item),
        "can_edit": perms.can_edit_item(user, item),
        "can_escalate": perms.can_supervise(user, item.etown),
        "evidence_form": forms.get("evidence_form") or EvidenceForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "send_back_form": forms.get("send_back_form") or SendBackForm(),
        "next_level": item.escalation_level + 1 if item.escalation_level < EscalationLevel.TERMINATION else None,
        "ladder": EscalationLevel.choices[1:],
    }
    if context["next_level"]:
        context["escalate_verdict"] = perms.can_escalate(item, context["next_level"], today)
    # 约谈 prompted after the second order (高平 000 第八条; issue 12): office staff only.
    context["interview_prompt"] = bool(context["can_escalate"]) and items_awaiting_interview([item.etown_id]).filter(
        pk=item.pk
    ).exists()
    return render(request, "supervision/rectification/detail.html", context, status=status)


@login_required
def rectification_detail(request, pk):
    return _detail(request, _item(request, pk))


@login_required
def rectification_edit(request, pk):
    item = _item(request, pk, write=perms.can_supervise)
    form = RectificationEditForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if item.escalation_level:
            data.pop("deadline", None)
        saved = run_service(form, services.rectification_update, item=item, by=request.user, **data)
        if saved:
            messages.success(request, "整改事项已保存。")
            warn_unresolved(request, saved)
            return redirect(item)
    return render(request, "supervision/rectification/form.html",
                  {"form": form, "etown": item.etown, "item": item, "title": "修改整改事项"})


def _transition(request, pk, role_check, service, success, form_class=None, form_name=""):
    """The POST of a status transition: 403 with the reason when the role may not act;
    when the state forbids it or the input is bad, the reason is shown and nothing
    changes."""
    item = _item(request, pk)
    verdict = role_check(request.user, item)
    if not verdict:
        raise PermissionDenied(verdict.reason)
    form = form_class(request.POST, request.FILES) if form_class else forms.Form(request.POST)
    if form.is_valid() and run_service(form, service, item=item, by=request.user, **form.cleaned_data):
        messages.success(request, success)
        return redirect(item)
    if form_class is None:
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect(item)
    return _detail(request, item, status=400, **{form_name: form})


def _responder(user, item):
    return perms.can_respond_to(user, item)


@login_required
@require_POST
def rectification_start(request, pk):
    return _transition(request, pk, _responder, services.rectification_start, "已标记为整改中。")


@login_required
@require_POST
def rectification_submit(request, pk):
    return _transition(request, pk, _responder, services.rectification_submit_evidence,
                       "整改佐证已提交，等待办公室核验。", EvidenceForm, "evidence_form")


@login_required
@require_POST
def rectification_close(request, pk):
    return _transition(request, pk, perms.can_review, services.rectification_close, "已核验销号。", CloseForm, "close_form")


@login_required
@require_POST
def rectification_send_back(request, pk):
    return _transition(request, pk, perms.can_review, services.rectification_send_back, "已退回承办企业。",
                       SendBackForm, "send_back_form")
