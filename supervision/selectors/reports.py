"""Read side of the monthly reports: due dates, which months are expected, the review
queue, indicator tracking. Every list is scoped with ``visible_etowns`` and runs a fixed
number of queries whatever its length.

Due date (临猗 004 annex 4 §1(2) asks for a report every month; the day is the county's
setting ``County.report_due_day``, default the 5th): the report of month M is due on that
day of month M+1, postponed to the next working day when it is not one (statutory
calendar, ``etown.workdays``).
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from etown.models import LIVE_CONTRACTS, Contract, County, ETown, Indicator, Membership, Role
from etown.permissions import county_scope, memberships, visible_etowns, visible_etowns_q
from etown.workdays import WorkCalendar

from ..models import MonthlyReport, MonthlyReportIndicatorLine, MonthlyReportTaskLine
from ..models.reports import add_months, first_of_month, last_day_of_month, months_between
from .scope import scope_reports

# Reports the office has received (a draft has not been sent yet).
RECEIVED = (
    MonthlyReport.Status.SUBMITTED,
    MonthlyReport.Status.RESUBMITTED,
    MonthlyReport.Status.RETURNED,
    MonthlyReport.Status.ACCEPTED,
)
# Units of a rate (e.g. 网络零售额同比增长率): may be negative, not summed, not prorated.
RATE_UNITS = {"%", "％"}


# Due dates --------------------------------------------------------------------------


def due_date_for(due_day, period, *, calendar=None):
    """The due date of the report of ``period``'s month for a county whose report day is
    ``due_day`` (an int, or a County)."""
    day = getattr(due_day, "report_due_day", due_day) or 5
    following = add_months(period, 1)
    nominal = following.replace(day=min(int(day), 28))
    return (calendar or WorkCalendar()).next_workday(nominal)


def latest_due_month(due_day, today, *, calendar=None):
    """The newest month whose report is already due (its due date is before ``today``)."""
    month = add_months(first_of_month(today), -1)
    while due_date_for(due_day, month, calendar=calendar) >= today:
        month = add_months(month, -1)
    return month


def parse_month(value):
    """'2026-10' → date(2026, 10, 1); None when it is not a month."""
    try:
        year, month = str(value).split("-")[:2]
        return datetime.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        return None


# Which months an e-town must report ------------------------------------------------


def with_reporting_start(qs):
    """Annotate ``reporting_start``: the month reports begin. It is the start of 项目实施
    (implementation) when recorded, else the start of the first live contract (its term,
    or its signing date). An e-town with no live contract has no contractor to report and
    gets None."""
    first_contract = (
        Contract.objects.filter(etown=OuterRef("pk"), status__in=LIVE_CONTRACTS)
        .order_by()
        .values("etown")
        .annotate(d=Min(Coalesce("term_start", "signed_on")))
        .values("d")[:1]
    )
    # No ordering: Contract's default one joins the e-town and county in every row's
    # subquery (issue 16: 0.5 s for a national user's dashboards).
    has_contract = Contract.objects.filter(etown=OuterRef("pk"), status__in=LIVE_CONTRACTS).order_by().values("pk")[:1]
    return qs.annotate(
        first_contract_start=Subquery(first_contract, output_field=DateField()),
        live_contract=Subquery(has_contract),
    ).annotate(
        reporting_start=Coalesce("implementation_start", "first_contract_start", output_field=DateField()),
    )


def reporting_etowns(qs):
    """E-towns that owe monthly reports: a live contract, not closed, not terminated."""
    return (
        with_reporting_start(qs)
        .filter(live_contract__isnull=False, reporting_start__isnull=False)
        .exclude(phase=ETown.Phase.CLOSED)
        .exclude(status=ETown.Status.TERMINATED)
    )


def reporting_start_of(etown):
    start = getattr(etown, "reporting_start", None)
    if start is None and not hasattr(etown, "reporting_start"):
        start = with_reporting_start(ETown.objects.filter(pk=etown.pk)).values_list("reporting_start", flat=True).first()
    return first_of_month(start) if start else None


def open_months(etown, today):
    """The months the contractor may file now: from the reporting start to this month."""
    start = reporting_start_of(etown)
    if start is None:
        return []
    return months_between(start, first_of_month(today))


# Per contract (issue 11) ---------------------------------------------------------------


def _contract_start():
    return Coalesce("term_start", "signed_on")


def missing_contracts(period, etown_ref=OuterRef("pk")):
    """The live contracts of an e-town (``etown_ref``) that owe the report of ``period``
    and have none received: each contractor of an e-town files its own report (004 附件2
    第十一条). A contract signed after the month owes nothing for it; a report filed with no
    contract (before issue 11, ambiguous) counts for every contract of its e-town."""
    received = MonthlyReport.objects.filter(
        etown_id=OuterRef("etown_id"), period=period, status__in=RECEIVED,
    ).filter(Q(contract_id=OuterRef("pk")) | Q(contract__isnull=True))
    return (
        Contract.objects.filter(etown=etown_ref, status__in=LIVE_CONTRACTS)
        .annotate(start=_contract_start()).filter(start__lte=last_day_of_month(period))
        .exclude(Exists(received))
    )


def late_contracts(etowns, period):
    """The live contracts of the reporting e-towns among ``etowns`` whose report of
    ``period`` is not received, with their e-town (one query): the reminder sweep tells
    each contractor of its own report."""
    received = MonthlyReport.objects.filter(
        etown_id=OuterRef("etown_id"), period=period, status__in=RECEIVED,
    ).filter(Q(contract_id=OuterRef("pk")) | Q(contract__isnull=True))
    reporting = reporting_etowns(etowns).filter(reporting_start__lte=last_day_of_month(period)).values("pk")
    return list(
        Contract.objects.filter(etown__in=reporting, status__in=LIVE_CONTRACTS)
        .annotate(start=_contract_start()).filter(start__lte=last_day_of_month(period))
        .exclude(Exists(received)).select_related("etown").order_by("etown_id", "signed_on", "pk")
    )


def contractor_users_by_contract(contracts):
    """{contract_id: [users]}: the active contractor staff of each contract's company (one
    query), for the reminders of each contractor's own report."""
    by_organization = {}
    for m in Membership.objects.filter(
        role=Role.CONTRACTOR, organization_id__in={c.contractor_id for c in contracts}, user__is_active=True,
    ).select_related("user").order_by("user_id"):
        by_organization.setdefault(m.organization_id, {})[m.user_id] = m.user
    return {c.pk: list(by_organization.get(c.contractor_id, {}).values()) for c in contracts}


