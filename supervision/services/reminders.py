"""The daily sweeps of inspections, rectification and letters (registered with
etown.notifications.register_sweep; run by the one periodic task and by
``manage.py run_reminders``). Each reminder goes out once per (item, kind, due date)."""
from django.db.models import Case, Exists, OuterRef, Value, When
from django.db.models.functions import Concat
from django.urls import reverse

from etown import workdays
from etown.models import ETown, Reminder, Role
from etown.notifications import Due, remind_many
from etown.recipients import agency_users_by_etown, contractor_users_by_etown, staff_by_county

from ..models import Rectification, overdue_q
from ..selectors.inspections import ACTIVE_PHASES, due_table, rows_from
from ..selectors.scope import item_companies, staff_by_company
from .letters import letters_draft_overdue

RECTIFICATION_NOTICE_WORKDAYS = 3


def sweep_inspections_due(today, calendar):
    """Planned inspections whose period ends within a week, or whose last period ended
    without one (000 §6, 001 §3, 004 annex 4 §4), to the county's office and the
    e-town's assigned agencies. Set-based (issue 16): the due rows come from the
    database, the people in four queries, and the reminders go out in one batch."""
    etowns = ETown.objects.filter(status=ETown.Status.ACTIVE, phase__in=ACTIVE_PHASES)
    # Only the rows not reminded of before (their key as ``Due.of(etown)`` writes it): a
    # rerun reads nothing more.
    kind = Case(When(state="due_soon", then=Concat(Value("inspection_due:"), "category")),
                default=Concat(Value("inspection_overdue:"), "category"))
    sent = Reminder.objects.filter(item_type=f"{ETown._meta.app_label}.{ETown._meta.model_name}",
                                   item_id=OuterRef("etown_id"), kind=OuterRef("kind"), due_date=OuterRef("due_date"))
    rows = rows_from(due_table(etowns, today, states=["due_soon", "overdue"]).narrowed(
        lambda qs: qs.annotate(kind=kind).exclude(Exists(sent))))
    offices = staff_by_county({r.etown.county_id for r in rows}, Role.OFFICE)
    agencies = agency_users_by_etown({r.etown.pk for r in rows})
    dues = []
    for row in rows:
        if row.state == "due_soon":
            title = f"{row.etown.name}：{row.period}{row.category_label}检查将于{row.due_date:%m月%d日}到期"
            kind = f"inspection_due:{row.category}"
        else:
            title = f"{row.etown.name}：{row.missed_period}{row.category_label}检查未开展"
            kind = f"inspection_overdue:{row.category}"
        dues.append(Due.of(
            row.etown, kind=kind, due_date=row.due_date, title=title, body=f"检查频次：{row.interval_label}。",
            users=offices.get(row.etown.county_id, []) + agencies.get(row.etown.pk, []),
            url=reverse("etown_inspections", args=[row.etown.pk]),
        ))
    return remind_many(dues)


def sweep_rectification_deadlines(today, calendar):
    """Items whose deadline is within three working days (to the contractor), and items
    past their deadline (to the contractor and the office); a new deadline set by a
    letter gives new reminders. Set-based (issue 16): two reads of the items, the people
    in a few queries, one batch of reminders."""
    soon_until = workdays.add_workdays(today, RECTIFICATION_NOTICE_WORKDAYS, calendar=calendar)
    open_items = Rectification.objects.exclude(status=Rectification.Status.CLOSED).select_related("etown")
    soon = list(
        open_items.filter(due_date__gte=today, due_date__lte=soon_until).exclude(status=Rectification.Status.SUBMITTED)
        .exclude(_reminded("rectification_due"))
    )
    late = list(open_items.filter(overdue_q(today)).exclude(_reminded("rectification_overdue")))
    by_etown = contractor_users_by_etown({i.etown_id for i in soon + late})
    # An item naming one contractor of a two-contractor e-town is that contractor's alone
    # (issue 11): only its staff are reminded; an item naming none, every contractor's.
    companies = item_companies(soon + late)
    by_company = staff_by_company({o for orgs in companies.values() for o in orgs})

    def contractors_of(item):
        orgs = companies.get(item.pk)
        if not orgs:
            return by_etown.get(item.etown_id, [])
        return list({u.pk: u for org in orgs for u in by_company.get(org, [])}.values())

    offices = staff_by_county({i.etown.county_id for i in late}, Role.OFFICE)
    dues = [
        Due.of(item, kind="rectification_due", due_date=item.due_date, users=contractors_of(item),
               title=f"整改事项将于{item.due_date:%m月%d日}到期：{item.problem[:30]}",
               body="请按期整改并提交佐证材料。", url=item.get_absolute_url())
        for item in soon
    ] + [
        Due.of(item, kind="rectification_overdue", due_date=item.due_date,
               users=contractors_of(item) + offices.get(item.etown.county_id, []),
               title=f"整改事项已逾期：{item.problem[:30]}",
               body=f"{item.etown.name}，期限 {item.due_date:%Y-%m-%d}。", url=item.get_absolute_url())
        for item in late
    ]
    return remind_many(dues)


def _reminded(kind):
    """Items already reminded of ``kind`` for their current deadline: the daily rerun
    reads only what is new."""
    return Exists(Reminder.objects.filter(
        item_type="supervision.rectification", item_id=OuterRef("pk"), kind=kind, due_date=OuterRef("due_date"),
    ))


def sweep_draft_letters(today, calendar):
    """A draft 督办函 for every e-town and contractor with overdue items and no letter yet
    (one per contractor company, issue 11)."""
    return letters_draft_overdue(today, calendar)
