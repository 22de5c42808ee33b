"""Celery application. Periodic schedules live in one place: ``beat_schedule`` below."""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etown.settings")

app = Celery("etown")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One sweep task per kind of reminder, never one periodic task per item (DESIGN.md).
app.conf.beat_schedule = {}


def add_schedule(name, task, schedule=None):
    """Apps call this from AppConfig.ready() to register their sweep."""
    app.conf.beat_schedule[name] = {"task": task, "schedule": schedule or crontab(minute=0, hour=7)}
