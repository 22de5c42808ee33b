"""Sessions (issue 14 finding 9; 等保 2.0 会话控制): besides the 30-minute idle timeout an
absolute lifetime (12 h), a warning before the idle sign-out with 继续 that extends the
session; the development .env is never read unless DEBUG is set in the environment."""
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from etown.models import AuditEvent

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_it_ends_a_session_after_its_absolute_lifetime(demo, settings):
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    c = Client()
    assert c.post(reverse("login"), {"username": "office", "password": "demo12345"}).status_code == 302
    assert c.get(reverse("dashboard")).status_code == 200
    session = c.session
    session["_signed_in_at"] = int(time.time()) - 12 * 3600 - 5  # signed in 12 hours ago, busy since
    session.save()
    r = c.get(reverse("dashboard"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    assert c.get(reverse("dashboard")).status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SESSIONS_ENDED, user=demo.office).exists()


def test_it_warns_before_the_idle_sign_out_and_extends_on_continue(demo, client_for):
    c = client_for(demo.office)
    page = c.get(reverse("dashboard")).content.decode()
    assert 'data-session-idle="1800"' in page and "js/etown/session.js" in page
    assert c.get(reverse("session_ping")).status_code == 405
    r = c.post(reverse("session_ping"))
    assert r.status_code == 200 and r.json() == {"idle_seconds": 1800}
    assert Client().post(reverse("session_ping")).status_code == 302  # signed out: to the login page
    script = (ROOT / "static/js/etown/session.js").read_text()
    assert "继续" in script and "自动退出登录" in script


def _settings_reads_env(debug):
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env["SECRET_KEY"] = "x" * 50
    if debug is not None:
        env["DEBUG"] = debug
    code = ("import environ\n"
            "def boom(*a, **k):\n    raise SystemExit(3)\n"
            "environ.Env.read_env = boom\n"
            "import etown.settings\n")
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env).returncode == 3


def test_it_reads_the_dotenv_only_with_debug_set_in_the_environment():
    assert not _settings_reads_env(None)
    assert not _settings_reads_env("0")
    assert _settings_reads_env("1")
