"""Monthly reports at province scale: 1,500 e-towns (10 counties × 150) with 36 months of
reports each (54,000 reports, 6 task and 10 indicator lines apiece: 864,000 lines).

Prints the time and the peak Python memory (tracemalloc) of
- the departments' monthly workbook (write-only openpyxl) for 150 and for 1,500 e-towns:
  the target is under 10 s, with memory flat in the number of rows;
- the review-queue page (each tab) for a county office and a province-wide office, with
  its query count.

The data is built with bulk_create in its own SQLite file (``BENCH_REPORTS_DB``, default
/tmp/bench_reports.sqlite3), never the dev database, in a child process so that its
DATABASE_URL is its own whatever else ``make bench`` runs; a second run reuses the file
(``BENCH_REPORTS_REBUILD=1`` to build it again). Set ``BENCH_REPORTS_DATABASE_URL`` to use PostgreSQL.
"""
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

COUNTIES = 10
PER_COUNTY = 150
MONTHS = 36
TASKS = 6
INDICATORS = 10
BATCH = 5000
DEFAULT_DB = "/tmp/bench_reports.sqlite3"


def main():
    """Run the benchmark in a child process with its own database."""
    if os.environ.get("BENCH_REPORTS_CHILD") == "1":
        return child(os.environ.get("BENCH_REPORTS_REBUILD") == "1")
    env = dict(os.environ)
    env["BENCH_REPORTS_CHILD"] = "1"
    env["DEBUG"] = "1"
    env["DATABASE_URL"] = env.get("BENCH_REPORTS_DATABASE_URL") or f"sqlite:///{os.environ.get('BENCH_REPORTS_DB', DEFAULT_DB)}"
    env["MEDIA_ROOT"] = "/tmp/bench_reports_media"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "bench.bench_reports"], cwd=root, env=env)
    if done.returncode:
        raise RuntimeError(f"bench_reports child failed with exit code {done.returncode}")


# The child ------------------------------------------------------------------------------


def child(rebuild):
    from bench import setup_django

    setup_django()
    import datetime

    from django.core.management import call_command
    from django.db import connection

    from supervision.models import MonthlyReport

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        raise RuntimeError(f"refusing to build benchmark data in {name}: its name must contain 'bench'")
    call_command("migrate", run_syncdb=True, verbosity=0)
    expected = COUNTIES * PER_COUNTY * MONTHS
    if rebuild or MonthlyReport.objects.count() != expected:
        if connection.vendor == "sqlite":
            # A fresh file: faster than deleting a million rows.
            connection.close()
            Path(name).unlink(missing_ok=True)
            call_command("migrate", run_syncdb=True, verbosity=0)
        started = time.perf_counter()
        build()
        print(f"built {expected:,} reports in {time.perf_counter() - started:.1f} s ({connection.vendor})", flush=True)
    else:
        print(f"reusing {expected:,} reports in {connection.settings_dict['NAME']} ({connection.vendor})", flush=True)

    today = datetime.date(2026, 11, 23)
    month = datetime.date(2026, 10, 1)
    pin_today(today)
    bench_export(month, today)
    bench_queue(month)
    import resource

    print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)


def pin_today(day):
    """The data is dated around November 2026: make "today" that day, whatever the clock."""
    from django.utils import timezone

    real = timezone.localdate
    timezone.localdate = lambda value=None, timezone=None: day if value is None else real(value, timezone)


def measure(func, *args, **kwargs):
    """(seconds, peak MiB, result): time from one run, peak traced memory from another
    (tracemalloc slows the code it watches)."""
    started = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    func(*args, **kwargs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1048576, result


def bench_export(month, today):
    import tempfile

    from django.contrib.auth import get_user_model

    from supervision.exports.reports import write_monthly_workbook

    User = get_user_model()
    for username, label in (
        ("bench-county", "county office, 150 e-towns"),
        ("bench-half", "office of 5 counties, 750 e-towns"),
        ("bench-province", "province office, 1,500 e-towns"),
    ):
        user = User.objects.get(username=username)

        def export():
            with tempfile.TemporaryFile() as out:
                n = write_monthly_workbook(out, user=user, month=month, today=today)
                out.seek(0, 2)
                return n, out.tell()

        seconds, peak, (rows, size) = measure(export)
        print(f"export {label}: {rows:,} rows, {size / 1024:,.0f} KiB in {seconds:.2f} s, peak {peak:.1f} MiB", flush=True)


def bench_queue(month):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # so that the response carries its template context (row counts)
    User = get_user_model()
    for username, label in (("bench-county", "county office"), ("bench-province", "province office")):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=username))
        client.get("/supervision/reports/")  # warm up: template loading, first connection
        for query in ("", "?tab=overdue", f"?tab=all&month={month:%Y-%m}", "?tab=all&late=1", "?tab=all&page=40"):
            def get():
                with CaptureQueriesContext(connection) as queries:
                    response = client.get("/supervision/reports/" + query)
                assert response.status_code == 200, response.status_code
                return len(queries), response.context["page"].paginator.count

            seconds, peak, (n_queries, rows) = measure(get)
            print(
                f"queue {label} /supervision/reports/{query}: {rows:,} rows, {n_queries} queries, "
                f"{seconds * 1000:.0f} ms, peak {peak:.1f} MiB",
                flush=True,
            )


# Building the data ----------------------------------------------------------------------


