"""The public column (专栏): readable by anyone, no sign-in (000 §5(2), 002 art. 16,
004 §9(4), 004 annex 2 art. 4, 004 annex 3 art. 7).

Everything shown comes through ``etown.selectors.column``, which only return what the
office published. The two windows take messages from anyone, behind a rate limit per
address, a honeypot and a time trap (``etown.ratelimit``).
"""
import json

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .. import ratelimit
from ..exports import opendata
from ..forms.submissions import LookupForm, SubmissionForm
from ..models import PublicSubmission, StoredFile
from ..selectors import column as selectors
from ..services import submissions as services
from ..uploads import file_exists, file_open
from ..workdays import unknown_years
from .common import apply_service_errors, paginate, querystring_without_page

RECEIPT_KEY = "public_receipt"


def column_index(request):
    counties = list(selectors.public_counties())
    if len(counties) == 1:
        return redirect("public_county", counties[0].pk)
    return render(request, "public/index.html", {"counties": counties})


def county_column(request, county_pk):
    county = selectors.get_county(county_pk)
    today = timezone.localdate()
    current, past = selectors.split_notices(selectors.public_notices(county)[:30], today)
    return render(
        request,
        "public/county.html",
        {
            "county": county,
            "etowns": list(selectors.public_etowns(county)),
            "current_notices": current,
            "past_notices": past[:10],
            "documents": list(selectors.public_documents(county)),
            "replies": list(selectors.published_replies(county)[:5]),
            "today": today,
        },
    )


def etown_column(request, pk):
    etown = selectors.get_public_etown(pk)
    today = timezone.localdate()
    current, past = selectors.split_notices(selectors.public_notices(etown.county, etown=etown), today)
    return render(
        request,
        "public/etown.html",
        {
            "county": etown.county,
            "etown": etown,
            "profile": etown.public_profile,
            "documents": list(selectors.public_documents(etown.county, etown)),
            "tasks": selectors.public_tasks(etown),
            "indicators": selectors.public_indicators(etown),
            "panels": selectors.public_panels(request, etown),
            "current_notices": current,
            "past_notices": past,
            "today": today,
        },
    )


def notice_list(request, county_pk):
    county = selectors.get_county(county_pk)
    today = timezone.localdate()
    page = paginate(request, selectors.public_notices(county), per_page=20)
    page.object_list = selectors.with_states(page.object_list, today)
    return render(
        request,
        "public/notice_list.html",
        {
            "county": county,
            "page": page,
            "querystring": querystring_without_page(request),
            "today": today,
        },
    )


def notice_detail(request, pk):
    notice = selectors.get_public_notice(pk)
    today = timezone.localdate()
    return render(
        request,
        "public/notice_detail.html",
        {
            "county": notice.county,
            "notice": notice,
            "calendar_years": "、".join(str(y) for y in unknown_years(notice.start_date, notice.end_date)),
            "state": notice.state(today),
            "can_object": notice.is_running(today),
            "objection_url": reverse("public_submit", args=[notice.county_id, PublicSubmission.Kind.OPINION])
            + f"?notice={notice.pk}",
        },
    )


def reply_list(request, county_pk):
    county = selectors.get_county(county_pk)
    return render(
        request,
        "public/replies.html",
        {"county": county, "page": paginate(request, selectors.published_replies(county), per_page=20)},
    )