# Lists ------------------------------------------------------------------------------


def late_expression(today):
    return ExpressionWrapper(
        Q(first_submitted_on__gt=F("due_date")) | Q(first_submitted_on__isnull=True, due_date__lt=today),
        output_field=BooleanField(),
    )


def reports_for(user, *, today=None):
    """Every report the user may read, with its e-town, county and a ``late`` flag."""
    today = today or timezone.localdate()
    return (
        scope_reports(MonthlyReport.objects.filter(visible_etowns_q(user, "etown")), user)
        .select_related("etown__county", "submitted_by", "reviewed_by", "contract__contractor")
        .annotate(late=late_expression(today))
    )


def waiting_reports(user, *, today=None):
    """Reports waiting for the office's review, oldest submission first."""
    return reports_for(user, today=today).filter(status__in=MonthlyReport.WAITING).order_by("submitted_at", "pk")


def filtered_reports(user, *, today=None, month=None, status="", late=False, q=""):
    qs = reports_for(user, today=today)
    if month:
        qs = qs.filter(period=month)
    if status:
        qs = qs.filter(status=status)
    if late:
        qs = qs.filter(late=True)
    if q:
        qs = qs.filter(etown__name__icontains=q)
    return qs.order_by("-period", "etown__county__name", "etown__name")


def visible_counties(user):
    province_wide, county_ids = county_scope(user)
    qs = County.objects.all() if province_wide else County.objects.filter(pk__in=county_ids)
    return qs.order_by("name")


def latest_month_with_data(user):
    """The newest month for which a report the user may read was received (submitted,
    returned or accepted), or None: the departments' workbook opens on it (issue 15: it
    opened on a month with no data)."""
    return (
        MonthlyReport.objects.filter(etown__in=visible_etowns(user), status__in=RECEIVED)
        .order_by("-period").values_list("period", flat=True).first()
    )


def default_overdue_month(counties, today, *, calendar):
    """The newest month already due in at least one of ``counties``."""
    months = [latest_due_month(c.report_due_day, today, calendar=calendar) for c in counties]
    return max(months) if months else add_months(first_of_month(today), -1)


