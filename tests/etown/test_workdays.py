"""The statutory working-day calendar (etown.workdays, etown.models.calendar).

Dates below were checked against chinese-calendar 1.11.0 (国办发明电〔2025〕7号 for 2026):
- 2026 春节: off Sun 02-15 .. Mon 02-23 (weekday holidays 02-16..02-20 and 02-23);
  adjusted workdays (调休上班) Sat 02-14 and Sat 02-28.
- 2026 国庆节: off Thu 10-01 .. Wed 10-07 (weekday holidays 10-01, 10-02, 10-05..10-07);
  adjusted workdays Sun 09-20 and Sat 10-10. 中秋节 is Fri 09-25 (a separate one-day holiday).
"""
import datetime
import logging
import warnings

import pytest
from django.core.exceptions import ValidationError

from etown.models import CalendarDay, WorkCalendarYear
from etown.workdays import (
    CalendarFallbackWarning,
    WorkCalendar,
    add_workdays,
    calendar_warning,
    is_workday,
    next_workday,
    package_exceptions,
    package_years,
    seed_from_package,
    unknown_years,
    workdays_between,
)

pytestmark = pytest.mark.django_db

D = datetime.date
FALLBACK_2027 = "2027年的法定节假日尚未录入工作日历，期限暂按周一至周五计算，请管理员录入。"


@pytest.fixture
def calendar_2025_2026():
    """2025 and 2026 seeded from the package (a no-op when the data migration already did it)."""
    seed_from_package(years=[2025, 2026])
    # The tests below rely on the package's data, not on a year someone edited.
    assert WorkCalendarYear.objects.get(year=2026).source == WorkCalendarYear.Source.PACKAGE
    return WorkCalendarYear.objects.filter(year__in=[2025, 2026])


def _snapshot():
    return sorted(CalendarDay.objects.values_list("date", "is_workday", "name", "calendar_year__year"))


def _days(year, month, *days):
    return [D(year, month, day) for day in days]


# The package itself -----------------------------------------------------------------------


def test_it_knows_which_years_the_package_covers():
    years = package_years()
    assert years[0] == 2004
    assert 2026 in years
    assert 2027 not in years
    assert years == list(range(years[0], years[-1] + 1))


def test_it_translates_every_holiday_name_the_package_returns():
    for year in package_years():
        for day, workday, name in package_exceptions(year):
            assert name and not any("a" <= ch.lower() <= "z" for ch in name), (day, name)
            assert name.endswith("调休上班") == workday, (day, name)
            assert (day.weekday() >= 5) == workday, day


# Spring Festival and National Day 2026 ----------------------------------------------------


def test_it_stores_spring_festival_2026(calendar_2025_2026):
    feb = CalendarDay.objects.filter(date__range=(D(2026, 2, 1), D(2026, 3, 1)))
    assert [d.date for d in feb if not d.is_workday] == _days(2026, 2, 16, 17, 18, 19, 20, 23)
    assert [d.date for d in feb if d.is_workday] == _days(2026, 2, 14, 28)
    assert {d.name for d in feb} == {"春节", "春节调休上班"}
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).name == "春节调休上班"
    # The whole holiday 02-15..02-23 is off, weekend included; the two Saturdays are on.
    for day in range(15, 24):
        assert not is_workday(D(2026, 2, day)), day
    assert is_workday(D(2026, 2, 14))  # Saturday, 调休上班
    assert is_workday(D(2026, 2, 28))  # Saturday, 调休上班
    assert is_workday(D(2026, 2, 24))
    assert not is_workday(D(2026, 3, 1))  # an ordinary Sunday


def test_it_stores_national_day_2026(calendar_2025_2026):
    autumn = CalendarDay.objects.filter(date__range=(D(2026, 9, 1), D(2026, 10, 31)))
    assert [(d.date, d.is_workday, d.name) for d in autumn] == [
        (D(2026, 9, 20), True, "国庆节调休上班"),
        (D(2026, 9, 25), False, "中秋节"),
        (D(2026, 10, 1), False, "国庆节"),
        (D(2026, 10, 2), False, "国庆节"),
        (D(2026, 10, 5), False, "国庆节"),
        (D(2026, 10, 6), False, "国庆节"),
        (D(2026, 10, 7), False, "国庆节"),
        (D(2026, 10, 10), True, "国庆节调休上班"),
    ]
    for day in range(1, 8):
        assert not is_workday(D(2026, 10, day)), day
    assert is_workday(D(2026, 10, 8))
    assert is_workday(D(2026, 9, 20))  # Sunday, 调休上班
    assert is_workday(D(2026, 10, 10))  # Saturday, 调休上班


