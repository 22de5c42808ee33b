"""Working days (工作日) under the statutory calendar: the one module every deadline uses.

A day is a working day when it is Monday-Friday and not a holiday, or when it is a weekend
day declared an adjusted workday (调休上班). The exceptions live in the database
(``etown.models.WorkCalendarYear`` / ``CalendarDay``), seeded from the ``chinese-calendar``
package and correctable by an administrator. For a year with no ``WorkCalendarYear`` row
(e.g. 2027 before the State Council announces it, or before the office enters it) the
calculation falls back to Monday-Friday, emits ``CalendarFallbackWarning`` and logs a
warning; pages should show ``calendar_warning(start, end)`` next to such a deadline.

Queries: a ``WorkCalendar`` loads the years it needs in one query per batch of years (a
LEFT JOIN of the year rows to their days) and keeps them for its own lifetime only. The
module-level functions make a fresh ``WorkCalendar`` per call, so an administrator's edit is
seen by the next calculation; there is no process-global cache to go stale. A caller that
computes many deadlines in one go (a reminder sweep, a list page) passes one shared
``calendar=WorkCalendar()`` to avoid repeating the query.

Every function accepts ``datetime.date``; a ``datetime.datetime`` is reduced to its date
(an aware one in the current time zone, Asia/Shanghai).
"""
from __future__ import annotations

import datetime
import logging
import warnings
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

ONE_DAY = datetime.timedelta(days=1)

# The English names chinese-calendar 1.11.0 returns from get_holiday_detail() (its
# ``Holiday`` enum values), in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}
ADJUSTED_WORKDAY_SUFFIX = "调休上班"

# Years probed for package support when ``seed_from_package`` is called without years.
_PROBE_FIRST_YEAR = 1990
_PROBE_YEARS_AHEAD = 10


class CalendarFallbackWarning(UserWarning):
    """A working-day calculation touched a year with no statutory calendar entered.

    Monday-Friday was assumed for that year, which ignores its holidays and 调休.
    """


def fallback_message(years: Iterable[int]) -> str:
    """The Chinese warning shown to users for years missing from the calendar."""
    years = sorted(set(years))
    names = "、".join(f"{year}年" for year in years)
    return f"{names}的法定节假日尚未录入工作日历，期限暂按周一至周五计算，请管理员录入。"


def _as_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            return timezone.localdate(value)
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a datetime.date, got {type(value).__name__}")