def build():
    """Everything in bulk: history rows are not written (a benchmark of reads)."""
    import datetime
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection, transaction

    from etown.models import (
        Contract, County, ETown, Indicator, Membership, Organization, Role, Task,
    )
    from supervision.exports.reports import CODE_ORDER
    from supervision.models import MonthlyReport, MonthlyReportIndicatorLine, MonthlyReportTaskLine
    from supervision.models.reports import add_months

    User = get_user_model()
    with transaction.atomic():
        # A PostgreSQL benchmark database is emptied table by table (SQLite gets a new file).
        for model in (MonthlyReportIndicatorLine, MonthlyReportTaskLine, MonthlyReport, Indicator, Task, Contract,
                      ETown, Membership, Organization):
            model.objects.all()._raw_delete(connection.alias)
        User.objects.filter(username__startswith="bench-").delete()
        Group.objects.filter(name__startswith="bench:").delete()
        County.objects.filter(name__startswith="基准县").delete()

        counties = County.objects.bulk_create(
            [County(name=f"基准县{i:02d}", office_name=f"基准县{i:02d}乡村e镇办") for i in range(COUNTIES)]
        )
        groups = Group.objects.bulk_create([Group(name=f"bench:contractor:{i}") for i in range(COUNTIES)])
        contractors = Organization.objects.bulk_create([
            Organization(name=f"基准承办企业{i:02d}", kind=Organization.Kind.CONTRACTOR, county=c, group=g)
            for i, (c, g) in enumerate(zip(counties, groups))
        ])
        county_user = User.objects.create(username="bench-county", first_name="县办")
        province_user = User.objects.create(username="bench-province", first_name="省厅")
        half_user = User.objects.create(username="bench-half", first_name="五县")
        Membership.objects.bulk_create([
            Membership(user=county_user, role=Role.OFFICE, county=counties[0]),
            Membership(user=province_user, role=Role.OFFICE, county=None),
            *[Membership(user=half_user, role=Role.OFFICE, county=c) for c in counties[:5]],
        ])
        etowns = ETown.objects.bulk_create([
            ETown(
                county=c, name=f"{c.name}第{j:03d}号e镇", leading_industries="苹果、鲜枣",
                planned_investment=Decimal("100000000"), phase=ETown.Phase.IMPLEMENTATION,
                implementation_start=datetime.date(2023, 11, 1), planned_end=datetime.date(2027, 6, 30),
            )
            for c in counties for j in range(PER_COUNTY)
        ], batch_size=BATCH)
        by_county = {c.pk: org for c, org in zip(counties, contractors)}
        Contract.objects.bulk_create([
            Contract(
                etown=e, contractor=by_county[e.county_id], number=f"B-{e.pk}", title="建设合同",
                amount=Decimal("5000000"), signed_on=datetime.date(2023, 10, 1),
            )
            for e in etowns
        ], batch_size=BATCH)
        tasks = Task.objects.bulk_create([
            Task(etown=e, category="industry", title=f"建设任务{k + 1}", budget=Decimal("500000"), position=k)
            for e in etowns for k in range(TASKS)
        ], batch_size=BATCH)
        indicators = Indicator.objects.bulk_create([
            Indicator(
                etown=e, code=CODE_ORDER[k], name=f"指标{CODE_ORDER[k]}", unit="万元" if k % 2 else "个",
                target=Decimal("3000"), period=Indicator.Period.YEARLY if k % 3 == 0 else Indicator.Period.CUMULATIVE,
                position=k,
            )
            for e in etowns for k in range(INDICATORS)
        ], batch_size=BATCH)
        tasks_of, indicators_of = {}, {}
        for t in tasks:
            tasks_of.setdefault(t.etown_id, []).append(t.pk)
        for i in indicators:
            indicators_of.setdefault(i.etown_id, []).append(i.pk)

        first = datetime.date(2023, 11, 1)
        periods = [add_months(first, k) for k in range(MONTHS)]  # 2023-11 … 2026-10
        accepted, submitted, draft = (MonthlyReport.Status.ACCEPTED, MonthlyReport.Status.SUBMITTED,
                                      MonthlyReport.Status.DRAFT)
        for chunk_start in range(0, len(etowns), 100):
            chunk = etowns[chunk_start:chunk_start + 100]
            reports = []
            for e in chunk:
                for k, period in enumerate(periods):
                    due = add_months(period, 1).replace(day=5)
                    last = k == MONTHS - 1
                    # The newest month is mixed: accepted, waiting, draft; older ones accepted.
                    status = accepted if not last else (accepted, accepted, submitted, draft)[e.pk % 4]
                    sent = None if status == draft else due - datetime.timedelta(days=1 if e.pk % 5 else -3)
                    reports.append(MonthlyReport(
                        etown=e, period=period, status=status, due_date=due, work_summary="按计划推进。",
                        fund_use=Decimal("100000.00"), first_submitted_on=sent,
                        submitted_at=None if sent is None else datetime.datetime(sent.year, sent.month, sent.day, 9, tzinfo=datetime.timezone.utc),
                    ))
            reports = MonthlyReport.objects.bulk_create(reports, batch_size=BATCH)
            task_lines, indicator_lines = [], []
            for r in reports:
                step = (r.period.year - 2023) * 12 + r.period.month
                for t in tasks_of[r.etown_id]:
                    task_lines.append(MonthlyReportTaskLine(report=r, task_id=t, progress=min(100, step * 2), note=""))
                for i in indicators_of[r.etown_id]:
                    indicator_lines.append(MonthlyReportIndicatorLine(
                        report=r, indicator_id=i, month_value=Decimal("12.50"), cumulative_value=Decimal(step * 12.5),
                        unit="万元", target=Decimal("3000"),
                    ))
            MonthlyReportTaskLine.objects.bulk_create(task_lines, batch_size=BATCH)
            MonthlyReportIndicatorLine.objects.bulk_create(indicator_lines, batch_size=BATCH)


if __name__ == "__main__":
    main()
