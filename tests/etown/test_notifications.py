"""Notifications and once-only reminders (the machinery every app's sweep uses)."""
import datetime

import pytest
from django.core import mail
from django.urls import reverse

from etown.models import Notification, Reminder
from etown.notifications import SWEEPS, register_sweep, remind_once, run_sweeps

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_sends_a_reminder_once_per_item_kind_and_due_date(demo):
    due = datetime.date(2026, 12, 7)
    kwargs = dict(item=demo.etown, kind="due_soon", due_date=due, users=[demo.contractor], title="月报即将到期")
    assert remind_once(**kwargs) is True
    assert remind_once(**kwargs) is False
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(user=demo.contractor).count() == 1
    assert len(mail.outbox) == 1 and "月报即将到期" in mail.outbox[0].subject
    # A new due date is a new reminder.
    assert remind_once(**{**kwargs, "due_date": due + datetime.timedelta(days=31)}) is True


def test_it_runs_every_registered_sweep_and_twice_sends_nothing_twice(demo):
    def sweep(today, calendar):
        return int(remind_once(item=demo.etown, kind="test", due_date=today, users=[demo.office], title="测试提醒"))

    register_sweep("test-sweep", sweep)
    try:
        assert run_sweeps(datetime.date(2026, 11, 23), ["test-sweep"]) == {"test-sweep": 1}
        assert run_sweeps(datetime.date(2026, 11, 23), ["test-sweep"]) == {"test-sweep": 0}
        from etown.tasks import reminder_sweep

        assert reminder_sweep.delay("2026-11-23").get()["test-sweep"] == 0
        assert Notification.objects.filter(user=demo.office, title="测试提醒").count() == 1
    finally:
        SWEEPS.pop("test-sweep")


def test_it_lists_and_marks_notifications(demo, client_for):
    remind_once(item=demo.etown, kind="x", due_date=datetime.date(2026, 1, 1), users=[demo.contractor], title="请报送月报")
    c = client_for(demo.contractor)
    assert "请报送月报" in c.get(reverse("notification_list")).content.decode()
    assert 'text-bg-danger">1<' in c.get(reverse("dashboard")).content.decode()
    c.post(reverse("notification_read"))
    assert not Notification.objects.filter(user=demo.contractor, read_at__isnull=True).exists()
    assert "请报送月报" not in client_for(demo.office).get(reverse("notification_list")).content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/phish", "//evil.example/x", "/\\evil.example"])
def test_it_never_redirects_off_site_after_marking_read(demo, client_for, target):
    """Issue 14 finding 9: an open redirect in notifications/read/?next=."""
    from django.urls import reverse

    c = client_for(demo.office)
    for response in (c.post(reverse("notification_read"), {"next": target}),
                     c.post(reverse("notification_read") + f"?next={target}", {})):
        assert response.status_code == 302
        assert response["Location"] == reverse("notification_list")
    assert c.post(reverse("notification_read"), {"next": "/etowns/"})["Location"] == "/etowns/"
