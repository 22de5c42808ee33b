"""The one notification machinery: in-app notifications, e-mail, and reminders that go
out once. Reports, inspections, rectification and funds all send through here.

A reminder sweep is a function ``sweep(today, calendar) -> int`` registered with
``register_sweep`` in an app's ``AppConfig.ready``; the single periodic Celery task
``etown.tasks.reminder_sweep`` (scheduled in etown/celery.py) runs them all, and so does
``manage.py run_reminders``.
"""
import logging

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from .models import Notification, Reminder

log = logging.getLogger("etown.notifications")

SWEEPS = {}  # name -> callable(today, calendar) -> number of reminders sent


def register_sweep(name, func):
    SWEEPS[name] = func


def notify(*, users, title, body="", url="", kind="", email=True):
    """Create an in-app notification for each user; e-mail them after the commit."""
    users = [u for u in users if u is not None and u.is_active]
    Notification.objects.bulk_create(
        [Notification(user=u, title=title[:200], body=body, url=url[:300], kind=kind[:50]) for u in users]
    )
    if email:
        addresses = [u.email for u in users if u.email]
        if addresses:
            transaction.on_commit(lambda: _send_mail(title, body, url, addresses))
    return len(users)


def _send_mail(title, body, url, addresses):
    try:
        send_mail(f"【乡村e镇监管】{title}", f"{body}\n\n{url}".strip(), None, addresses, fail_silently=False)
    except Exception:  # the in-app notification is the record; mail is best effort
        log.exception("mail to %s failed", addresses)


def remind_once(*, item, kind, due_date, users, title, body="", url=""):
    """Send a reminder about ``item`` unless one with the same (item, kind, due date)
    was sent before. The key is inserted first, in a savepoint: a concurrent or repeated
    sweep hits the unique constraint and sends nothing. Returns True when sent."""
    item_type = f"{item._meta.app_label}.{item._meta.model_name}"
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(item_type=item_type, item_id=item.pk, kind=kind, due_date=due_date)
    except IntegrityError:
        return False
    reminder.recipients = notify(users=users, title=title, body=body, url=url, kind=kind)
    reminder.save(update_fields=["recipients"])
    return True


def run_sweeps(today=None, names=None):
    """Run every registered sweep (or those named); returns {name: reminders sent}."""
    from django.utils import timezone

    from .workdays import WorkCalendar

    today = today or timezone.localdate()
    calendar = WorkCalendar()
    results = {}
    for name, func in sorted(SWEEPS.items()):
        if names and name not in names:
            continue
        with transaction.atomic():
            results[name] = func(today, calendar)
    return results


def unread_count(user):
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(*, user, ids=None):
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