def overdue_etowns(user, month, *, today=None, calendar=None, counties=None):
    """E-towns whose report of ``month`` is due and not received (no report at all, or a
    draft not yet submitted). Each row carries ``due`` (computed per county), the draft's
    id if there is one, and ``missing_months``: how many months from the reporting start
    to ``month`` have no received report (the "never reported" count)."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar()
    counties = list(visible_counties(user)) if counties is None else counties
    due_by_county = {c.pk: due_date_for(c.report_due_day, month, calendar=calendar) for c in counties}
    past_due = [pk for pk, due in due_by_county.items() if due < today]
    missing = missing_contracts(month)
    draft = MonthlyReport.objects.filter(etown=OuterRef("pk"), period=month, status=MonthlyReport.Status.DRAFT)
    received_until = (
        MonthlyReport.objects.filter(etown=OuterRef("pk"), period__lte=month, status__in=RECEIVED)
        .order_by()
        .values("etown")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    # The contractor that owes the report (the first one, when both of an e-town's do).
    contractor = missing.order_by("signed_on", "pk").values("contractor__name")[:1]
    qs = (
        reporting_etowns(visible_etowns(user).filter(county_id__in=past_due))
        .filter(reporting_start__lte=last_day_of_month(month))
        .filter(Exists(missing))
        .select_related("county")
        .annotate(
            draft_id=Subquery(draft.values("pk")[:1]),
            received_count=Coalesce(Subquery(received_until, output_field=IntegerField()), Value(0)),
            contractor_name=Subquery(contractor),
        )
        .order_by("county__name", "name")
    )
    return qs, due_by_county


def decorate_overdue(rows, month, due_by_county, today, *, calendar):
    """Per-row figures computed in Python from what the query already loaded."""
    for etown in rows:
        etown.due = due_by_county.get(etown.county_id)
        expected = len(months_between(etown.reporting_start, month))
        etown.missing_months = max(expected - (etown.received_count or 0), 0)
        etown.workdays_late = calendar.workdays_between(etown.due, today) if etown.due else 0
    return rows


def queue_counts(user, *, today=None, calendar=None):
    """Figures for the dashboard card and the queue's tabs."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar()
    counties = list(visible_counties(user))
    month = default_overdue_month(counties, today, calendar=calendar)
    overdue, _ = overdue_etowns(user, month, today=today, calendar=calendar, counties=counties)
    waiting = Q(status__in=MonthlyReport.WAITING)
    figures = reports_for(user, today=today).filter(waiting | Q(period=month)).aggregate(
        waiting=Count("pk", filter=waiting), late_this_month=Count("pk", filter=Q(period=month, late=True)),
    )
    return {**figures, "overdue": overdue.count(), "overdue_month": month}


def _counties(county_ids):
    return County.objects.all() if county_ids is None else County.objects.filter(pk__in=county_ids)


def count_waiting(county_ids):
    """Dashboard metric: reports waiting for review in the counties (None: all)."""
    qs = MonthlyReport.objects.filter(status__in=MonthlyReport.WAITING)
    if county_ids is not None:
        qs = qs.filter(etown__county_id__in=county_ids)
    return qs.count()


def count_overdue(county_ids, *, today=None, calendar=None):
    """Dashboard metric: e-towns whose latest due report has not been received."""
    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar()
    by_month = {}
    for county in _counties(county_ids):
        by_month.setdefault(latest_due_month(county.report_due_day, today, calendar=calendar), []).append(county.pk)
    total = 0
    for month, ids in by_month.items():
        total += (
            reporting_etowns(ETown.objects.filter(county_id__in=ids))
            .filter(reporting_start__lte=last_day_of_month(month))
            .filter(Exists(missing_contracts(month)))
            .count()
        )
    return total


# Contractor's view ------------------------------------------------------------------


@dataclass
class MonthRow:
    etown: ETown
    period: datetime.date
    due: datetime.date
    report: MonthlyReport | None
    late: bool

    @property
    def period_label(self):
        return f"{self.period.year}年{self.period.month}月"


