import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import workdays
from ..models import CalendarDay, WorkCalendarYear


@login_required
def calendar_view(request):
    today = datetime.date.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2004), 2100)
    known = WorkCalendarYear.objects.filter(year=year).first()
    days = CalendarDay.objects.filter(date__year=year).order_by("date")
    return render(
        request,
        "etown/calendar.html",
        {
            "year": year,
            "known": known,
            "days": days,
            "warning": workdays.calendar_warning(datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
            "years": WorkCalendarYear.objects.order_by("-year").values_list("year", flat=True),
            "is_staff": request.user.is_staff,
        },
    )
