"""The national benchmark (issue 16): a national data set on PostgreSQL, every list page
and dashboard for each scope (county, city, province, national) side by side with a bare
view and Django admin's changelist of e-towns, and the reminder sweeps (a first run and a
rerun with nothing to send). Prints p50/p95 in ms and the query count of each.

At ``BENCH_NATIONAL_SCALE=1`` (the default) the data set is 31 provinces, 300 counties,
1,500 e-towns with one contract each, 54,000 monthly reports (36 months), 30,000
rectification items and 10,000 disbursement requests (3,000 of them in flight, which the
gates sweep re-evaluates); ``BENCH_NATIONAL_SCALE=0.05`` is a quick run. The 1,000,000
ledger entries and 836,000 history rows (scaled alike) are generated set-based by
bench/national_data.py (INSERT … SELECT generate_series).

The data goes into its own PostgreSQL database (``BENCH_NATIONAL_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/etown_bench_national, created when missing; its name
must contain "bench"), built once per scale and reused (``BENCH_NATIONAL_REBUILD=1`` to
build it again), in a child process so that its settings are its own. Pages are served
in-process by Django's test client with production-like settings (DEBUG off, persistent
connections); ``BENCH_NATIONAL_REPEAT`` requests per page (default 15).
The pages are then served under gunicorn with production settings and measured over
HTTP (bench/national_http.py); ``BENCH_NATIONAL_HTTP=0`` skips that, ``=only`` measures
over HTTP only. ``BENCH_NATIONAL_PAGES`` (comma-separated labels, e.g. "home dashboard,county dashboard")
measures only those pages beside the bare view; ``BENCH_NATIONAL_SWEEPS=0`` skips the sweeps.
"""
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/etown_bench_national"
PROVINCES = ["山西省", "河北省", "湖北省", "河南省", "山东省", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "湖南省",
             "广东省", "广西壮族自治区", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "辽宁省",
             "吉林省", "黑龙江省", "内蒙古自治区", "宁夏回族自治区", "新疆维吾尔自治区", "西藏自治区", "北京市", "天津市",
             "上海市", "重庆市"]


DAY = datetime.date(2026, 11, 23)  # the data set's today: pages and sweeps are measured on it


def scale():
    return float(os.environ.get("BENCH_NATIONAL_SCALE", "1"))


def main():
    """Run the benchmark in a child process with its own database."""
    if os.environ.get("BENCH_NATIONAL_CHILD") == "1":
        return child()
    url = os.environ.get("BENCH_NATIONAL_DATABASE_URL", DEFAULT_URL)
    name = url.rsplit("/", 1)[-1]
    if "bench" not in name:
        raise RuntimeError(f"refusing to use {name}: a benchmark database's name must contain 'bench'")
    _create_database(url, name)
    env = dict(os.environ, BENCH_NATIONAL_CHILD="1", DATABASE_URL=url, DEBUG="0", SECRET_KEY="bench-" + "x" * 50,
               ALLOWED_HOSTS="testserver,127.0.0.1", SECURE_HTTPS="0", TWO_FACTOR_REQUIRED="0", MEDIA_ROOT="/tmp/bench_national_media",
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", LOG_LEVEL="ERROR")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "bench.bench_national"], cwd=root, env=env)
    if done.returncode:
        raise RuntimeError(f"bench_national child failed with exit code {done.returncode}")


def _create_database(url, name):
    base = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# The child ------------------------------------------------------------------------------


def child():
    from bench import setup_django

    setup_django(debug=False)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from etown.models import County

    counties = max(3, round(300 * scale()))
    marker = f"规模{scale()}"
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from funds.models import LedgerEntry

    built = County.objects.filter(office_name=marker).exists() and get_user_model().objects.filter(username="b-admin").exists()
    built = built and LedgerEntry.objects.exists()  # a data set from before the ledger rows: build again
    if os.environ.get("BENCH_NATIONAL_REBUILD") == "1" or not built:
        started = time.perf_counter()
        _wipe()
        with transaction.atomic():
            build(counties, marker)
        with connection.cursor() as cursor:  # what autovacuum does after a bulk load: fresh planner statistics
            cursor.execute("ANALYZE")
        print(f"built the national data set (scale {scale()}: {counties} counties) in "
              f"{time.perf_counter() - started:.1f} s ({connection.vendor})", flush=True)
    else:
        print(f"reusing the national data set (scale {scale()})", flush=True)
    from supervision.models import Inspection

    if not Inspection.objects.exists():  # a data set from before the inspections: add them
        from bench.national_data import inspections

        system = get_user_model().objects.get(username="bench-system")
        started = time.perf_counter()
        written = inspections(system.pk)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  inspections: {written:,} in {time.perf_counter() - started:.1f} s", flush=True)
    _summary()
    machine()
    reset_sweep_output()
    ensure_auditors()
    letters = draft_letters()
    print(f"letters: {letters:,} drafted for the overdue items (the letters list is measured with them)", flush=True)
    http = os.environ.get("BENCH_NATIONAL_HTTP", "1")
    if http != "only":
        pages()
    if http in ("1", "only"):
        from bench import national_http

        national_http.measure(PAGES, int(os.environ.get("BENCH_NATIONAL_REPEAT", "15")))
    if os.environ.get("BENCH_NATIONAL_SWEEPS", "1") != "0":
        sweeps()


def _wipe():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'django_migrations'")
        tables = [r[0] for r in cursor.fetchall()]
        keep = {"etown_workcalendaryear", "etown_calendarday", "django_content_type", "auth_permission"}
        wipe = [t for t in tables if t not in keep]
        if wipe:
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in wipe) + " RESTART IDENTITY CASCADE")


