"""Celery application. Periodic schedules live in one place: ``beat_schedule`` below."""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etown.settings")

app = Celery("etown")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every periodic schedule lives here. Reminders: one daily sweep task that runs every
# registered sweep (etown.notifications), never one periodic task per item (DESIGN.md).
app.conf.beat_schedule = {
    "reminder-sweep": {"task": "etown.tasks.reminder_sweep", "schedule": crontab(minute=30, hour=7)},
    # Issue 13: publish jobs left queued (broker was down), take back stale ones, delete
    # expired exports (etown.services.jobs.jobs_sweep).
    "jobs-sweep": {"task": "etown.tasks.jobs_sweep", "schedule": 60.0},
    "daily-backup": {"task": "etown.tasks.daily_backup", "schedule": crontab(minute=0, hour=2)},
    # Issue 16: the stored inspection due states move to the new day before anyone reads.
    "inspection-due-refresh": {"task": "supervision.inspection_due_refresh", "schedule": crontab(minute=5, hour=0)},
}
