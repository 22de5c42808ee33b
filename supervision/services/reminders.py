"""The daily sweeps of inspections, rectification and letters (registered with
etown.notifications.register_sweep; run by the one periodic task and by
``manage.py run_reminders``). Each reminder goes out once per (item, kind, due date)."""
from django.urls import reverse

from etown import workdays
from etown.models import ETown, Role
from etown.notifications import remind_once
from etown.recipients import contractor_users, office_users

from ..models import Rectification, overdue_q
from ..selectors.inspections import ACTIVE_PHASES, due_rows
from .letters import letters_draft_overdue

RECTIFICATION_NOTICE_WORKDAYS = 3


def _inspectors(etown):
    """Office staff of the county and staff of the agencies assigned to the e-town."""
    from django.contrib.auth import get_user_model

    agency_staff = get_user_model().objects.filter(
        is_active=True, memberships__role=Role.AGENCY, memberships__organization__in=etown.agencies.all()
    ).distinct()
    return office_users(etown.county_id) + list(agency_staff)


def sweep_inspections_due(today, calendar):
    """Planned inspections whose period ends within a week, or whose last period ended
    without one (000 §6, 001 §3, 004 annex 4 §4)."""
    etowns = ETown.objects.filter(status=ETown.Status.ACTIVE, phase__in=ACTIVE_PHASES).select_related("county")
    sent = 0
    people = {}
    for row in due_rows(etowns, today):
        if row.state not in ("due_soon", "overdue"):
            continue
        if row.etown.pk not in people:
            people[row.etown.pk] = _inspectors(row.etown)
        if row.state == "due_soon":
            title = f"{row.etown.name}：{row.period}{row.category_label}检查将于{row.due_date:%m月%d日}到期"
            kind = f"inspection_due:{row.category}"
        else:
            title = f"{row.etown.name}：{row.missed_period}{row.category_label}检查未开展"
            kind = f"inspection_overdue:{row.category}"
        sent += remind_once(
            item=row.etown, kind=kind, due_date=row.due_date, users=people[row.etown.pk], title=title,
            body=f"检查频次：{row.interval_label}。", url=reverse("etown_inspections", args=[row.etown.pk]),
        )
    return sent


def sweep_rectification_deadlines(today, calendar):
    """Items whose deadline is within three working days (to the contractor), and items
    past their deadline (to the contractor and the office); a new deadline set by a
    letter gives new reminders."""
    soon_until = workdays.add_workdays(today, RECTIFICATION_NOTICE_WORKDAYS, calendar=calendar)
    open_items = Rectification.objects.exclude(status=Rectification.Status.CLOSED).select_related("etown__county")
    soon = open_items.filter(due_date__gte=today, due_date__lte=soon_until).exclude(status=Rectification.Status.SUBMITTED)
    late = open_items.filter(overdue_q(today))
    contractors, offices = {}, {}
    sent = 0
    for item in soon:
        users = contractors.setdefault(item.etown_id, contractor_users(etown=item.etown))
        sent += remind_once(
            item=item, kind="rectification_due", due_date=item.due_date, users=users,
            title=f"整改事项将于{item.due_date:%m月%d日}到期：{item.problem[:30]}",
            body="请按期整改并提交佐证材料。", url=item.get_absolute_url(),
        )
    for item in late:
        users = contractors.setdefault(item.etown_id, contractor_users(etown=item.etown))
        users = users + offices.setdefault(item.etown.county_id, office_users(item.etown.county_id))
        sent += remind_once(
            item=item, kind="rectification_overdue", due_date=item.due_date, users=users,
            title=f"整改事项已逾期：{item.problem[:30]}",
            body=f"{item.etown.name}，期限 {item.due_date:%Y-%m-%d}。", url=item.get_absolute_url(),
        )
    return sent


def sweep_draft_letters(today, calendar):
    """A draft 督办函 for every e-town with overdue items and no letter yet."""
    return letters_draft_overdue(today, calendar)