def build(n_counties, marker):
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from etown.models import Contract, County, ETown, Membership, Organization, Scope
    from etown.workdays import seed_from_package
    from funds.models import DisbursementRequest
    from supervision.models import MonthlyReport, Rectification

    seed_from_package(years=range(2023, 2028))
    User = get_user_model()
    system = User.objects.create(username="bench-system", is_active=False)
    counties = County.objects.bulk_create([
        County(name=f"{PROVINCES[i % 31]}测试{i}县", province=PROVINCES[i % 31], city=f"测试{i % 31}-{(i // 31) % 3}市",
               office_name=marker)
        for i in range(n_counties)
    ])
    groups = Group.objects.bulk_create([Group(name=f"bench-org-{c.pk}") for c in counties])
    orgs = Organization.objects.bulk_create([
        Organization(name=f"{c.name}承办企业", kind=Organization.Kind.CONTRACTOR, county=c, group=g)
        for c, g in zip(counties, groups)
    ])
    phases = ["implementation", "implementation", "evaluation", "acceptance", "preparation"]
    etowns = ETown.objects.bulk_create([
        ETown(county=c, name=f"{c.name}第{j}e镇", leading_industries="农产品", planned_investment=Decimal("100000000"),
              phase=phases[j], implementation_start=datetime.date(2023, 11, 1))
        for c in counties for j in range(5)
    ])
    org_of = {o.county_id: o for o in orgs}
    contracts = Contract.objects.bulk_create([
        Contract(etown=e, contractor=org_of[e.county_id], number=f"B-{e.pk}", title="建设合同", amount=Decimal("5000000"),
                 retention_ratio=Decimal("10"), signed_on=datetime.date(2023, 11, 1))
        for e in etowns
    ], batch_size=2000)
    reports = []
    for e in etowns:
        for m in range(36):
            year, month = 2023 + (10 + m) // 12, (10 + m) % 12 + 1
            period = datetime.date(year, month, 1)
            if period >= datetime.date(2026, 11, 1):
                continue
            status = "accepted" if (e.pk + m) % 9 else "submitted"
            reports.append(MonthlyReport(etown=e, period=period, due_date=period + datetime.timedelta(days=35),
                                         status=status))
    MonthlyReport.objects.bulk_create(reports, batch_size=5000)
    today = DAY
    items = [
        Rectification(etown=e, source="inspection", problem=f"问题{k}", units="承办企业", persons="负责人",
                      deadline=today - datetime.timedelta(days=k * 7 - 60), due_date=today - datetime.timedelta(days=k * 7 - 60),
                      created_by=system, status="closed" if k % 3 else "open")
        for e in etowns for k in range(20)
    ]
    Rectification.objects.bulk_create(items, batch_size=5000)
    # Per contract: three paid, two in flight (a prepayment at the office, a progress payment
    # at the finance bureau: what the daily gates sweep re-evaluates, 3,000 at scale 1), two
    # drafts; 500,000 of the 5,000,000 contract, well under the cap and the retention.
    in_flight = {0: ("prepayment", "submitted"), 2: ("progress", "office_approved")}
    queued_at = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.timezone.utc)
    DisbursementRequest.objects.bulk_create([
        DisbursementRequest(etown=c.etown, contract=c, kind=in_flight.get(k, ("progress",))[0],
                            amount=Decimal("100000"), purpose="进度款", created_by=system,
                            status="disbursed" if k % 2 else in_flight.get(k, (None, "draft"))[1],
                            disbursed_amount=Decimal("100000") if k % 2 else None,
                            submitted_at=queued_at + datetime.timedelta(days=k) if k in in_flight else None)
        for c in contracts for k in range(7)
    ], batch_size=5000)
    # One person per scope, and a superuser for the admin's changelist.
    first = counties[0]
    for username, role, fields in (
        ("b-county", "office", {"scope": Scope.COUNTY, "county": first}),
        ("b-city", "leader", {"scope": Scope.CITY, "province": first.province, "city": first.city}),
        ("b-province", "leader", {"scope": Scope.PROVINCE, "province": first.province}),
        ("b-national", "leader", {"scope": Scope.NATIONAL}),
    ):
        user = User.objects.create(username=username)
        Membership.objects.create(user=user, role=role, **fields)
    User.objects.create(username="b-admin", is_staff=True, is_superuser=True)
    from bench.national_data import ledger_and_history

    ledger_and_history(scale(), system.pk)  # the big tables, set-based (issue 16)


