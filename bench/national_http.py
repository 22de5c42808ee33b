"""The national benchmark's HTTP mode (issue 16: “served by gunicorn with production
settings”): ``BENCH_NATIONAL_HTTP=1`` serves the portal under gunicorn (DEBUG=0, a
SECRET_KEY for the benchmark only, persistent connections, static files collected and
served by WhiteNoise as in production) on 127.0.0.1 and measures every page of
bench_national.PAGES over HTTP for each scope, p50/p95 in ms beside the bare view.

Each scope's person is signed in once (a session written to the database like a sign-in
does; its cookie is sent with every request over one keep-alive connection).
``BENCH_NATIONAL_HTTP_WORKERS`` gunicorn workers (default 2, this machine's cores).
Runs inside bench_national's child process (its database and settings)."""
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _session_cookie(user):
    """A signed-in session for ``user`` in the database gunicorn reads (what the sign-in
    view writes); returns the Cookie header."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _get(conn, url, cookie):
    headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})}
    conn.request("GET", url, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


def serve(env):
    """Start gunicorn on a free port with ``env``; returns (process, port)."""
    port = _free_port()
    workers = os.environ.get("BENCH_NATIONAL_HTTP_WORKERS", "2")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bench.national_wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", workers, "--worker-class", "sync", "--keep-alive", "30", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    _wait(port, process)
    return process, port


def measure(pages, repeat):
    """Serve under gunicorn and print p50/p95 per scope and page (HTTP status beside a
    page that did not answer 200)."""
    from django.contrib.auth import get_user_model

    from bench.bench_national import FLOORS, Targets, ratios, visitors
    from etown.permissions import visible_etowns

    wanted = {w.strip() for w in os.environ.get("BENCH_NATIONAL_PAGES", "").split(",") if w.strip()}
    static_root = Path(tempfile.gettempdir()) / "bench_national_static"
    env = dict(os.environ, STATIC_ROOT=str(static_root), DEBUG="0", CONN_MAX_AGE=os.environ.get("CONN_MAX_AGE", "60"))
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    print(f"\ncollected static files in {time.perf_counter() - started:.1f} s (WhiteNoise's manifest, as deployed)",
          flush=True)
    process, port = serve(env)
    try:
        User = get_user_model()
        print(f"gunicorn on 127.0.0.1:{port} ({os.environ.get('BENCH_NATIONAL_HTTP_WORKERS', '2')} workers, DEBUG=0)")
        print(f"\n{'scope':<10} {'page over HTTP':<28} {'p50 ms':>8} {'p95 ms':>8} {'KB':>7} {'× bare':>7} {'× layout':>8}",
              flush=True)
        targets = Targets()
        for scope in ("county", "city", "province", "national"):
            user = User.objects.get(username=f"b-{scope}")
            who = visitors(scope)
            cookies = {visitor: _session_cookie(visitor) if visitor else "" for visitor in set(who.values())}
            print(f"-- {scope}: {visible_etowns(user).count():,} e-towns visible", flush=True)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            floors = {}
            for label, url in pages:
                if label not in who or (wanted and label not in FLOORS and label not in wanted):
                    continue
                c = cookies[who[label]]
                for _ in range(2):  # warm-up: every worker has its connection and caches
                    status, size = _get(conn, url, c)
                times = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    _get(conn, url, c)
                    times.append((time.perf_counter() - t0) * 1000)
                p50 = statistics.median(times)
                p95 = sorted(times)[max(0, int(round(0.95 * len(times))) - 1)]
                print(f"{scope:<10} {label:<28} {p50:8.1f} {p95:8.1f} {size / 1024:7.1f} {ratios(label, p50, floors)}"
                      f"{targets.mark(scope, label, p50, p95, floors)}"
                      f"{'' if status == 200 else f'  (HTTP {status})'}", flush=True)
            conn.close()
        targets.summary("over HTTP")
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
