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

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

from etown.models import ETown

from ..models import (
    PLANNED_CATEGORIES,
    RULE_FIELDS,
    CountyInspectionRule,
    Frequency,
    Inspection,
    InspectionCategory,
    InspectionPlan,
)
from .inspection_due import StoredDue, ensure_fresh

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


# Due states in the database (issue 16): one row per e-town × planned category, computed
# by the database with the periods of ``today`` as constants (``DueTable``) and stored
# (selectors.inspection_due), so the counts are one query and the due list pages in SQL
# whatever the number of e-towns.

STATE_ORDER = {"overdue": 0, "due_soon": 1, "due": 2, "done": 3}
_INTERVALS = [f.value for f in Frequency if f.value]


def _etown_queryset(etowns):
    if isinstance(etowns, QuerySet):
        return etowns
    return ETown.objects.filter(pk__in=[e.pk for e in etowns])


def _bounds(today):
    bounds = {}
    for m in _INTERVALS:
        start, end = period_of(today, m)
        prev_start, prev_end = period_of(start - datetime.timedelta(days=1), m)
        bounds[m] = (start, end, prev_start, prev_end)
    return bounds


_COLUMNS = ["etown_id", "name", "category", "interval", "state", "state_order", "due_date", "last_date", "prev_start"]
_ORDER = "state_order, due_date, name, category"


class DueTable:
    """The due states as rows of dicts (``_COLUMNS``), computed by the database in one
    statement: every e-town × planned category with its effective frequency (its own
    plan row, else the county's rule, else the default), joined to the period bounds of
    ``today`` (constants), with two EXISTS for "inspected this period" and "inspected
    last period"; plain SQL because the ORM spends longer composing the equivalent than
    the database spends running it. Its statement fills ``InspectionDue``
    (selectors.inspection_due), which the lists and the sweep read."""

    def __init__(self, etowns, today):
        self.db = etowns.db
        self.today = today
        self._sql, self._params = self._build(etowns.order_by().values("pk"), today)

    def _build(self, base, today):
        base_sql, base_params = base.query.sql_with_params()
        bounds = _bounds(today)
        periods = ", ".join(["(%s, %s, %s, %s, %s)"] * len(bounds))
        period_params = [v for m, b in bounds.items() for v in (m, *b)]
        default = default_rule()
        categories = ", ".join(["(%s, %s)"] * len(PLANNED_CATEGORIES))
        category_params = [v for c in PLANNED_CATEGORIES for v in (str(c), default.months_for(c))]
        rule_case = " ".join(f"WHEN '{c}' THEN r.{RULE_FIELDS[c]}" for c in PLANNED_CATEGORIES)
        etown, plan, rule, inspection = (m._meta.db_table for m in (ETown, InspectionPlan, CountyInspectionRule, Inspection))
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        sql = f"""
            WITH periods (months, cur_start, cur_end, prev_start, prev_end) AS (VALUES {periods}),
            cats (category, default_months) AS (VALUES {categories}),
            plans AS (
                SELECT e.id AS etown_id, e.name AS name, c.category AS category,
                       COALESCE(p.interval_months, CASE c.category {rule_case} END, c.default_months) AS months,
                       COALESCE(p.starts_on, e.implementation_start) AS starts
                FROM {etown} e CROSS JOIN cats c
                LEFT JOIN {plan} p ON p.etown_id = e.id AND p.category = c.category
                LEFT JOIN {rule} r ON r.county_id = e.county_id
                WHERE e.id IN ({base_sql})
            ),
            due AS (
                SELECT pl.etown_id, pl.name, pl.category, pl.months AS interval, pe.cur_end, pe.prev_start, pe.prev_end,
                       EXISTS (SELECT 1 FROM {inspection} i WHERE i.etown_id = pl.etown_id AND i.category = pl.category
                               AND i.inspected_on >= pe.cur_start AND i.inspected_on <= %s) AS done_now,
                       ((pl.starts IS NULL OR pl.starts <= pe.prev_start) AND NOT EXISTS (
                           SELECT 1 FROM {inspection} i WHERE i.etown_id = pl.etown_id AND i.category = pl.category
                           AND i.inspected_on >= pe.prev_start AND i.inspected_on <= pe.prev_end)) AS missed,
                       (SELECT MAX(i.inspected_on) FROM {inspection} i WHERE i.etown_id = pl.etown_id
                        AND i.category = pl.category AND i.inspected_on <= %s) AS last_date
                FROM plans pl JOIN periods pe ON pe.months = pl.months
                WHERE pl.starts IS NULL OR pl.starts <= %s
            )
            SELECT etown_id, name, category, interval,
                   CASE WHEN done_now THEN 'done' WHEN missed THEN 'overdue'
                        WHEN cur_end <= %s THEN 'due_soon' ELSE 'due' END AS state,
                   CASE WHEN done_now THEN 3 WHEN missed THEN 0 WHEN cur_end <= %s THEN 1 ELSE 2 END AS state_order,
                   CASE WHEN missed AND NOT done_now THEN prev_end ELSE cur_end END AS due_date,
                   last_date, prev_start
            FROM due"""
        params = [*period_params, *category_params, *base_params, today, today, today, soon, soon]
        return sql, params

    @property
    def sql(self):
        """The statement of every row (``_COLUMNS``), unordered: what InspectionDue stores."""
        return self._sql

    @property
    def params(self):
        return list(self._params)

    def _fetch(self, sql, params):
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def rows(self):
        """Every row computed live, ordered like the list (what ``InspectionDue`` must
        hold; the tests compare the two)."""
        sql = f"SELECT * FROM ({self._sql}) due ORDER BY {_ORDER}"
        return [_typed(dict(zip(_COLUMNS, row))) for row in self._fetch(sql, self._params)]