def _summary():
    from etown.models import ETown
    from funds.models import DisbursementRequest
    from supervision.models import Inspection, MonthlyReport, Rectification

    print(f"data: {ETown.objects.count():,} e-towns, {MonthlyReport.objects.count():,} reports, "
          f"{Rectification.objects.count():,} rectification items, {Inspection.objects.count():,} inspections, "
          f"{DisbursementRequest.objects.count():,} requests", flush=True)
    from bench.national_data import summary

    summary()


PAGES = [
    ("bare view", "/bench/bare/"),
    ("layout floor", "/bench/layout/"),
    ("admin changelist (e-towns)", "/admin/etown/etown/"),
    ("e-town list", "/etowns/"),
    ("home dashboard", "/"),
    ("county dashboard", "/county-dashboard/"),
    ("regional dashboard", "/region/"),
    ("report queue", "/supervision/reports/"),
    ("inspections due", "/supervision/inspections/"),
    ("rectification list", "/supervision/rectifications/"),
    ("letters", "/supervision/letters/"),
    ("funds overview", "/funds/"),
    ("disbursement requests", "/funds/requests/"),
    ("acceptance applications", "/acceptance/"),
    ("evaluations", "/acceptance/evaluations/"),
    ("notices", "/notices/"),
    ("organizations", "/organizations/"),
    ("notifications", "/notifications/"),
    ("change trail (auditor)", "/audit/changes/"),
    ("public column (anonymous)", "/public/"),
]


