"""The county dashboard for the office and the leading group (004 §9(1): the leading
group 统筹安排、协调指导、项目推进 … 监督): e-towns by phase, indicators on and off track,
task progress, and every figure the other apps register as a ``hub.Metric`` (overdue
reports, inspections, rectification items, letters, funds disbursed against contracts).
Charts are drawn by static/js/etown/county_dashboard.js from json_script data."""
from collections import OrderedDict

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from ..audit import record_denied
from ..hub import hub, national_cached
from ..models import County, ETown, Indicator
from ..permissions import can_view_county_dashboard, county_scope, visible_etowns
from ..selectors import INDICATOR_MET, INTEGER, etown_summaries, per_etown
from ..selectors.regional import table as breakdown_table
from ..selectors.filing import missing_labels, unfiled_implementing
from .common import paginate, querystring_without_page

PER_PAGE = 30


def _metric_url(metric):
    if not metric.url_name:
        return ""
    try:
        return reverse(metric.url_name)
    except NoReverseMatch:
        return ""


def _metrics(county_ids):
    """Hub metrics grouped by their ``group``: {group: {"numbers": [...], "charts": [...]}};
    a number becomes a card, a dict {label: number} a bar chart."""
    groups, sources = OrderedDict(), {}
    for metric in hub.metrics:
        if metric.source is not None:  # figures of one table: one query for all of them
            if metric.source not in sources:
                sources[metric.source] = _figure(metric.source, county_ids,
                                                 f"metric-source:{metric.source.__module__}.{metric.source.__qualname__}")
            value = sources[metric.source][metric.field]
        else:
            value = _figure(metric.func, county_ids, f"metric:{metric.key}")
        entry = {"metric": metric, "url": _metric_url(metric)}
        if isinstance(value, dict):
            entry["chart"] = {"type": "bar", "title": metric.label, "labels": [str(k) for k in value],
                              "series": [{"name": metric.label, "data": [_plain(v) for v in value.values()]}]}
            entry["chart_id"] = f"metric-{metric.key}"
        else:
            entry["value"] = value
        group = groups.setdefault(metric.group, {"numbers": [], "charts": []})
        group["charts" if "chart" in entry else "numbers"].append(entry)
    return groups


def _figure(func, county_ids, key):
    """``func(county_ids)``; for the whole country through a short-lived cache
    (``national_cached``)."""
    if county_ids is None:
        return national_cached(key, lambda: func(None))
    return func(county_ids)


def _plain(value):
    """A number JSON can carry (Decimal → float is for drawing only; figures shown as
    text stay Decimal)."""
    try:
        return round(float(value), 1)
    except (TypeError, ValueError):
        return 0


@login_required
def county_dashboard(request):
    verdict = can_view_county_dashboard(request.user)
    if not verdict:
        record_denied(request.user, "county_dashboard", verdict.reason, request=request)
        raise PermissionDenied(verdict.reason)
    province_wide, county_ids = county_scope(request.user)
    in_scope = County.objects.all() if province_wide else County.objects.filter(pk__in=county_ids)
    # Bounded for the widest roles (issue 16): a scope over several provinces picks a
    # province first (31 options, not 1,000 counties), then one of its counties.
    provinces = list(in_scope.order_by("province").values_list("province", flat=True).distinct())
    wanted = request.GET.get("county", "")
    selected = in_scope.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    province = selected.province if selected else request.GET.get("province", "")
    if province not in provinces:
        province = provinces[0] if len(provinces) == 1 else ""
    counties = list(in_scope.filter(province=province).order_by("name")) if province else []
    if selected is None and len(counties) == 1:
        selected = counties[0]
    if selected:
        scope_ids = {selected.pk}
    elif province and len(provinces) > 1:
        scope_ids = {c.pk for c in counties}
    else:
        scope_ids = None if province_wide else set(county_ids)

    # Bounded (issue 16): phases and indicator totals are aggregated by the database over
    # the whole scope; the e-town table and its charts show one page, so the page is the
    # same size for 5 or 500 e-towns.
    summaries = etown_summaries(request.user, county=selected.pk if selected else None)
    scope = visible_etowns(request.user)
    if selected:
        scope = scope.filter(county=selected)
    elif scope_ids is not None and len(provinces) > 1:
        summaries, scope = summaries.filter(county__province=province), scope.filter(county__province=province)
    page = paginate(request, summaries.annotate(
        indicator_pending=per_etown(Indicator, Count("pk", filter=Q(actual__isnull=True)), INTEGER),
    ), PER_PAGE)
    etowns = list(page.object_list)
    # Issue 15: each e-town's money (contract, 已拨付 net and gross, retention held), late
    # reports, overdue rectification and inspections, blocked payments … as each app
    # registers them (hub.Breakdown): a fixed number of queries for the page.
    columns, rows = breakdown_table("etown", etowns)
    for e, row in zip(etowns, rows):
        e.cells = row["cells"]
    phases = OrderedDict((value, {"label": label, "count": 0}) for value, label in ETown.Phase.choices)
    for phase, n in scope.order_by().values_list("phase").annotate(n=Count("pk")):
        phases[phase]["count"] = n
    for e in etowns:
        e.indicator_off = e.indicator_count - e.indicator_met - e.indicator_pending
    sums = Indicator.objects.filter(etown__in=scope.values("pk")).aggregate(
        count=Count("pk"), met=Count("pk", filter=INDICATOR_MET), pending=Count("pk", filter=Q(actual__isnull=True)),
    )
    totals = {"met": sums["met"], "off": sums["count"] - sums["met"] - sums["pending"], "pending": sums["pending"]}
    names = [e.name for e in etowns]
    charts = {
        "phase": {"type": "pie", "title": "项目阶段分布",
                  "labels": [p["label"] for p in phases.values()],
                  "series": [{"name": "项目数", "data": [p["count"] for p in phases.values()]}]},
        "indicators": {"type": "stacked", "title": "绩效目标达成情况",
                       "labels": names,
                       "series": [
                           {"name": "已达成", "data": [e.indicator_met for e in etowns]},
                           {"name": "未达成", "data": [e.indicator_off for e in etowns]},
                           {"name": "待填报", "data": [e.indicator_pending for e in etowns]},
                       ]},
        "progress": {"type": "bar", "title": "建设任务平均进度（%）", "labels": names,
                     "series": [{"name": "平均进度", "data": [_plain(e.task_progress) for e in etowns]}]},
    }
    metric_groups = _metrics(scope_ids)
    metric_charts = {entry["chart_id"]: entry["chart"] for g in metric_groups.values() for entry in g["charts"]}
    return render(
        request,
        "etown/county_dashboard.html",
        {
            "counties": counties if len(counties) > 1 else None,
            "provinces": provinces if len(provinces) > 1 else None,
            "province": province,
            "columns": columns,
            "selected": selected,
            "etowns": etowns,
            "page": page,
            "querystring": querystring_without_page(request),
            "phases": phases,
            "totals": totals,
            "charts": {**charts, **metric_charts},
            "metric_groups": metric_groups,
            # 004 附件2 第四条: implemented before the plan was filed (问题一 of a real county).
            # Each with what it lacks: the plan, the fund rules or both (issue 12).
            "unfiled": [(e, missing_labels(e)) for e in unfiled_implementing(scope_ids)[:20]],
        },
    )