def _typed(row):
    """SQLite hands dates back as text: make them dates on every database."""
    for key in ("due_date", "last_date", "prev_start"):
        if isinstance(row[key], str):
            row[key] = datetime.date.fromisoformat(row[key][:10])
    return row


def due_table(etowns, today=None, states=None):
    """The due list, overdue first, read from the stored states (``inspection_due
    .StoredDue``, brought to ``today`` first): a page of it is one COUNT and one SELECT of
    indexed rows in the database, and a count by state one grouped query."""
    return StoredDue(_etown_queryset(etowns), today or timezone.localdate(), DueTable, states)


def due_states_refresh(today=None):
    """Bring every e-town's stored due states to ``today`` (the beat's task just after
    midnight, so the day's first page does not pay for the country); returns how many
    e-towns were computed again."""
    return ensure_fresh(ETown.objects.all(), today or timezone.localdate(), DueTable)


def due_counts(etowns, today=None):
    """{state: number of e-town × category rows}: one query (after the one that checks
    the stored states are today's)."""
    return due_table(etowns, today).counts()


def rows_from(table_rows):
    """[DueRow] for rows of ``due_table`` (a page of it): one query for their e-towns."""
    table_rows = list(table_rows)
    etowns = ETown.objects.select_related("county").in_bulk({r["etown_id"] for r in table_rows})
    result = []
    for r in table_rows:
        interval = r["interval"]
        overdue = r["state"] == "overdue"  # its due date is the end of the missed period
        start = period_of(r["due_date"] + datetime.timedelta(days=1) if overdue else r["due_date"], interval)[0]
        result.append(DueRow(
            etowns[r["etown_id"]], r["category"], interval, r["state"], period_label(start, interval), r["due_date"],
            r["last_date"], missed_period=period_label(r["prev_start"], interval) if overdue else "",
        ))
    return result


def due_rows(etowns, today=None, states=None):
    """Every planned category of ``etowns`` with its state on ``today``, overdue first
    (the whole table: for one e-town's page or a sweep; lists page ``due_table``). Three
    queries whatever the number of e-towns (the stored states are today's, the rows,
    their e-towns)."""
    return rows_from(due_table(etowns, today, states))


def inspections_for(etown):
    return (
        Inspection.objects.filter(etown=etown)
        .select_related("agency", "recorded_by")
        .order_by("-inspected_on", "-pk")
    )


def latest_funds_inspections(since_by_etown, until):
    """{e-town id: its latest funds inspection between its own ``since`` and ``until``
    (inclusive)} for many e-towns in one query (issue 16: the disbursement sweep; each
    county's window differs); an e-town with none is absent."""
    if not since_by_etown:
        return {}
    rows = Inspection.objects.filter(
        etown_id__in=since_by_etown, category=InspectionCategory.FUNDS,
        inspected_on__gte=min(since_by_etown.values()), inspected_on__lte=until,
    ).order_by("-inspected_on", "-pk")
    found = {}
    for inspection in rows:
        if inspection.etown_id not in found and inspection.inspected_on >= since_by_etown[inspection.etown_id]:
            found[inspection.etown_id] = inspection
    return found