class WorkCalendar:
    """The statutory calendar for the duration of one calculation (or one batch of them).

    Loads each year at most once, several years in one query; not shared between requests.
    """

    def __init__(self):
        self._known: set[int] = set()
        self._unknown: set[int] = set()
        self._exceptions: dict[datetime.date, bool] = {}
        self._warned: set[int] = set()

    # Loading ------------------------------------------------------------------------

    def load(self, years: Iterable[int]) -> None:
        """Load the given years (those not loaded yet) in a single query."""
        missing = {year for year in years if year not in self._known and year not in self._unknown}
        if not missing:
            return
        from etown.models import WorkCalendarYear

        # One query: every requested year row, LEFT JOINed to its days (a known year with no
        # exceptions yields one row with NULL day columns).
        rows = WorkCalendarYear.objects.filter(year__in=missing).values_list(
            "year", "days__date", "days__is_workday"
        )
        for year, day, is_workday in rows:
            self._known.add(year)
            if day is not None:
                self._exceptions[day] = is_workday
        self._unknown |= missing - self._known

    def _load_span(self, start: datetime.date, end: datetime.date) -> None:
        self.load(range(start.year, end.year + 1))

    def is_known_year(self, year: int) -> bool:
        self.load([year])
        return year in self._known

    def _fall_back(self, year: int) -> None:
        if year in self._warned:
            return
        self._warned.add(year)
        message = fallback_message([year])
        logger.warning("Working-day calendar has no entry for %s; assuming Monday-Friday. %s", year, message)
        warnings.warn(message, CalendarFallbackWarning, stacklevel=4)

    # Questions ----------------------------------------------------------------------

    def is_workday(self, day) -> bool:
        day = _as_date(day)
        self.load([day.year])
        if day.year in self._unknown:
            self._fall_back(day.year)
        stored = self._exceptions.get(day)
        if stored is not None:
            return stored
        return day.weekday() < 5

    def next_workday(self, day) -> datetime.date:
        day = _as_date(day)
        self._load_span(day, day + datetime.timedelta(days=40))
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_workdays(self, start, n: int) -> datetime.date:
        start = _as_date(start)
        if n < 0:
            raise ValueError("n must be >= 0")
        if n == 0:
            return self.next_workday(start)
        # Preload every year the answer can plausibly reach, so the usual case is one query:
        # n working days never span more than about 7/5 * n calendar days plus one Golden Week.
        self._load_span(start, start + datetime.timedelta(days=n * 7 // 5 + 20))
        day = start
        remaining = n
        while remaining:
            day += ONE_DAY
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start, end) -> int:
        start, end = _as_date(start), _as_date(end)
        if end <= start:
            return 0
        self._load_span(start, end)
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def unknown_years(self, start, end) -> list[int]:
        start, end = _as_date(start), _as_date(end)
        if end < start:
            start, end = end, start
        self._load_span(start, end)
        return [year for year in range(start.year, end.year + 1) if year in self._unknown]


# Module-level API: a fresh calendar per call unless the caller shares one ---------------


def is_workday(day, *, calendar: WorkCalendar | None = None) -> bool:
    """Whether ``day`` is a working day under the statutory calendar."""
    return (calendar or WorkCalendar()).is_workday(day)


def next_workday(day, *, calendar: WorkCalendar | None = None) -> datetime.date:
    """``day`` itself if it is a working day, else the first working day after it.

    Use it to postpone a due date that falls on a holiday (遇节假日顺延).
    """
    return (calendar or WorkCalendar()).next_workday(day)


def add_workdays(start, n: int, *, calendar: WorkCalendar | None = None) -> datetime.date:
    """The ``n``-th working day after ``start``; ``start`` itself is not counted.

    A notice published on ``start`` for "5 working days" ends on ``add_workdays(start, 5)``,
    whatever kind of day ``start`` is. ``n`` must be >= 0; ``n == 0`` returns ``start`` if it
    is a working day, else the next working day (same as ``next_workday``).
    """
    return (calendar or WorkCalendar()).add_workdays(start, n)


def workdays_between(start, end, *, calendar: WorkCalendar | None = None) -> int:
    """How many working days lie in ``(start, end]``; 0 when ``end <= start``.

    ``workdays_between(d, add_workdays(d, n)) == n`` for every ``n >= 1``.
    """
    return (calendar or WorkCalendar()).workdays_between(start, end)


def unknown_years(start, end, *, calendar: WorkCalendar | None = None) -> list[int]:
    """The years from ``start`` to ``end`` (inclusive, either order) with no calendar entered.

    Does not warn; use it (or ``calendar_warning``) to tell the user.
    """
    return (calendar or WorkCalendar()).unknown_years(start, end)


def calendar_warning(start, end, *, calendar: WorkCalendar | None = None) -> str | None:
    """The Chinese warning to show beside a deadline computed over ``start``..``end``, or None.

    E.g. "2027年的法定节假日尚未录入工作日历，期限暂按周一至周五计算，请管理员录入。"
    """
    years = unknown_years(start, end, calendar=calendar)
    return fallback_message(years) if years else None


# Seeding from the chinese-calendar package ------------------------------------------------


def package_years() -> list[int]:
    """The years the installed chinese-calendar knows (it raises NotImplementedError for others)."""
    import chinese_calendar

    known = []
    last = datetime.date.today().year + _PROBE_YEARS_AHEAD
    for year in range(_PROBE_FIRST_YEAR, last + 1):
        try:
            chinese_calendar.is_workday(datetime.date(year, 1, 1))
        except NotImplementedError:
            continue
        known.append(year)
    return known


def package_exceptions(year: int) -> list[tuple[datetime.date, bool, str]]:
    """``(date, is_workday, name)`` for each day of ``year`` that breaks the Monday-Friday rule.

    Raises NotImplementedError when the package does not know the year.
    """
    import chinese_calendar

    result = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        workday = chinese_calendar.is_workday(day)
        if workday != (day.weekday() < 5):
            _, english = chinese_calendar.get_holiday_detail(day)
            name = HOLIDAY_NAMES.get(english, english or "")
            if workday:
                name = f"{name}{ADJUSTED_WORKDAY_SUFFIX}" if name else ADJUSTED_WORKDAY_SUFFIX
            elif not name:
                name = "法定节假日"
            result.append((day, workday, name))
        day += ONE_DAY
    return result


def seed_from_package(years=None, *, apps=None, using: str = "default") -> int:
    """Enter the years chinese-calendar knows into the calendar tables; return how many.

    ``years``: the years to seed (default: every year the package knows, 2004-2026 for
    1.11.0); years the package does not know are skipped with a log line.
    ``apps``: a data migration's historical app registry (default: the real models).
    ``using``: the database alias (a data migration passes ``schema_editor.connection.alias``).

    Idempotent: a year that already has a ``WorkCalendarYear`` row is left alone, whatever
    its source, so an administrator's corrections (and every manual year) are never
    overwritten. To reload a package year, delete it in the admin and seed again.
    """
    import chinese_calendar

    if apps is not None:
        WorkCalendarYear = apps.get_model("etown", "WorkCalendarYear")
        CalendarDay = apps.get_model("etown", "CalendarDay")
    else:
        from etown.models import CalendarDay, WorkCalendarYear

    supported = set(package_years())
    wanted = sorted(supported if years is None else {int(year) for year in years})
    existing = set(WorkCalendarYear.objects.using(using).filter(year__in=wanted).values_list("year", flat=True))
    version = getattr(chinese_calendar, "__version__", "")
    seeded = 0
    for year in wanted:
        if year in existing:
            continue
        if year not in supported:
            logger.info("chinese-calendar does not know %s; not seeded", year)
            continue
        days = package_exceptions(year)
        with transaction.atomic(using=using):
            calendar_year, created = WorkCalendarYear.objects.using(using).get_or_create(
                year=year,
                defaults={"source": "package", "note": f"由 chinese-calendar {version} 导入"},
            )
            if not created:  # entered concurrently: leave it alone
                continue
            CalendarDay.objects.using(using).bulk_create(
                [
                    CalendarDay(date=date, is_workday=workday, name=name, calendar_year=calendar_year)
                    for date, workday, name in days
                ]
            )
        seeded += 1
    return seeded
