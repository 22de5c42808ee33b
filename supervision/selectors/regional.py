"""Overdue rectification items and late monthly reports per county and per e-town, for
the regional dashboard (issue 16). One page of the table, a fixed number of queries."""
from django.db.models import Count, Exists
from django.utils import timezone

from etown.models import County, ETown
from etown.workdays import WorkCalendar

from ..models import Rectification, overdue_q
from .inspections import ACTIVE_PHASES, due_table
from .reports import last_day_of_month, latest_due_month, missing_contracts, reporting_etowns


def _grouped(qs, level):
    key = "etown__county_id" if level == "county" else "etown_id"
    return dict(qs.order_by().values_list(key).annotate(n=Count("pk")))


def overdue_items_by(level, ids, *, today=None):
    """整改事项 past their deadline and not closed (000 §6(二); 004 附件4)."""
    today = today or timezone.localdate()
    key = "etown__county_id" if level == "county" else "etown_id"
    return _grouped(Rectification.objects.filter(overdue_q(today), **{f"{key}__in": list(ids)}), level)


def _inspected_etowns(level, ids):
    key = "county_id" if level == "county" else "pk"
    return ETown.objects.filter(phase__in=ACTIVE_PHASES, **{f"{key}__in": list(ids)})


def overdue_inspections_by(level, ids, *, today=None):
    """逾期未检查 (issue 15): planned inspections (e-town × category) whose last period
    passed without one (000 §6(一); 004 附件4 一(三)), from the stored due states
    (``due_table``): the check that they are today's, and one grouped query."""
    return due_table(_inspected_etowns(level, ids), today).counts_by("overdue", level)


def count_overdue_inspections(county_ids, *, today=None):
    """The dashboard metric: overdue planned inspections in the counties (None: all)."""
    etowns = ETown.objects.filter(phase__in=ACTIVE_PHASES)
    if county_ids is not None:
        etowns = etowns.filter(county_id__in=list(county_ids))
    return due_table(etowns, today).counts()["overdue"]


def late_reports_by(level, ids, *, today=None, calendar=None):
    """E-towns with a contract whose latest due monthly report has not been received (高平 000 §5(2);
    临猗 004 附件4 一(二)): one query for the counties' report days, one per distinct day."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar()
    ids = list(ids)
    if level == "county":
        county_days = dict(County.objects.filter(pk__in=ids).values_list("pk", "report_due_day"))
        etowns = ETown.objects.filter(county_id__in=ids)
    else:
        rows = list(ETown.objects.filter(pk__in=ids).values_list("pk", "county_id", "county__report_due_day"))
        county_days = {county_id: day for _, county_id, day in rows}
        etowns = ETown.objects.filter(pk__in=ids)
    by_month = {}
    for county_id, day in county_days.items():
        by_month.setdefault(latest_due_month(day, today, calendar=calendar), []).append(county_id)
    result = {}
    key = "county_id" if level == "county" else "pk"
    for month, county_ids in by_month.items():
        # Late while any of its contractors owes the month (issue 11: each contractor files
        # its own report), as the dashboard's figure counts (reports.count_overdue).
        late = (
            reporting_etowns(etowns.filter(county_id__in=county_ids))
            .filter(reporting_start__lte=last_day_of_month(month))
            .filter(Exists(missing_contracts(month)))
        )
        for target, n in late.order_by().values_list(key).annotate(n=Count("pk")):
            result[target] = result.get(target, 0) + n
    return result
