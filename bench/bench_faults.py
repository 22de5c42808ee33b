"""Issue 13's fault figures, rerun: how long a click stalls when the broker is down, and
what a spreadsheet over the limits costs before it is refused.

- Stall per click, broker down: the publish of a job's message (etown.jobs.send, as the
  request does after its commit) to a Redis that refuses connections (127.0.0.1:1).
  Before issue 13: about 19 s per publish (retries and the result backend
  reconnecting). Target: under 2 s; the job stays queued for the sweep.
- Memory per rejected sheet: an 82,000-row sheet (about 2 MiB) and a sheet with one
  merged range A2:Z1048576 (1.6 KB of XML), refused by etown.sheets.check_xlsx before
  openpyxl loads them. Before: 7.6 s and +230 MB; 380 MB for the merged range.
- Tasks lost per 100 killed workers needs Redis and a real worker: it is measured by the
  fault suite (tests/faults/, ``pytest -m fault`` with REDIS_URL and DATABASE_URL), not
  here.
"""
import io
import statistics
import time
import tracemalloc
import zipfile
from types import SimpleNamespace

from . import setup_django

CLICKS = 10
ROWS = 82_000


def stall_per_click():
    from etown.celery import app
    from etown.jobs import send
    from etown.models.jobs import KINDS, LETTER_PDF

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    job = SimpleNamespace(pk=1, args=[1], spec=KINDS[LETTER_PDF])
    times, failures = [], 0
    try:
        for _ in range(CLICKS):
            started = time.perf_counter()
            try:
                send(job)
            except Exception:  # noqa: BLE001 - expected: the broker is down
                failures += 1
            times.append(time.perf_counter() - started)
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None
    print(f"stall per click, broker down: median {statistics.median(times):.3f} s, max {max(times):.3f} s "
          f"over {CLICKS} publishes ({failures} refused fast; target < 2 s; before: ~19 s)")


def _sheet(rows, merge=None):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("反馈问题清单")
    ws.append(["序号", "反馈问题", "整改措施", "责任单位", "责任人", "整改时限"])
    for i in range(rows):  # short rows: the file stays under the 2 MiB size limit, as in the issue
        ws.append([i + 1, "问题"])
    out = io.BytesIO()
    wb.save(out)
    if merge is None:
        return out.getvalue()
    source, patched = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>",
                                    f'</sheetData><mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells>'.encode())
            target.writestr(info, data)
    return patched.getvalue()


def rejected_sheet(label, data):
    from django.core.exceptions import ValidationError

    from supervision.services.rectification_import import read_feedback_rows

    tracemalloc.start()
    started = time.perf_counter()
    try:
        read_feedback_rows(io.BytesIO(data))
        outcome = "accepted?!"
    except ValidationError as error:
        outcome = error.messages[0][:30]
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"rejected sheet, {label} ({len(data) / 1048576:.2f} MiB): {elapsed:.3f} s, peak +{peak / 1048576:.1f} MB "
          f"— {outcome}")


def main():
    setup_django()
    stall_per_click()
    rejected_sheet(f"{ROWS:,} rows", _sheet(ROWS))
    rejected_sheet("merged A2:Z1048576", _sheet(3, merge="A2:Z1048576"))
    print("tasks lost per 100 killed workers: measured by the fault suite (pytest -m fault; needs REDIS_URL, DATABASE_URL)")


if __name__ == "__main__":
    main()
