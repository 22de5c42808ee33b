"""Special funds at county scale: a ledger (专账) of 1,000,000 entries in one county on
PostgreSQL (900,000 on 临猗新城涑水e镇, 100,000 on the county's other e-town), with
flags sprinkled in (no task, large payment without a contract, reused invoice numbers
across contractors, spending beyond what was disbursed) and a few disbursed requests.

Prints, for the funds overview of the e-town and its ledger list (first page and a deep
keyset page), the median time over 30 requests through Django's test client (target
under 200 ms) and the query count (the same whatever the row count); then the peak
memory of the ledger export (write-only openpyxl) for 100,000 and for 900,000 entries,
each in a forked child: flat memory means the two peaks are about equal.

The data lives in its own database (``BENCH_FUNDS_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/etown_bench_funds), built with COPY in a child
process so that its DATABASE_URL is its own whatever else ``make bench`` runs. A second
run reuses it (``BENCH_FUNDS_REBUILD=1`` to build it again).
"""
import os
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/etown_bench_funds"
BIG, SMALL = 900_000, 100_000
RUNS = 30


def main():
    """Run the benchmark in a child process with its own PostgreSQL database."""
    if os.environ.get("BENCH_FUNDS_CHILD") == "1":
        return child(os.environ.get("BENCH_FUNDS_REBUILD") == "1")
    url = os.environ.get("BENCH_FUNDS_DATABASE_URL", DEFAULT_URL)
    if not ensure_database(url):
        print(f"skipped: PostgreSQL not reachable at {url.rsplit('/', 1)[0]}")
        return
    env = dict(os.environ, BENCH_FUNDS_CHILD="1", DEBUG="1", DATABASE_URL=url, MEDIA_ROOT="/tmp/bench_funds_media",
               EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "bench.bench_funds"], cwd=root, env=env)
    if done.returncode:
        raise RuntimeError(f"bench_funds child failed with exit code {done.returncode}")


def ensure_database(url):
    """Create the benchmark database when it does not exist. False when PostgreSQL is
    not reachable."""
    import psycopg

    server, name = url.rsplit("/", 1)
    if "bench" not in name:
        raise RuntimeError(f"refusing to use {name}: a benchmark database's name must contain 'bench'")
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True


# The child ------------------------------------------------------------------------------