def contractor_months(user, *, today=None, calendar=None, etown_ids=None):
    """For each e-town the user reports for, every month from the reporting start to this
    month, newest first, with its report (or None) and due date. Three queries."""
    from guardian.shortcuts import get_objects_for_user

    from etown.models import Role
    from etown.permissions import has_role

    today = today or timezone.localdate()
    calendar = calendar or WorkCalendar()
    if not has_role(user, Role.CONTRACTOR):
        return []
    # The permission check sits inside the query (one look-up for any number of e-towns),
    # the same rule as etown.permissions.can_report_for.
    reportable = get_objects_for_user(
        user, "etown.report_etown", klass=ETown.objects.all(), accept_global_perms=False, with_superuser=False,
    )
    # Each contractor reports for its own contract (issue 11): from the later of the
    # e-town's reporting start and its own contract's start (in the same query).
    orgs = {m.organization_id for m in memberships(user) if m.role == Role.CONTRACTOR and m.organization_id}
    own = (
        Contract.objects.filter(etown=OuterRef("pk"), status__in=LIVE_CONTRACTS, contractor_id__in=orgs)
        .annotate(start=Coalesce("term_start", "signed_on")).order_by("start").values("start")[:1]
    )
    qs = (
        reporting_etowns(reportable).annotate(own_start=Subquery(own, output_field=DateField()))
        .select_related("county").order_by("name")
    )
    if etown_ids is not None:
        qs = qs.filter(pk__in=etown_ids)
    etowns = list(qs)
    reports = {}
    for r in scope_reports(MonthlyReport.objects.filter(etown__in=[e.pk for e in etowns]), user).order_by(
        "contract_id"
    ).only("pk", "etown_id", "contract_id", "period", "status", "due_date", "first_submitted_on", "return_reason"):
        if r.contract_id is not None or (r.etown_id, r.period) not in reports:  # its own before a legacy one
            reports[(r.etown_id, r.period)] = r
    rows = []
    for etown in etowns:
        start = max(etown.reporting_start, etown.own_start or etown.reporting_start)
        for period in reversed(months_between(start, first_of_month(today))):
            report = reports.get((etown.pk, period))
            due = report.due_date if report else due_date_for(etown.county.report_due_day, period, calendar=calendar)
            late = report.is_late(today) if report else today > due
            if report is not None:
                report.etown = etown
            rows.append(MonthRow(etown=etown, period=period, due=due, report=report, late=late))
    return rows


def previous_accepted(report):
    """The accepted report just before ``report`` and its figures, for the reviewer to
    compare: {"report", "tasks": {task_id: progress}, "indicators": {indicator_id:
    cumulative}} (three queries)."""
    previous = (
        MonthlyReport.objects.filter(
            etown_id=report.etown_id, contract_id=report.contract_id, status=MonthlyReport.Status.ACCEPTED,
            period__lt=report.period,
        ).order_by("-period").first()
    )
    if previous is None:
        return {"report": None, "tasks": {}, "indicators": {}}
    return {
        "report": previous,
        "tasks": dict(previous.task_lines.values_list("task_id", "progress")),
        "indicators": dict(previous.indicator_lines.values_list("indicator_id", "cumulative_value")),
    }


@dataclass
class FigureChange:
    at: datetime.datetime
    user: object
    item: str
    field: str
    old: object
    new: object
    reason: str


CHANGE_ROWS = 300


