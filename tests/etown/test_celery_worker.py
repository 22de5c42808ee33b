"""With REDIS_URL set (CI, docker-compose), tasks go through Redis to a real worker."""
import os

import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set: tasks run eagerly")


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_reminder_sweep_on_a_real_worker(demo):
    from celery.backends.redis import RedisBackend
    from celery.contrib.testing.worker import start_worker
    from celery.result import AsyncResult

    from etown.celery import app
    from etown.tasks import reminder_sweep

    app.conf.task_always_eager = False
    app.conf.broker_url = os.environ["REDIS_URL"]
    app.conf.result_backend = os.environ["REDIS_URL"]
    # The portal reads no results (issue 13: pages read Job rows); this test does.
    app.conf.task_ignore_result = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            # Per message: the task's own ignore_result was fixed when it was bound.
            sent = reminder_sweep.apply_async(args=("2026-11-23",), ignore_result=False)
            # Read through an explicit backend: the app caches its backend per thread, and
            # this thread may already hold the disabled one (the portal reads no results).
            backend = RedisBackend(app=app, url=os.environ["REDIS_URL"])
            assert isinstance(AsyncResult(sent.id, app=app, backend=backend).get(timeout=30), dict)
    finally:
        app.conf.task_always_eager = True
        app.conf.task_ignore_result = True
        app.conf.result_backend = None
