"""The request floor (issue 16): persistent, health-checked connections, and a session
saved only when it changes or, at most once a minute, to push its 30-minute idle expiry on."""
import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse

from etown.middleware import SessionRefreshMiddleware


def test_it_keeps_connections_and_checks_them_before_reuse():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_AGE == 30 * 60


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_it_turns_postgresqls_jit_off_for_its_connections(db):
    # The gates sweep's positions query is costed above jit_above_cost: 64 ms of its
    # 111 ms were JIT compilation, and the home dashboard paid ~10 ms of it (issue 16).
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_it_saves_the_session_at_most_once_a_minute(demo, client, monkeypatch):
    clock = {"now": 1_800_000_000}
    monkeypatch.setattr("etown.middleware.time.time", lambda: clock["now"])
    client.force_login(demo.office)
    url = reverse("notification_list")
    assert client.get(url).status_code == 200
    first = _expiry(client)
    clock["now"] += 30
    assert client.get(url).status_code == 200
    assert _expiry(client) == first  # within the minute: no session write
    clock["now"] += 31
    assert client.get(url).status_code == 200
    assert client.session[SessionRefreshMiddleware.KEY] == clock["now"]  # refreshed: the expiry moved on
    assert _expiry(client) > first


def test_it_does_not_start_a_session_for_an_anonymous_visitor(db, client):
    response = client.get(reverse("public_index"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