def child(rebuild):
    from bench import setup_django

    setup_django()
    from django.db import connection

    from funds.models import LedgerEntry

    if connection.vendor != "postgresql" or "bench" not in connection.settings_dict["NAME"]:
        raise RuntimeError("bench_funds needs its own PostgreSQL database (name containing 'bench')")
    migrate()
    if rebuild or LedgerEntry.objects.count() != BIG + SMALL:
        started = time.perf_counter()
        build()
        print(f"built {BIG + SMALL:,} ledger entries in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        print(f"reusing {BIG + SMALL:,} ledger entries in {connection.settings_dict['NAME']}", flush=True)
    pages()
    export_memory()


def migrate():
    """Migrated apps first, then the apps without migrations (funds, supervision,
    acceptance: generated at the end of the project) by syncdb, which on PostgreSQL
    needs the auth and etown tables to exist already."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("migrate", run_syncdb=True, verbosity=0)


def reset():
    from django.db import connection

    from etown.models import County

    with connection.cursor() as cursor:
        tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
        keep = {"django_migrations", "etown_workcalendaryear", "etown_calendarday", "django_content_type",
                "auth_permission"}
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables if t not in keep) + " RESTART IDENTITY CASCADE")
    assert not County.objects.exists()


def build():
    import datetime
    import random
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from etown.management.commands.seed_demo import seed
    from etown.models import ETown
    from etown.uploads import file_store
    from funds.models import LedgerEntry

    reset()
    seed()
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    big = ETown.objects.get(name="临猗新城涑水e镇")
    small = ETown.objects.get(name="临猗县电子商务进农村综合示范项目")
    # A few payments through the real chain, so the overview has figures and a chart.
    for etown, contractor in ((big, "contractor"), (small, "contractor2")):
        contract = etown.contracts.get()
        for kind, ratio in (("prepayment", Decimal("0.3")), ("progress", Decimal("0.2"))):
            amount = (contract.amount * ratio).quantize(Decimal("0.01"))
            pay(users, contract, kind, amount, users[contractor])
    contract_file = file_store(upload=SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%%EOF\n"), county=big.county, etown=big,
                               by=users["contractor"], purpose="专账支出合同")
    rng = random.Random(20261123)
    columns = ("county_id", "etown_id", "contract_id", "entry_date", "payee", "summary", "amount", "task_id",
               "voucher_number", "invoice_number", "payee_contract_id", "reversal_reason", "cumulative_spent",
               "disbursed_to_date", "over_disbursed", "invoice_reused", "recorded_by_id", "recorded_at")
    start_day = datetime.date(2024, 1, 1)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for etown, n, by, prefix in ((big, BIG, users["contractor"], "A"), (small, SMALL, users["contractor2"], "B")):
            contract = etown.contracts.get()
            tasks = list(etown.tasks.values_list("pk", flat=True))
            cumulative = Decimal(0)
            with raw.copy(f"COPY funds_ledgerentry ({', '.join(columns)}) FROM STDIN") as copy:
                for i in range(n):
                    amount = Decimal(rng.randint(1000, 1_000_000)) / 100
                    large = i % 100 == 7
                    if large:
                        amount += 60000
                    cumulative += amount
                    # every 10,000th entry of the small e-town reuses an invoice of the big one
                    reused = prefix == "B" and i % 10_000 == 3
                    invoice = f"A{i:09d}" if reused else f"{prefix}{i:09d}"
                    copy.write_row((
                        etown.county_id, etown.pk, contract.pk, start_day + datetime.timedelta(days=i * 1000 // n),
                        f"收款单位{i % 500}", f"支出{i}", amount, None if i % 100 == 11 else tasks[i % len(tasks)],
                        f"JZ-{i}", invoice, contract_file.pk if large and i % 200 == 7 else None, "", cumulative,
                        Decimal("999999999999"), i % 1000 == 5, reused, by.pk, "2026-11-01 09:00:00+08",
                    ))
        cursor.execute("ANALYZE funds_ledgerentry")
    assert LedgerEntry.objects.filter(etown=big).count() == BIG


def pay(users, contract, kind, amount, contractor):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from funds import services
    from funds.selectors.gates import REQUIRED_MATERIALS

    day = datetime.date(2026, 6, 1)
    materials = [(k, SimpleUploadedFile("材料.pdf", b"%PDF-1.4\n%%EOF\n")) for k in REQUIRED_MATERIALS[kind]]
    r = services.disbursement_create(contract=contract, kind=kind, amount=amount, purpose="基准测试",
                                     tasks=list(contract.etown.tasks.all()[:1]), by=contractor, materials=materials)
    services.disbursement_submit(request=r, by=contractor, today=day)
    for who in ("office", "finance", "leader"):
        r.refresh_from_db()
        services.disbursement_approve(request=r, by=users[who], today=day)
    r.refresh_from_db()
    services.disbursement_record_meeting(request=r, meeting_date=day, minutes_number="1号", by=users["office"], today=day)
    r.refresh_from_db()
    services.disbursement_start_notice(request=r, by=users["office"], start_date=day, today=day)
    r.refresh_from_db()
    paid = r.notice.end_date + datetime.timedelta(days=3)
    services.disbursement_disburse(request=r, disbursed_on=paid, amount=amount, voucher_number="GK", by=users["finance"],
                                   today=paid)


def pages():
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from etown.models import ETown

    setup_test_environment()  # the test client then records each response's context
    big = ETown.objects.get(name="临猗新城涑水e镇")
    client = Client()
    client.force_login(get_user_model().objects.get(username="office"))
    first = client.get(f"/funds/etowns/{big.pk}/ledger/")
    deep_cursor = first.context["next_cursor"]
    for _ in range(200):  # walk 200 pages (10,000 rows) into the ledger
        deep_cursor = client.get(f"/funds/etowns/{big.pk}/ledger/", {"after": deep_cursor}).context["next_cursor"]
    targets = [
        ("funds overview (e-town, 900k ledger rows)", f"/funds/etowns/{big.pk}/", {}),
        ("ledger list, first page", f"/funds/etowns/{big.pk}/ledger/", {}),
        ("ledger list, page 201 (keyset)", f"/funds/etowns/{big.pk}/ledger/", {"after": deep_cursor}),
        ("funds home (county list and queue)", "/funds/", {}),
    ]
    print(f"{'page':<45}{'median ms':>10}{'max ms':>9}{'queries':>9}")
    for label, url, params in targets:
        client.get(url, params)  # warm up
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, params)
        median = statistics.median(times)
        flag = "" if median < 200 else "  (over 200 ms)"
        print(f"{label:<45}{median:>10.1f}{max(times):>9.1f}{len(ctx.captured_queries):>9}{flag}", flush=True)


def _export_in_child(etown_pk, queue):
    import resource
    import tempfile

    from etown.models import ETown
    from funds.exports.ledger import write_ledger

    def rss_kb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

    before = rss_kb()
    etown = ETown.objects.get(pk=etown_pk)
    started = time.perf_counter()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        rows = write_ledger(etown, handle.name)
        size = os.path.getsize(handle.name)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    queue.put((rows, time.perf_counter() - started, before, peak, size))


def export_memory():
    import multiprocessing

    from django.db import connections

    from etown.models import ETown

    print(f"{'ledger export':<28}{'rows':>10}{'seconds':>9}{'RSS before MB':>15}{'peak MB':>9}{'growth MB':>11}{'file MB':>9}")
    ctx = multiprocessing.get_context("fork")
    for name in ("临猗县电子商务进农村综合示范项目", "临猗新城涑水e镇"):
        pk = ETown.objects.get(name=name).pk
        connections.close_all()  # the child opens its own connection
        queue = ctx.Queue()
        process = ctx.Process(target=_export_in_child, args=(pk, queue))
        process.start()
        rows, seconds, before, peak, size = queue.get()
        process.join()
        print(f"{name[:12]:<28}{rows:>10,}{seconds:>9.1f}{before / 1024:>15.1f}{peak / 1024:>9.1f}"
              f"{(peak - before) / 1024:>11.1f}{size / 1048576:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