def test_it_matches_the_package_on_every_day_of_2025_and_2026(calendar_2025_2026):
    import chinese_calendar

    calendar = WorkCalendar()
    day = D(2025, 1, 1)
    while day.year <= 2026:
        assert calendar.is_workday(day) == chinese_calendar.is_workday(day), day
        day += datetime.timedelta(days=1)


def test_it_ends_a_5_working_day_notice_across_spring_festival(calendar_2025_2026):
    # Published Fri 02-13: Sat 02-14 (调休) is day 1, the holiday is skipped, Tue 02-24 .. Fri 02-27.
    assert add_workdays(D(2026, 2, 13), 5) == D(2026, 2, 27)
    # Published Thu 02-12: 02-13, 02-14 (调休), 02-24, 02-25, 02-26.
    assert add_workdays(D(2026, 2, 12), 5) == D(2026, 2, 26)


def test_it_ends_a_15_working_day_acceptance_across_spring_festival(calendar_2025_2026):
    # From Tue 02-10: 02-11..02-14 are days 1-4, 02-24..02-28 are 5-9, 03-02..03-09 are 10-15.
    assert add_workdays(D(2026, 2, 10), 15) == D(2026, 3, 9)


def test_it_ends_a_5_working_day_notice_across_national_day(calendar_2025_2026):
    # Published Wed 09-30: Thu 10-08, Fri 10-09, Sat 10-10 (调休), Mon 10-12, Tue 10-13.
    assert add_workdays(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert add_workdays(D(2026, 9, 29), 5) == D(2026, 10, 12)


def test_it_ends_a_15_working_day_acceptance_across_national_day(calendar_2025_2026):
    # From Fri 09-18: Sun 09-20 (调休) is day 1; 中秋 Fri 09-25 and 10-01..10-07 are skipped;
    # Sat 10-10 (调休) counts; the 15th working day is Thu 10-15.
    assert add_workdays(D(2026, 9, 18), 15) == D(2026, 10, 15)


def test_it_starts_counting_after_the_start_day(calendar_2025_2026):
    # The start day never counts, whatever it is; n=0 means "the start day, or the next workday".
    assert add_workdays(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert add_workdays(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert add_workdays(D(2026, 2, 15), 0) == D(2026, 2, 24)
    assert add_workdays(D(2026, 2, 15), 1) == D(2026, 2, 24)
    with pytest.raises(ValueError):
        add_workdays(D(2026, 3, 2), -1)


def test_it_finds_the_next_workday(calendar_2025_2026):
    assert next_workday(D(2026, 2, 14)) == D(2026, 2, 14)  # 调休 Saturday
    assert next_workday(D(2026, 2, 15)) == D(2026, 2, 24)
    assert next_workday(D(2026, 10, 1)) == D(2026, 10, 8)
    assert next_workday(D(2026, 3, 7)) == D(2026, 3, 9)  # an ordinary Saturday


def test_it_counts_workdays_between(calendar_2025_2026):
    assert workdays_between(D(2026, 2, 13), D(2026, 2, 27)) == 5
    assert workdays_between(D(2026, 2, 10), D(2026, 3, 9)) == 15
    assert workdays_between(D(2026, 9, 18), D(2026, 10, 15)) == 15
    assert workdays_between(D(2026, 10, 1), D(2026, 10, 7)) == 0
    # A year: 261 weekdays - 19 weekday holidays + 6 weekend workdays.
    assert workdays_between(D(2025, 12, 31), D(2026, 12, 31)) == 248
    assert workdays_between(D(2026, 3, 9), D(2026, 3, 9)) == 0
    assert workdays_between(D(2026, 3, 9), D(2026, 3, 2)) == 0
    for start, n in [(D(2026, 2, 10), 15), (D(2026, 9, 18), 15), (D(2026, 9, 30), 5), (D(2025, 12, 20), 30)]:
        assert workdays_between(start, add_workdays(start, n)) == n


def test_it_accepts_datetimes(calendar_2025_2026):
    from django.utils import timezone

    # 2026-02-13 17:00 UTC is already 02-14 01:00 in Asia/Shanghai, the 调休 Saturday.
    aware = datetime.datetime(2026, 2, 13, 17, 0, tzinfo=datetime.timezone.utc)
    assert timezone.localdate(aware) == D(2026, 2, 14)
    assert add_workdays(aware, 1) == D(2026, 2, 24)
    assert add_workdays(datetime.datetime(2026, 2, 13, 9, 0), 5) == D(2026, 2, 27)


# Years nobody has entered -----------------------------------------------------------------


def test_it_falls_back_to_weekdays_for_2027_and_warns(calendar_2025_2026, caplog):
    assert not WorkCalendarYear.objects.filter(year=2027).exists()
    with caplog.at_level(logging.WARNING, logger="etown.workdays"):
        with pytest.warns(CalendarFallbackWarning, match="2027年的法定节假日尚未录入工作日历"):
            # Fri 2026-12-25: 12-28, 29, 30, 31, then Fri 2027-01-01 counted as a workday
            # (in reality 元旦, but nobody has entered 2027 yet).
            assert add_workdays(D(2026, 12, 25), 5) == D(2027, 1, 1)
    assert "2027" in caplog.text

    with pytest.warns(CalendarFallbackWarning):
        assert is_workday(D(2027, 1, 1))  # Friday
    with pytest.warns(CalendarFallbackWarning):
        assert not is_workday(D(2027, 1, 2))  # Saturday
    with pytest.warns(CalendarFallbackWarning):
        # January 2027 has 21 weekdays, 2027-02-01 is a Monday.
        assert workdays_between(D(2026, 12, 31), D(2027, 1, 31)) == 21
        assert workdays_between(D(2027, 1, 31), D(2027, 2, 5)) == 5


def test_it_does_not_warn_within_known_years(calendar_2025_2026):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalendarFallbackWarning)
        assert add_workdays(D(2026, 12, 1), 15) == D(2026, 12, 22)
        # The preload may reach into 2027; no warning unless a 2027 day is actually used.
        assert add_workdays(D(2026, 12, 30), 1) == D(2026, 12, 31)


def test_it_gives_a_chinese_warning_for_an_unknown_year(calendar_2025_2026):
    assert unknown_years(D(2026, 12, 25), D(2027, 1, 8)) == [2027]
    assert calendar_warning(D(2026, 12, 25), D(2027, 1, 8)) == FALLBACK_2027
    assert calendar_warning(D(2026, 2, 10), D(2026, 3, 9)) is None
    assert unknown_years(D(2026, 1, 1), D(2026, 12, 31)) == []
    warning = calendar_warning(D(2026, 12, 1), D(2028, 1, 10))
    assert warning == "2027年、2028年的法定节假日尚未录入工作日历，期限暂按周一至周五计算，请管理员录入。"


def test_it_uses_a_year_once_an_administrator_enters_it(calendar_2025_2026):
    year = WorkCalendarYear.objects.create(year=2027, source=WorkCalendarYear.Source.MANUAL, note="国办发明电")
    CalendarDay.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦", calendar_year=year)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CalendarFallbackWarning)
        assert add_workdays(D(2026, 12, 25), 5) == D(2027, 1, 4)
    assert calendar_warning(D(2026, 12, 25), D(2027, 1, 4)) is None


# Corrections by the office ------------------------------------------------------------------


def test_it_skips_a_weekday_an_administrator_made_a_holiday(calendar_2025_2026):
    assert add_workdays(D(2026, 3, 9), 1) == D(2026, 3, 10)
    CalendarDay.objects.create(
        date=D(2026, 3, 10), is_workday=False, name="县庆放假",
        calendar_year=WorkCalendarYear.objects.get(year=2026),
    )
    # No stale cache: the next calculation sees the new day.
    assert not is_workday(D(2026, 3, 10))
    assert add_workdays(D(2026, 3, 9), 1) == D(2026, 3, 11)
    assert add_workdays(D(2026, 3, 6), 5) == D(2026, 3, 16)
    assert workdays_between(D(2026, 3, 6), D(2026, 3, 16)) == 5


def test_it_rejects_a_calendar_day_that_is_no_exception(calendar_2025_2026):
    year = WorkCalendarYear.objects.get(year=2026)
    with pytest.raises(ValidationError) as weekday_on:
        CalendarDay(date=D(2026, 3, 11), is_workday=True, name="上班", calendar_year=year).full_clean()
    assert "本来就是工作日" in str(weekday_on.value)
    with pytest.raises(ValidationError) as weekend_off:
        CalendarDay(date=D(2026, 3, 14), is_workday=False, name="休息", calendar_year=year).full_clean()
    assert "本来就是休息日" in str(weekend_off.value)
    with pytest.raises(ValidationError) as wrong_year:
        CalendarDay(date=D(2025, 3, 11), is_workday=False, name="放假", calendar_year=year).full_clean()
    assert "不在所属年度" in str(wrong_year.value)
    CalendarDay(date=D(2026, 3, 11), is_workday=False, name="县庆放假", calendar_year=year).full_clean()


# Seeding ------------------------------------------------------------------------------------


def test_it_seeds_idempotently(calendar_2025_2026):
    before = _snapshot()
    stamps = dict(WorkCalendarYear.objects.values_list("year", "updated_at"))
    assert seed_from_package(years=[2025, 2026]) == 0
    assert _snapshot() == before
    assert dict(WorkCalendarYear.objects.values_list("year", "updated_at")) == stamps
    assert CalendarDay.objects.filter(calendar_year__year=2026).count() == 25  # 19 off + 6 on


def test_it_seeds_a_missing_year_and_skips_unknown_ones(calendar_2025_2026):
    WorkCalendarYear.objects.filter(year=2024).delete()
    assert seed_from_package(years=[2024, 2026, 2027]) == 1
    year = WorkCalendarYear.objects.get(year=2024)
    assert year.source == WorkCalendarYear.Source.PACKAGE
    assert year.days.filter(date=D(2024, 2, 4), is_workday=True, name="春节调休上班").exists()
    assert not WorkCalendarYear.objects.filter(year=2027).exists()


def test_it_never_overwrites_a_manual_year(calendar_2025_2026):
    WorkCalendarYear.objects.filter(year=2025).delete()
    manual = WorkCalendarYear.objects.create(year=2025, source=WorkCalendarYear.Source.MANUAL, note="人工")
    CalendarDay.objects.create(date=D(2025, 1, 1), is_workday=False, name="元旦（人工）", calendar_year=manual)
    assert seed_from_package(years=[2025]) == 0
    seed_from_package()  # every year the package knows: 2025 is still skipped
    manual.refresh_from_db()
    assert manual.source == WorkCalendarYear.Source.MANUAL
    assert list(manual.days.values_list("date", "name")) == [(D(2025, 1, 1), "元旦（人工）")]


def test_it_seeds_through_the_management_command(calendar_2025_2026):
    from io import StringIO

    from django.core.management import call_command

    WorkCalendarYear.objects.filter(year=2024).delete()
    out = StringIO()
    call_command("seed_calendar", "--years", "2024", "2026", stdout=out, stderr=StringIO())
    assert "已导入 1 个年度" in out.getvalue()
    assert WorkCalendarYear.objects.filter(year=2024, source="package").exists()


# Queries ------------------------------------------------------------------------------------


def test_it_computes_a_deadline_in_one_query(calendar_2025_2026, django_assert_max_num_queries):
    # 1. SELECT year, day.date, day.is_workday FROM WorkCalendarYear LEFT JOIN CalendarDay
    #    WHERE year IN (the years the deadline can reach): every exception of those years.
    # Nothing per day.
    with django_assert_max_num_queries(1):
        assert add_workdays(D(2026, 9, 18), 15) == D(2026, 10, 15)
    # Across a year boundary, still one query (both years are loaded together).
    with django_assert_max_num_queries(1):
        with pytest.warns(CalendarFallbackWarning):
            add_workdays(D(2026, 12, 20), 15)
    # A shared calendar answers many deadlines with that one query.
    calendar = WorkCalendar()
    with django_assert_max_num_queries(1):
        for day in range(1, 29):
            add_workdays(D(2026, 2, day), 15, calendar=calendar)
            workdays_between(D(2026, 2, day), D(2026, 3, 31), calendar=calendar)


# Admin ----------------------------------------------------------------------------------------


def test_it_lets_an_administrator_enter_2027_in_the_admin(calendar_2025_2026, admin_client):
    from django.urls import reverse

    assert admin_client.get(reverse("admin:etown_workcalendaryear_changelist") + "?q=2026").status_code == 200
    assert admin_client.get(reverse("admin:etown_calendarday_changelist") + "?q=春节").status_code == 200
    year_2026 = WorkCalendarYear.objects.get(year=2026)
    page = admin_client.get(reverse("admin:etown_workcalendaryear_change", args=[year_2026.pk]))
    assert "春节调休上班" in page.content.decode()

    add_url = reverse("admin:etown_workcalendaryear_add")
    data = {
        "year": "2027", "source": "manual", "note": "国办发明电〔2026〕×号",
        "days-TOTAL_FORMS": "2", "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-01-01", "days-0-name": "元旦",
        "days-1-date": "2026-01-05", "days-1-name": "元旦",
    }
    refused = admin_client.post(add_url, data)
    assert "日期不在本年度（2027年）内" in refused.content.decode()
    data.update({"days-1-date": "2027-01-04", "days-1-is_workday": "on"})  # a Monday: no exception
    refused = admin_client.post(add_url, data)
    assert "本来就是工作日" in refused.content.decode()
    assert not WorkCalendarYear.objects.filter(year=2027).exists()

    data["days-TOTAL_FORMS"] = "1"
    assert admin_client.post(add_url, data).status_code == 302
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).calendar_year.source == WorkCalendarYear.Source.MANUAL
    assert calendar_warning(D(2026, 12, 25), D(2027, 1, 8)) is None
    assert add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
