from celery import shared_task


@shared_task
def reminder_sweep(today=None):
    """The one periodic reminder task: runs every registered sweep (etown.notifications)."""
    import datetime

    from .notifications import run_sweeps

    day = datetime.date.fromisoformat(today) if today else None
    return run_sweeps(day)


@shared_task
def daily_backup():
    """Write today's backup to the backups storage (S3, when configured) or BACKUP_DIR
    (when set) and drop those older than
    BACKUP_KEEP_DAYS. Restore with ``manage.py restore``."""
    import datetime
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    if "backups" in settings.STORAGES:  # object storage (issue 16): the bucket keeps them
        from .backups import prune_stored_backups

        name = f"etown-{datetime.date.today():%Y-%m-%d}.tar.gz"
        call_command("backup", name, "--storage")
        prune_stored_backups(datetime.date.today() - datetime.timedelta(days=settings.BACKUP_KEEP_DAYS))
        return name
    if not settings.BACKUP_DIR:
        return None
    folder = Path(settings.BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    today = datetime.date.today()
    target = folder / f"etown-{today:%Y-%m-%d}.tar.gz"
    call_command("backup", str(target))
    cutoff = today - datetime.timedelta(days=settings.BACKUP_KEEP_DAYS)
    for old in folder.glob("etown-*.tar.gz"):
        try:
            if datetime.date.fromisoformat(old.name[6:16]) < cutoff:
                old.unlink()
                Path(f"{old}.sha256").unlink(missing_ok=True)  # its checksum (etown.backups)
        except ValueError:
            continue
    return str(target)


@shared_task(name="etown.tasks.jobs_sweep")
def jobs_sweep():
    """Every minute (etown/celery.py): publish queued jobs, take back stale ones, delete
    expired exports (etown.services.jobs.jobs_sweep)."""
    from .services.jobs import jobs_sweep as sweep

    return sweep()
