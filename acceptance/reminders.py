"""The acceptance deadline sweep: 15 working days from receipt (004 附件2 第十七条).

Registered with etown.notifications.register_sweep; the daily reminder task runs it.
Each reminder goes out once per (application, kind, deadline) through remind_once.
"""
from django.db.models import Q

from etown.notifications import remind_once

from .models import AcceptanceApplication
from etown.recipients import office_users

DUE_SOON_WORKDAYS = 3


def acceptance_deadline_sweep(today, calendar):
    sent = 0
    applications = AcceptanceApplication.objects.filter(status=AcceptanceApplication.Status.SUBMITTED).filter(
        Q(due_on__lt=today) | Q(due_on__lte=calendar.add_workdays(today, DUE_SOON_WORKDAYS))
    ).select_related("etown__county")
    recipients = {}
    for application in applications:
        etown = application.etown
        if etown.county_id not in recipients:
            recipients[etown.county_id] = office_users(etown.county_id)
        users = recipients[etown.county_id]
        url = application.get_absolute_url()
        if today > application.due_on:
            late = calendar.workdays_between(application.due_on, today)
            sent += remind_once(
                item=application, kind="acceptance_overdue", due_date=application.due_on, users=users,
                title=f"{etown.name}{application.get_kind_display()}申请已超过验收期限（{application.due_on:%Y-%m-%d}）",
                body=f"已超期 {late} 个工作日。按临猗资金办法第十七条，须在接到申请的 15 个工作日内组织验收。", url=url,
            )
        else:
            left = calendar.workdays_between(today, application.due_on)
            sent += remind_once(
                item=application, kind="acceptance_due_soon", due_date=application.due_on, users=users,
                title=f"{etown.name}{application.get_kind_display()}申请将于 {application.due_on:%Y-%m-%d} 到期",
                body=f"距验收期限还有 {left} 个工作日，请及时组织验收并录入结论。", url=url,
            )
    return sent
