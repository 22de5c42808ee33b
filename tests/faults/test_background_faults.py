"""The fault suite (issue 13), on PostgreSQL, a PRIVATE Redis and real workers: the
broker stopped and restarted, a worker killed mid-task. Every letter PDF requested in
that time exists afterwards without anyone pressing anything.

Runs when REDIS_URL and a PostgreSQL DATABASE_URL are set (CI's ``make test``) and
redis-server is installed; skipped otherwise. The system Redis (6379) is never touched:
each test starts its own redis-server on port 6390."""
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from etown.celery import app
from etown.models import Job
from etown.models.jobs import LETTER_PDF
from etown.services.jobs import jobs_sweep

PORT = 6390
URL = f"redis://127.0.0.1:{PORT}/0"
ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.fault,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL") or connection.vendor != "postgresql",
                       reason="the fault suite needs REDIS_URL and a PostgreSQL DATABASE_URL"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


def _redis_up():
    import redis

    try:
        return redis.Redis.from_url(URL, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001
        return False


def start_redis():
    process = subprocess.Popen(["redis-server", "--port", str(PORT), "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        if _redis_up():
            return process
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("private redis-server did not start")


def stop(process, sig=signal.SIGTERM):
    if process and process.poll() is None:
        process.send_signal(sig)
        process.wait(20)


def start_worker(settings):
    env = {**os.environ, "REDIS_URL": URL, "CELERY_TASK_ALWAYS_EAGER": "0", "DEBUG": "1",
           "MEDIA_ROOT": str(settings.MEDIA_ROOT), "DATABASE_URL": _database_url()}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "etown", "worker", "--pool=prefork", "-c", "2", "-l", "warning",
         "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _database_url():
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    return f"postgres://{auth}@{d.get('HOST') or '127.0.0.1'}:{d.get('PORT') or 5432}/{d['NAME']}"


@pytest.fixture
def private_broker():
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = URL
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.task_always_eager, app.conf.broker_url = saved
    app._pool = None
    app.amqp._producer_pool = None


def issue_letters(demo, n):
    from supervision.services.letters import letter_draft, letter_issue, letter_update
    from supervision.services.rectification import rectification_create

    today = timezone.localdate()
    letters = []
    for i in range(n):
        item = rectification_create(etown=demo.etown, source="inspection", problem=f"问题{i}", measures="整改",
                                    units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=today, by=demo.office)
        draft = letter_draft(etown=demo.etown, kind=1, items=[item], by=demo.office, today=today)
        draft = letter_update(letter=draft, by=demo.office, today=today, deadline=today + timezone.timedelta(days=10))
        started = time.monotonic()
        letters.append(letter_issue(letter=draft, by=demo.office, today=today))
        assert time.monotonic() - started < 2, "a click stalled on the broker"
    return letters


def wait_all_done(letters, timeout=120, sweep_every=5):
    deadline = time.monotonic() + timeout
    last_sweep = 0
    while time.monotonic() < deadline:
        jobs = Job.objects.filter(kind=LETTER_PDF, target_id__in=[x.pk for x in letters])
        if jobs.count() == len(letters) and all(j.state == Job.State.DONE for j in jobs):
            return
        if time.monotonic() - last_sweep > sweep_every:
            # What beat does every minute; "now" moved on so stale work counts as stale.
            jobs_sweep(now=timezone.now() + timezone.timedelta(minutes=20))
            last_sweep = time.monotonic()
        time.sleep(0.5)
    states = list(Job.objects.filter(kind=LETTER_PDF).values_list("state", "error", "publish_error"))
    raise AssertionError(f"not every PDF was made: {states}")


def test_it_makes_every_pdf_requested_while_the_broker_was_down(demo, settings, private_broker):
    letters = issue_letters(demo, 4)  # the broker is down: every publish fails fast
    assert all(j.publish_error for j in Job.objects.filter(kind=LETTER_PDF))
    redis, worker = start_redis(), None
    try:
        worker = start_worker(settings)
        wait_all_done(letters)
    finally:
        stop(worker)
        stop(redis)
    for letter in letters:
        letter.refresh_from_db()
        assert letter.pdf_id


def test_it_loses_nothing_when_the_worker_is_killed_mid_task(demo, settings, private_broker):
    redis = start_redis()
    worker = None
    try:
        worker = start_worker(settings)
        letters = issue_letters(demo, 8)
        time.sleep(1.5)  # some rendered, some running, some waiting
        stop(worker, signal.SIGKILL)
        worker = start_worker(settings)
        wait_all_done(letters)
    finally:
        stop(worker)
        stop(redis)
    for letter in letters:
        letter.refresh_from_db()
        assert letter.pdf_id
