"""Monthly-report reminders: one sweep (registered with etown.notifications, run by the
single periodic task) finds reports due within N working days and overdue ones, and each
reminder goes out once per (e-town, kind, due date), however often the sweep runs.

On Wednesday 2 December 2026 (report day 5): November's report is due Monday 7 December,
three working days ahead (3, 4, 7 Dec) → "due soon"; October's was due 5 November →
"overdue". The demo has four e-towns with contracts in three counties.
"""
import pytest
from django.core import mail

from etown.models import Notification, Reminder
from etown.notifications import run_sweeps
from etown.tasks import reminder_sweep
from etown.workdays import WorkCalendar
from supervision.services.reports import sweep_monthly_reports

from .support import OCTOBER, D, submitted_report

pytestmark = pytest.mark.django_db

WEDNESDAY = D(2026, 12, 2)


MINE = {"kind__in": ["monthly_report_due_soon", "monthly_report_overdue"]}


def _titles(user):
    # Only the monthly-report reminders: the other apps' sweeps run in the same task.
    return sorted(user.notifications.filter(**MINE).values_list("title", flat=True))


def _mails():
    return [m for m in mail.outbox if "月报" in m.subject]


def test_it_reminds_each_contractor_once_however_often_the_sweep_runs(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = sweep_monthly_reports(WEDNESDAY, WorkCalendar())
    notifications, mails = Notification.objects.filter(**MINE).count(), len(_mails())
    with django_capture_on_commit_callbacks(execute=True):
        second = sweep_monthly_reports(WEDNESDAY, WorkCalendar())
        third = run_sweeps(WEDNESDAY, names=["monthly_reports"])
        # The one periodic Celery task (eager here) runs every registered sweep, ours included.
        fourth = reminder_sweep.delay(WEDNESDAY.isoformat()).get()

    assert first == 8  # 4 e-towns × (November due soon, October overdue)
    assert (second, third, fourth["monthly_reports"]) == (0, {"monthly_reports": 0}, 0)
    assert (Notification.objects.filter(**MINE).count(), len(_mails())) == (notifications, mails)
    assert _titles(demo.contractor) == [
        "临猗新城涑水e镇2026年10月月报已逾期未报送",
        "临猗新城涑水e镇2026年11月月报请于12月7日前报送",
    ]
    assert _titles(demo.contractor2) == [
        "临猗县电子商务进农村综合示范项目2026年10月月报已逾期未报送",
        "临猗县电子商务进农村综合示范项目2026年11月月报请于12月7日前报送",
    ]
    # In-app and e-mail: one message per reminder per contractor user (the only ones with accounts).
    assert sorted(m.to[0] for m in _mails()) == ["contractor2@demo.invalid"] * 2 + ["contractor@demo.invalid"] * 2
    assert not demo.office.notifications.filter(**MINE).exists()
    assert Reminder.objects.filter(kind="monthly_report_overdue", due_date=D(2026, 11, 5)).count() == 4


def test_it_does_not_remind_a_contractor_whose_report_was_received(demo):
    submitted_report(demo.etown, demo.contractor, OCTOBER, today=D(2026, 11, 4))

    sweep_monthly_reports(WEDNESDAY, WorkCalendar())

    assert _titles(demo.contractor) == ["临猗新城涑水e镇2026年11月月报请于12月7日前报送"]


def test_it_sends_due_soon_only_within_n_working_days(demo, settings):
    # Tuesday 1 December: 2, 3, 4, 7 December are four working days to the due date.
    sweep_monthly_reports(D(2026, 12, 1), WorkCalendar())
    assert _titles(demo.contractor) == ["临猗新城涑水e镇2026年10月月报已逾期未报送"]

    settings.REPORT_REMINDER_WORKDAYS = 4
    sweep_monthly_reports(D(2026, 12, 1), WorkCalendar())
    assert "临猗新城涑水e镇2026年11月月报请于12月7日前报送" in _titles(demo.contractor)


def test_it_counts_working_days_across_a_holiday(demo):
    # September's report is due Thursday 8 October (after 国庆节). On Monday 28 September the
    # working days to it are 29, 30 Sep and 8 Oct: three, so it is "due soon" already.
    sweep_monthly_reports(D(2026, 9, 28), WorkCalendar())

    assert "临猗新城涑水e镇2026年9月月报请于10月8日前报送" in _titles(demo.contractor)
