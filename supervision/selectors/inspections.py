"""Reads for inspections: the rule of a county, the effective plan of each e-town, and
which planned inspections are due or overdue.

A plan period is a calendar period of the plan's length: a month for 每月一次, a quarter
for 每季度一次, a half year for 每半年一次. An inspection of the category inside the
period fulfils it. The first period that counts is the first that begins on or after
the plan's start (the e-town's 项目实施 start unless the plan gives another date, e.g.
the day operations began, 000 §6(一)). A period that ended without an inspection makes
the row overdue until the current period's inspection is done.
"""
import datetime
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from etown.models import ETown

from ..models import (
    PLANNED_CATEGORIES,
    CountyInspectionRule,
    Frequency,
    Inspection,
    InspectionCategory,
    InspectionPlan,
)

DUE_SOON_DAYS = 7
ACTIVE_PHASES = [ETown.Phase.PREPARATION, ETown.Phase.IMPLEMENTATION, ETown.Phase.EVALUATION, ETown.Phase.ACCEPTANCE]


def default_rule(county=None, county_id=None):
    """The rule of a county that has not set its own (unsaved): construction monthly
    (000, 001, 004), operations and training quarterly (000, 001), funds quarterly (002,
    004), no check required before each disbursement."""
    if county is not None:
        return CountyInspectionRule(county=county)
    return CountyInspectionRule(county_id=county_id)


def rule_for_county(county):
    return CountyInspectionRule.objects.filter(county=county).first() or default_rule(county)


def rules_for_counties(county_ids):
    found = {r.county_id: r for r in CountyInspectionRule.objects.filter(county_id__in=county_ids)}
    return found


@dataclass
class PlanRow:
    etown: object
    category: str
    interval: int
    starts_on: datetime.date | None
    from_county: bool  # True when the county's rule applies (no row of the e-town's own)
    note: str = ""
    plan: object = None

    @property
    def category_label(self):
        return InspectionCategory(self.category).label

    @property
    def interval_label(self):
        return Frequency(self.interval).label


def effective_plans(etowns):
    """[PlanRow] for every e-town × planned category: the e-town's own plan row, or the
    county's rule. Two queries whatever the number of e-towns."""
    etowns = list(etowns)
    rules = rules_for_counties({e.county_id for e in etowns})
    own = {(p.etown_id, p.category): p for p in InspectionPlan.objects.filter(etown__in=[e.pk for e in etowns])}
    rows = []
    for etown in etowns:
        rule = rules.get(etown.county_id) or default_rule(county_id=etown.county_id)
        for category in PLANNED_CATEGORIES:
            plan = own.get((etown.pk, category))
            if plan is not None:
                rows.append(PlanRow(etown, category, plan.interval_months, plan.starts_on or etown.implementation_start,
                                    False, plan.note, plan))
            else:
                rows.append(PlanRow(etown, category, rule.months_for(category), etown.implementation_start, True))
    return rows


# Periods ------------------------------------------------------------------------------------


def period_of(day, months):
    """(first day, last day) of the calendar period of ``months`` months holding ``day``."""
    first_month = ((day.month - 1) // months) * months + 1
    start = datetime.date(day.year, first_month, 1)
    end_month = first_month + months  # 13 means January of next year
    end = datetime.date(day.year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


def period_label(start, months):
    if months == 1:
        return f"{start.year}年{start.month}月"
    if months == 3:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    if months == 6:
        return f"{start.year}年{'上' if start.month == 1 else '下'}半年"
    return f"{start.year}年"


@dataclass
class DueRow:
    etown: object
    category: str
    interval: int
    state: str  # done / due / due_soon / overdue
    period: str
    due_date: datetime.date
    last_date: datetime.date | None
    missed_period: str = ""

    STATE_LABELS = {"done": "本期已检查", "due": "本期待检查", "due_soon": "即将到期", "overdue": "逾期未检查"}

    @property
    def category_label(self):
        return InspectionCategory(self.category).label

    @property
    def state_label(self):
        return self.STATE_LABELS[self.state]

    @property
    def interval_label(self):
        return Frequency(self.interval).label


def due_rows(etowns, today=None):
    """Every planned category of ``etowns`` with its state on ``today``, overdue first.
    Three queries (rules, plans, inspections) whatever the number of e-towns."""
    today = today or timezone.localdate()
    plans = [p for p in effective_plans(etowns) if p.interval and (p.starts_on is None or p.starts_on <= today)]
    if not plans:
        return []
    earliest = min(period_of(period_of(today, p.interval)[0] - datetime.timedelta(days=1), p.interval)[0] for p in plans)
    done = {}
    latest = {}
    rows = (
        Inspection.objects.filter(etown__in=[p.etown.pk for p in plans], inspected_on__lte=today)
        .values("etown_id", "category")
        .annotate(last=Max("inspected_on"))
    )
    for r in rows:
        latest[(r["etown_id"], r["category"])] = r["last"]
    recent = Inspection.objects.filter(
        etown__in=[p.etown.pk for p in plans], inspected_on__gte=earliest, inspected_on__lte=today
    ).values_list("etown_id", "category", "inspected_on")
    for etown_id, category, day in recent:
        done.setdefault((etown_id, category), []).append(day)

    result = []
    for plan in plans:
        key = (plan.etown.pk, plan.category)
        start, end = period_of(today, plan.interval)
        days = done.get(key, [])
        last = latest.get(key)
        if any(start <= d <= end for d in days):
            result.append(DueRow(plan.etown, plan.category, plan.interval, "done", period_label(start, plan.interval), end, last))
            continue
        prev_start, prev_end = period_of(start - datetime.timedelta(days=1), plan.interval)
        prev_required = plan.starts_on is None or prev_start >= plan.starts_on
        if prev_required and not any(prev_start <= d <= prev_end for d in days):
            result.append(DueRow(plan.etown, plan.category, plan.interval, "overdue", period_label(start, plan.interval),
                                 prev_end, last, missed_period=period_label(prev_start, plan.interval)))
            continue
        state = "due_soon" if (end - today).days <= DUE_SOON_DAYS else "due"
        result.append(DueRow(plan.etown, plan.category, plan.interval, state, period_label(start, plan.interval), end, last))
    order = {"overdue": 0, "due_soon": 1, "due": 2, "done": 3}
    result.sort(key=lambda r: (order[r.state], r.due_date, r.etown.name, r.category))
    return result


def inspections_for(etown):
    return (
        Inspection.objects.filter(etown=etown)
        .select_related("agency", "recorded_by")
        .order_by("-inspected_on", "-pk")
    )


def latest_funds_inspection(etown, since, until):
    """The latest funds inspection of the e-town between two dates (inclusive), or None."""
    return (
        Inspection.objects.filter(
            etown=etown, category=InspectionCategory.FUNDS, inspected_on__gte=since, inspected_on__lte=until
        )
        .order_by("-inspected_on", "-pk")
        .first()
    )
