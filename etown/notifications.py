"""The one notification machinery: in-app notifications, e-mail, and reminders that go
out once. Reports, inspections, rectification and funds all send through here.

A reminder sweep is a function ``sweep(today, calendar) -> int`` registered with
``register_sweep`` in an app's ``AppConfig.ready``; the single periodic Celery task
``etown.tasks.reminder_sweep`` (scheduled in etown/celery.py) runs them all, and so does
``manage.py run_reminders``.
"""
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

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


def absolute_url(url):
    """A link that opens from a mail client: ``settings.SITE_URL`` + the portal path."""
    if not url or "://" in url:
        return url
    return f"{settings.SITE_URL.rstrip('/')}/{url.lstrip('/')}"


def _send_mail(title, body, url, addresses):
    try:
        send_mail(f"【乡村e镇监管】{title}", f"{body}\n\n{absolute_url(url)}".strip(), None, addresses, fail_silently=False)
    except Exception:  # the in-app notification is the record; mail is best effort
        log.exception("mail to %s failed", addresses)


@dataclass
class Due:
    """One reminder a sweep wants to send: once per (item, kind, due date)."""

    item_type: str
    item_id: int
    kind: str
    due_date: object
    users: list
    title: str
    body: str = ""
    url: str = ""

    @classmethod
    def of(cls, item, **fields):
        return cls(item_type=f"{item._meta.app_label}.{item._meta.model_name}", item_id=item.pk, **fields)

    @property
    def key(self):
        return (self.item_type, self.item_id, self.kind, self.due_date)


def remind_many(dues):
    """Send each reminder of ``dues`` that was not sent before, in a fixed number of
    queries however many there are (issue 16): one SELECT of the keys already sent, one
    INSERT of the new keys that skips any a concurrent sweep wrote meanwhile (the unique
    key, ``ignore_conflicts``), one SELECT of the rows this batch really inserted, one
    INSERT of the notifications (batches of 2,000 rows). Only the rows
    this batch inserted are sent, so a sweep that runs twice (or on two workers at once)
    sends nothing twice, and a rerun with nothing new costs one query. Returns the
    number sent."""
    wanted = {}
    for due in dues:
        wanted.setdefault(due.key, due)
    if not wanted:
        return 0
    sent_before = set()
    types, kinds, days = ({k[i] for k in wanted} for i in (0, 2, 3))
    ids = sorted({k[1] for k in wanted})
    for start in range(0, len(ids), 5000):
        sent_before.update(Reminder.objects.filter(
            item_type__in=types, kind__in=kinds, due_date__in=days, item_id__in=ids[start:start + 5000],
        ).values_list("item_type", "item_id", "kind", "due_date"))
    new = [due for key, due in wanted.items() if key not in sent_before]
    if not new:
        return 0
    batch = uuid.uuid4().hex
    people = {due.key: list({u.pk: u for u in due.users if u is not None and u.is_active}.values()) for due in new}
    Reminder.objects.bulk_create(
        [Reminder(item_type=d.item_type, item_id=d.item_id, kind=d.kind, due_date=d.due_date, batch=batch,
                  recipients=len(people[d.key])) for d in new],
        ignore_conflicts=True, batch_size=2000,
    )
    mine = set(Reminder.objects.filter(batch=batch).values_list("item_type", "item_id", "kind", "due_date"))
    notifications, mails = [], []
    for due in new:
        if due.key not in mine:  # a concurrent sweep inserted it first: it sends it
            continue
        users = people[due.key]
        notifications += [Notification(user=u, title=due.title[:200], body=due.body, url=due.url[:300], kind=due.kind[:50])
                          for u in users]
        addresses = [u.email for u in users if u.email]
        if addresses:
            mails.append((due.title, due.body, due.url, addresses))
    Notification.objects.bulk_create(notifications, batch_size=2000)
    if mails:
        transaction.on_commit(lambda: [_send_mail(*mail) for mail in mails])
    return len(mine)


def remind_once(*, item, kind, due_date, users, title, body="", url=""):
    """Send a reminder about ``item`` unless one with the same (item, kind, due date)
    was sent before (``remind_many`` of one). Returns True when sent."""
    return bool(remind_many([Due.of(item, kind=kind, due_date=due_date, users=list(users), title=title, body=body,
                                    url=url)]))


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
