"""The regional dashboard (issue 16) for city (地级市商务局), province (省商务厅) and
national (商务部) officials: provinces → counties → e-towns, each level a paginated table
with the money (contract, paid, held), late reports, overdue rectification items,
evaluation results and phases of what it covers; an e-town opens its own page. The page
is the same size for 5 or 500 e-towns (one page of rows, figures per page)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from ..audit import record_denied
from ..models import ETown
from ..permissions import can_view_regional_dashboard, scope_label
from ..selectors.regional import provinces, region_counties, table
from .common import paginate, querystring_without_page

PER_PAGE = 30


@login_required
def regional_dashboard(request):
    verdict = can_view_regional_dashboard(request.user)
    if not verdict:
        record_denied(request.user, "regional_dashboard", verdict.reason, request=request)
        raise PermissionDenied(verdict.reason)
    province = request.GET.get("province", "")
    counties = region_counties(request.user, province)
    context = {"scope_label": scope_label(request.user), "province": province,
               "querystring": querystring_without_page(request)}
    county_pk = request.GET.get("county", "")
    if county_pk:
        county = counties.filter(pk=county_pk).first() if county_pk.isdigit() else None
        if county is None:
            raise Http404("区县不存在")  # another province's county: nothing to learn
        page = paginate(request, ETown.objects.filter(county=county).order_by("name"), PER_PAGE)
        columns, rows = table("etown", page.object_list)
        context.update(level="etown", county=county, page=page, columns=columns, rows=rows)
    elif not province and len(by_province := provinces(counties)) > 1:
        context.update(level="province", provinces=by_province)
    else:
        page = paginate(request, counties, PER_PAGE)
        columns, rows = table("county", page.object_list)
        context.update(level="county", page=page, columns=columns, rows=rows)
    return render(request, "etown/regional_dashboard.html", context)