def figure_changes(report, task_lines, indicator_lines):
    """Who changed which figure of the report, from what to what, newest first (two
    queries: the history of its task lines and of its indicator lines). The office sees
    what a contractor corrected after a return."""
    names = {("task", line.task_id): line.task.title for line in task_lines}
    names.update({("indicator", line.indicator_id): line.indicator.name for line in indicator_lines})
    sources = [
        ("task", "task_id", MonthlyReportTaskLine, ("progress", "note")),
        ("indicator", "indicator_id", MonthlyReportIndicatorLine, ("month_value", "cumulative_value", "note")),
    ]
    changes = []
    for kind, key, model, fields in sources:
        rows = (
            model.history.filter(report_id=report.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")[:CHANGE_ROWS]
        )
        previous = {}
        for row in rows:
            before = previous.get(row.id)
            previous[row.id] = row
            if before is None:
                continue
            for name in fields:
                old, new = getattr(before, name), getattr(row, name)
                if old != new:
                    changes.append(FigureChange(
                        at=row.history_date, user=row.history_user, item=names.get((kind, getattr(row, key)), "—"),
                        field=str(model._meta.get_field(name).verbose_name), old=old, new=new,
                        reason=row.history_change_reason or "",
                    ))
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes


# Indicator tracking -----------------------------------------------------------------


@dataclass
class Track:
    indicator: Indicator
    percent: Decimal | None
    expected: Decimal | None
    state: str  # none / met / on_track / behind / open
    label: str
    tone: str


def _elapsed_fraction(indicator, etown, as_of):
    """How far through its period the target is on ``as_of``, in [0, 1], or None when
    the period has no end to measure against."""
    if indicator.unit.strip() in RATE_UNITS:
        return Decimal(1)  # a rate (e.g. 同比增长率) is not prorated: it must meet the target itself
    if indicator.period == Indicator.Period.YEARLY:
        return Decimal(as_of.month) / Decimal(12)
    start = etown.implementation_start or etown.preparation_start
    end = etown.planned_end
    if not start or not end or end <= start:
        return None
    span = (end - start).days + 1
    done = min(max((as_of - start).days + 1, 0), span)
    return Decimal(done) / Decimal(span)


def track_indicator(indicator, etown):
    """Target, latest actual, percentage of target and whether the actual is on track for
    its period: a yearly target prorated over the months of the year, a cumulative one
    over the project's schedule (implementation start to planned end); a rate (unit %)
    must meet its target outright."""
    actual, as_of = indicator.actual, indicator.actual_as_of
    if actual is None or as_of is None:
        return Track(indicator, None, None, "none", "待填报", "secondary")
    percent = indicator.percent_of_target(actual)
    if indicator.is_met(actual):
        return Track(indicator, percent, indicator.target, "met", "已达成", "success")
    fraction = _elapsed_fraction(indicator, etown, as_of)
    if fraction is None:
        return Track(indicator, percent, None, "open", "未设完成期限", "secondary")
    expected = (indicator.target * fraction).quantize(Decimal("0.01"))
    if actual >= expected:
        return Track(indicator, percent, expected, "on_track", "进度正常", "primary")
    return Track(indicator, percent, expected, "behind", "进度滞后", "warning")


CHART_MONTHS = 36


def indicator_chart_data(etown, indicators, user=None):
    """Cumulative values by month from the accepted reports (one query), shaped for
    ECharts: {"months": ["2026-07", …], "series": [{"id", "name", "unit", "target",
    "values", "contract"}]}.

    Per contract (issue 11; 004 附件2 第十一条 allows two contractors on one e-town): each
    contractor reports its own contract's figures, so they are never summed or mixed. A
    contractor's staff chart their own contract's reports only (``scope_reports``); when
    the charted reports come from several contracts (the office's view) each indicator has
    one series per contract, labelled “number company” in ``contract`` and keyed
    “indicator-contract” in ``id``; with one contract the series are keyed by indicator
    and ``contract`` is ""."""
    reports = MonthlyReport.objects.filter(etown=etown, status=MonthlyReport.Status.ACCEPTED)
    if user is not None:
        reports = scope_reports(reports, user)
    rows = list(
        MonthlyReportIndicatorLine.objects.filter(report__in=reports, cumulative_value__isnull=False)
        .order_by("report__period", "report__contract_id")
        .values_list("indicator_id", "report__period", "cumulative_value", "report__contract_id",
                     "report__contract__number", "report__contract__contractor__name")
    )
    months = sorted({row[1] for row in rows})[-CHART_MONTHS:]
    index = {m: i for i, m in enumerate(months)}
    contracts = {}
    for _, _, _, contract_id, number, company in rows:
        contracts.setdefault(contract_id, f"{number} {company}" if contract_id else "未关联合同")
    several = len(contracts) > 1
    keys = list(contracts) if several else [None]
    values = {(i.pk, c): [None] * len(months) for i in indicators for c in keys}
    for indicator_id, period, value, contract_id, _, _ in rows:
        key = (indicator_id, contract_id if several else None)
        if key in values and period in index:
            values[key][index[period]] = float(value)
    return {
        "months": [f"{m.year}-{m.month:02d}" for m in months],
        "series": [
            {"id": f"{i.pk}-{c}" if several else i.pk, "name": i.name, "unit": i.unit, "target": float(i.target),
             "values": values[(i.pk, c)], "contract": contracts[c] if several else ""}
            for i in indicators for c in keys
        ],
    }