def visitors(scope):
    """{page label: the user who opens it in ``scope``} (None: nobody signed in). Each scope
    has a leader (an office for the county), an auditor of the same area for the change
    trail, the superuser for the admin's changelist, and the public for the public column;
    pages that scope does not have are left out."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    person, auditor, admin = (User.objects.get(username=name) for name in (
        f"b-{scope}", f"b-{scope}-auditor", "b-admin"))
    chosen = {}
    for label, url in PAGES:
        if url == "/region/" and scope == "county":
            continue  # a county has no regional dashboard
        if url.startswith("/admin/"):
            if scope == "county":  # the admin sees everything: measured once
                chosen[label] = admin
            continue
        chosen[label] = None if label.endswith("(anonymous)") else auditor if label.endswith("(auditor)") else person
    return chosen


def ensure_auditors():
    """An auditor beside each scope's person (same area), for the change trail; added to a
    data set built before them."""
    from django.contrib.auth import get_user_model

    from etown.models import Membership

    User = get_user_model()
    for scope in ("county", "city", "province", "national"):
        if User.objects.filter(username=f"b-{scope}-auditor").exists():
            continue
        m = Membership.objects.get(user__username=f"b-{scope}")
        auditor = User.objects.create(username=f"b-{scope}-auditor")
        Membership.objects.create(user=auditor, role="auditor", scope=m.scope, county=m.county, province=m.province,
                                  city=m.city)


def pages():
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import clear_url_caches

    from etown.permissions import visible_etowns

    pin_today(DAY)
    from django.test import override_settings

    # Static files unhashed (no collectstatic for a benchmark run); everything else as in production.
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}).enable()

    settings.ROOT_URLCONF = "bench.national_urls"
    clear_url_caches()
    repeat = int(os.environ.get("BENCH_NATIONAL_REPEAT", "15"))
    User = get_user_model()
    print(f"\n{'scope':<10} {'page':<28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'× bare':>7} {'× layout':>8}",
          flush=True)
    targets = Targets()
    wanted = {w.strip() for w in os.environ.get("BENCH_NATIONAL_PAGES", "").split(",") if w.strip()}
    for scope in ("county", "city", "province", "national"):
        user = User.objects.get(username=f"b-{scope}")
        who = visitors(scope)
        clients = {}
        for visitor in set(who.values()):
            clients[visitor] = Client()
            if visitor is not None:
                clients[visitor].force_login(visitor)
        floors = {}
        n = visible_etowns(user).count()
        print(f"-- {scope}: {n:,} e-towns visible", flush=True)
        for label, url in PAGES:
            if label not in who or (wanted and label not in FLOORS and label not in wanted):
                continue
            c = clients[who[label]]
            status = c.get(url).status_code  # warm-up
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                c.get(url)
                times.append((time.perf_counter() - started) * 1000)
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                c.get(url)
            p50 = statistics.median(times)
            p95 = sorted(times)[max(0, int(round(0.95 * len(times))) - 1)]
            print(f"{scope:<10} {label:<28} {p50:8.1f} {p95:8.1f} {counter.n:8d} {ratios(label, p50, floors)}"
                  f"{targets.mark(scope, label, p50, p95, floors)}{'' if status == 200 else f'  (HTTP {status})'}",
                  flush=True)
    targets.summary("in-process")


FLOORS = {"bare view": "bare", "layout floor": "layout"}


REFERENCES = {*FLOORS, "admin changelist (e-towns)"}  # measured beside the pages, not pages


def machine():
    """How fast this machine is, so that runs on different machines can be compared:
    pages are mostly Python (building and compiling queries, rendering templates), and
    the same code and data set measured 4× apart on two machines of this workplace. The
    reference: 5,000,000 additions in a pure-Python loop (best of three), and a
    PostgreSQL round trip (``SELECT 1``, median of 200)."""
    from django.db import connection

    def loop():
        started, total = time.perf_counter(), 0
        for i in range(5_000_000):
            total += i
        return time.perf_counter() - started

    cpu = min(loop() for _ in range(3))
    trips = []
    with connection.cursor() as cursor:
        for _ in range(200):
            started = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            trips.append((time.perf_counter() - started) * 1000)
    print(f"machine: {os.cpu_count()} cores, {cpu:.2f} s for the Python reference loop, "
          f"{statistics.median(trips):.2f} ms a PostgreSQL round trip", flush=True)


def ratios(label, p50, floors):
    """The "× bare" and "× layout" columns; the floors are measured first in each scope."""
    if label in FLOORS:
        floors[FLOORS[label]] = p50
    return " ".join(f"{p50 / floors[f]:{w}.1f}" if floors.get(f) else " " * w for f, w in (("bare", 7), ("layout", 8)))


class Targets:
    """Issue 16's targets for every list page and dashboard: p95 ≤ 100 ms and a median
    within 3× of the bare view. ``mark`` gives the text printed after a page's figures;
    ``summary`` how many pages met each target (the layout floor's 3× beside it, for
    what a page costs beyond what every page pays)."""

    def __init__(self):
        self.rows = []

    def mark(self, scope, label, p50, p95, floors):
        if label in REFERENCES:
            return ""
        row = (scope, label, p95 <= 100, p50 <= 3 * floors["bare"], p50 <= 3 * floors["layout"])
        self.rows.append(row)
        missed = [name for name, met in zip(("p95 > 100 ms", "over 3× bare"), row[2:4]) if not met]
        return f"  ({', '.join(missed)})" if missed else ""

    def summary(self, title):
        n = len(self.rows)
        counts = [sum(r[i] for r in self.rows) for i in (2, 3, 4)]
        print(f"{title}: of {n} pages, {counts[0]} at p95 ≤ 100 ms, {counts[1]} within 3× of the bare view "
              f"(targets); {counts[2]} within 3× of the layout floor", flush=True)


class QueryCounter:
    """Counts every statement (Django's own query log keeps only the last 9,000)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def reset_sweep_output():
    """Take away what an earlier run's sweeps left (reminders, notifications, the letters
    they drafted, the day the payment gates were checked: the morning after yesterday's
    sweep), so that every run measures pages and sweeps on the data set as built."""
    from etown.models import Notification, Reminder
    from funds.models import DisbursementRequest
    from supervision.models import SupervisionLetter

    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    SupervisionLetter.objects.filter(auto_drafted=True, status="draft").delete()
    DisbursementRequest.objects.filter(gates_checked_on__gte=DAY).update(
        gates_checked_on=DAY - datetime.timedelta(days=1))


def draft_letters():
    """The letters the daily sweep drafts for the overdue items (what a national office has
    in its letters list), without the reminders and notifications of that sweep."""
    from etown.models import Notification, Reminder
    from etown.notifications import run_sweeps
    from supervision.models import SupervisionLetter

    run_sweeps(DAY, names={"supervision_letters_draft"})
    Reminder.objects.all().delete()
    Notification.objects.all().delete()
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum does after the churn of runs: fresh statistics
        cursor.execute("ANALYZE")
    return SupervisionLetter.objects.count()


def sweeps():
    from django.db import connection

    from etown.notifications import SWEEPS, run_sweeps

    today = DAY
    reset_sweep_output()  # a first run drafts and sends again
    print("", flush=True)
    for label in ("first run", "rerun (nothing to send)"):
        total_seconds, total_queries, total_sent = 0.0, 0, 0
        for name in sorted(SWEEPS):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                sent = run_sweeps(today, names={name})[name]
                seconds = time.perf_counter() - started
            total_seconds, total_queries, total_sent = total_seconds + seconds, total_queries + counter.n, total_sent + sent
            print(f"  {label:<24} {name:<28} {seconds:7.2f} s {counter.n:7d} queries  sent {sent:,}", flush=True)
        print(f"reminder sweep, {label}: {total_seconds:.2f} s, {total_queries} queries, sent {total_sent:,}", flush=True)
        # What autovacuum's analyze does between one day's sweep and the next (the first
        # run wrote thousands of reminders and due states): without fresh statistics the
        # planner takes the reminder table for empty and joins 1,875 due rows to 1,875
        # reminders by a nested loop, 0.15 s instead of 0.01 s. A server with autovacuum
        # off (seen on a machine of this workplace) would otherwise measure that instead.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def pin_today(day):
    from django.utils import timezone

    real = timezone.localdate
    timezone.localdate = lambda value=None, timezone=None: day if value is None else real(value, timezone)


if __name__ == "__main__":
    main()
