"""Office pages behind the column: publish or unpublish an e-town's page and its
sections, upload and publish documents (000 §5(2); 004 annex 2 art. 4)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..audit import record_denied
from ..forms.column import DocumentForm, ProfileForm, profile_initial
from ..forms.common import ReasonForm
from ..models import County, ETown, PublicDocument, PublicProfile, Role
from ..permissions import can_edit_etown, can_manage_column, county_scope, get_etown_for, has_scope, in_scope
from ..services import column as services
from .common import run_service


def office_county(request):
    """The county whose column the user manages: ``?county=`` when they manage several
    (a provincial office), else their one county. 403 for everyone else."""
    if not has_scope(request.user, {Role.OFFICE}):
        record_denied(request.user, "column", "非办公室人员", request=request)
        raise PermissionDenied(can_manage_column(request.user, None).reason)
    province_wide, county_ids = county_scope(request.user, {Role.OFFICE})
    counties = County.objects.all() if province_wide else County.objects.filter(pk__in=county_ids)
    wanted = request.GET.get("county") or request.POST.get("county") or ""
    county = counties.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    return county or counties.order_by("name").first(), counties


@login_required
def column_manage(request):
    county, counties = office_county(request)
    etowns = (
        ETown.objects.filter(county=county)
        .select_related("public_profile")
        .annotate(
            doc_count=Count("public_documents", distinct=True),
            doc_published=Count("public_documents", filter=Q(public_documents__is_published=True), distinct=True),
        )
        .order_by("name")
    )
    documents = (
        PublicDocument.objects.filter(county=county, etown__isnull=True).select_related("file").order_by("kind", "pk")
    )
    section_labels = dict(services.section_choices())
    return render(
        request,
        "public/manage/column.html",
        {
            "county": county,
            "counties": counties if counties.count() > 1 else None,
            "etowns": etowns,
            "section_labels": section_labels,
            "documents": documents,
            "unpublish_form": ReasonForm(),
        },
    )


@login_required
def column_etown(request, pk):
    etown = get_etown_for(request.user, pk, write=can_edit_etown)
    profile = PublicProfile.objects.filter(etown=etown).first()
    form = ProfileForm(request.POST or None, initial=profile_initial(profile))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form, services.profile_update, etown=etown, by=request.user, is_published=data["is_published"],
            sections=data["sections"], summary=data["summary"], reason=data["reason"],
        )
        if done:
            messages.success(request, "专栏已公开。" if done.is_published else "已保存；该项目当前不在专栏公开。")
            return redirect("column_etown", etown.pk)
    documents = PublicDocument.objects.filter(etown=etown).select_related("file").order_by("kind", "pk")
    return render(
        request,
        "public/manage/etown.html",
        {"etown": etown, "profile": profile, "form": form, "documents": documents, "unpublish_form": ReasonForm()},
    )


@login_required
def document_create(request):
    county, _ = office_county(request)
    etown = None
    raw = request.GET.get("etown") or ""
    if raw.isdigit():
        etown = get_etown_for(request.user, int(raw), write=can_edit_etown)
        county = etown.county
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        document = run_service(
            form, services.document_create, county=county, etown=etown, kind=data["kind"], title=data["title"],
            issued_on=data["issued_on"], upload=data["upload"], publish=data["publish"], by=request.user,
        )
        if document:
            messages.success(request, f"已上传“{document.title}”" + ("并公开。" if document.is_published else "（未公开）。"))
            return redirect("column_etown", etown.pk) if etown else redirect("column_manage")
    return render(
        request,
        "etown/form.html",
        {
            "form": form, "title": f"上传专栏文件 · {etown.name if etown else county.name + '（全县）'}",
            "etown": etown, "multipart": True,
        },
    )


def _document_for(request, pk):
    """404 for a user outside the document's county, 403 for a read-only role."""
    try:
        document = PublicDocument.objects.select_related("etown", "county").get(pk=pk)
    except PublicDocument.DoesNotExist:
        raise Http404("文件不存在")
    if document.etown is not None:
        get_etown_for(request.user, document.etown_id, write=can_edit_etown)
    else:
        if not in_scope(request.user, document.county_id):
            record_denied(request.user, f"document:{pk}", "无权查看", request=request)
            raise Http404("文件不存在")
        verdict = can_manage_column(request.user, document.county_id)
        if not verdict:
            record_denied(request.user, f"document:{pk}", verdict.reason, request=request)
            raise PermissionDenied(verdict.reason)
    return document


def _back(document):
    return redirect("column_etown", document.etown_id) if document.etown_id else redirect("column_manage")


@login_required
@require_POST
def document_publish(request, pk):
    document = _document_for(request, pk)
    try:
        services.document_publish(document=document, by=request.user)
        messages.success(request, f"已公开“{document.title}”。")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return _back(document)


@login_required
@require_POST
def document_unpublish(request, pk):
    document = _document_for(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.document_unpublish(document=document, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, f"已取消公开“{document.title}”。")
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
    else:
        messages.error(request, "请填写取消公开的原因。")
    return _back(document)
