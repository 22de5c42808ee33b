from celery import shared_task


@shared_task
def reminder_sweep(today=None):
    """The one periodic reminder task: runs every registered sweep (etown.notifications)."""
    import datetime

    from .notifications import run_sweeps

    day = datetime.date.fromisoformat(today) if today else None
    return run_sweeps(day)