def public_file(request, pk):
    """A published document of the column. Only files of published documents of
    published pages, and only while their stored access level is PUBLIC."""
    document = selectors.get_public_document(pk)
    stored = document.file
    if stored.access != StoredFile.Access.PUBLIC or not file_exists(stored):
        raise Http404("文件不存在或未公开")
    inline = request.GET.get("inline") == "1" and stored.content_type in ("application/pdf", "image/jpeg", "image/png")
    response = FileResponse(
        file_open(stored), as_attachment=not inline, filename=stored.original_name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The windows ------------------------------------------------------------------------


def _running_notice(request, county):
    """The notice an objection is about (``?notice=`` or the posted field), if any."""
    raw = request.POST.get("notice") or request.GET.get("notice") or ""
    if not raw.isdigit():
        return None
    notice = selectors.public_notices(county).filter(pk=int(raw)).first()
    return notice


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request, county_pk, kind):
    if kind not in PublicSubmission.Kind.values:
        raise Http404("窗口不存在")
    county = selectors.get_county(county_pk)
    notice = _running_notice(request, county) if kind == PublicSubmission.Kind.OPINION else None
    form = SubmissionForm(request.POST or None, request.FILES or None, county=county, kind=kind)
    context = {"county": county, "form": form, "kind": kind, "notice": notice,
               "kind_label": PublicSubmission.Kind(kind).label, "honeypot": form[ratelimit.HONEYPOT_FIELD]}
    if request.method != "POST":
        return render(request, "public/submit.html", context)

    key = ratelimit.address_hash(request)
    limit = ratelimit.submit_limit()
    if ratelimit.is_limited(key, limit):
        form.add_error(None, f"同一网络提交过于频繁，请约 {ratelimit.retry_minutes(limit)} 分钟后再试；"
                             "紧急情况请拨打县纪委监委或审计局公开的电话。")
        return render(request, "public/submit.html", context, status=429)
    problem = "提交未通过校验，请刷新页面后重新填写。" if form.is_bot() else ratelimit.stamp_problem(request.POST.get("stamp"))
    if problem:
        ratelimit.record_hit(key, limit)  # attempts that fail the traps count too
        # Show the text back with a fresh stamp, so a person caught by mistake can resend.
        data = request.POST.copy()
        data["stamp"] = ratelimit.form_stamp()
        data[ratelimit.HONEYPOT_FIELD] = ""
        form = SubmissionForm(data, county=county, kind=kind)
        form.add_error(None, problem)
        context.update(form=form, honeypot=form[ratelimit.HONEYPOT_FIELD])
        return render(request, "public/submit.html", context, status=400)
    if not form.is_valid():
        if "attachment" in form.errors:
            ratelimit.record_hit(key, limit)  # an oversize or refused file counts too (issue 14)
        return render(request, "public/submit.html", context)
    data = form.cleaned_data
    try:
        submission, code = services.submission_create(
            county=county, kind=kind, subject=data["subject"], content=data["content"], etown=data["etown"],
            notice=notice, name=data["name"], contact=data["contact"], upload=data["attachment"], address_hash=key,
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return render(request, "public/submit.html", context)
    ratelimit.record_hit(key, limit)
    ratelimit.stamp_use(request.POST.get("stamp"))
    request.session[RECEIPT_KEY] = {
        "code": code, "kind": submission.get_kind_display(), "subject": submission.subject,
        "county": county.pk, "notice": notice.title if notice else "",
    }
    return redirect("public_receipt")


@never_cache
def receipt(request):
    """Shows the tracking code once (post/redirect/get: a reload does not send twice)."""
    data = request.session.pop(RECEIPT_KEY, None)
    if not data:
        return redirect("public_track")
    return render(request, "public/receipt.html", {"receipt": data, "county": selectors.get_county(data["county"])})


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """Look a message up by its tracking code. POST, so the code stays out of URLs,
    logs and Referer headers."""
    form = LookupForm(request.POST or None)
    context = {"form": form, "submission": None, "looked_up": False}
    if request.method == "POST":
        key = ratelimit.address_hash(request)
        limit = ratelimit.lookup_limit()
        if ratelimit.is_limited(key, limit):
            form.add_error(None, f"查询过于频繁，请约 {ratelimit.retry_minutes(limit)} 分钟后再试。")
            return render(request, "public/track.html", context, status=429)
        ratelimit.record_hit(key, limit)
        if form.is_valid():
            context["looked_up"] = True
            context["submission"] = services.submission_lookup(form.cleaned_data["code"])
    return render(request, "public/track.html", context)


# Open data ----------------------------------------------------------------------------


def _json(data, filename):
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    return response


def _csv(data, filename):
    response = HttpResponse(opendata.to_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def county_data(request, county_pk, fmt):
    county = selectors.get_county(county_pk)
    data = opendata.build(request, county)
    name = f"etown-column-county-{county.pk}"
    return _json(data, f"{name}.json") if fmt == "json" else _csv(data, f"{name}.csv")


def etown_data(request, pk, fmt):
    etown = selectors.get_public_etown(pk)
    data = opendata.build(request, etown.county, etown)
    name = f"etown-column-etown-{etown.pk}"
    return _json(data, f"{name}.json") if fmt == "json" else _csv(data, f"{name}.csv")


def data_format(request):
    """The format description, machine-readable (the prose is docs/OPEN_DATA.md)."""
    return HttpResponse(
        json.dumps(
            {"format": opendata.FORMAT_NAME, "version": opendata.FORMAT_VERSION, "csv_columns": opendata.CSV_COLUMNS},
            ensure_ascii=False, indent=2,
        ),
        content_type="application/json; charset=utf-8",
    )


def favicon(request):
    """``/favicon.ico``: browsers ask for it at the root whatever the page's ``<link
    rel="icon">`` says; serve the static icon (a 404 here filled every log)."""
    from django.contrib.staticfiles import finders

    found = finders.find("favicon.ico")
    if not found:
        raise Http404("favicon")
    response = FileResponse(open(found, "rb"), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
