import pytest


@pytest.fixture
def broker_down():
    """Celery pointed at a broker that refuses connections (nothing listens on port 1),
    as in production with Redis down; tasks are not eager. Restored afterwards."""
    from etown.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    yield app
    app.conf.task_always_eager, app.conf.broker_url = saved
    app._pool = None
    app.amqp._producer_pool = None
