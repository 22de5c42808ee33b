"""Seconds per 督办函 PDF and its size (issue 4 targets: under 0.3 s for a one-page
letter on this machine, under 200 KB).

Renders in memory (no database): an unsaved letter of the demo county with one item
(one page: a concise letter; the first page of the letter format holds about fifteen
lines of text under its header) and with the 17 items of a real mid-term evaluation
list (several pages). Timings vary with the machine's load (two cores shared by many
processes): run it on a quiet machine to compare with the target.
DESIGN.md explains the font choice: the TrueType GB2312 face subsets in milliseconds,
CFF fonts need HarfBuzz-subset (libharfbuzz-subset0) or take seconds.
"""
import datetime
import statistics
import time

from . import setup_django

RUNS = 20
TARGET_SECONDS = 0.3
TARGET_BYTES = 200 * 1024


def _letter(n_items):
    from etown.models import County, ETown
    from supervision.models import Rectification, SupervisionLetter
    from supervision.models.letters import DEADLINE_MARK

    county = County(name="临猗县", office_name="临猗县乡村e镇工作领导小组办公室", letter_code="临乡村e镇办督")
    etown = ETown(county=county, name="临猗新城涑水e镇")
    today = datetime.date(2026, 5, 6)
    letter = SupervisionLetter(
        county=county, etown=etown, kind=SupervisionLetter.Kind.FIRST, status="issued",
        number="临乡村e镇办督〔2026〕3号", title="关于督促临猗新城涑水e镇项目问题整改的督办函",
        addressee="临猗县涑水电子商务运营有限公司",
        opening="经日常监督检查，你单位承办的临猗新城涑水e镇项目存在以下问题，须限期整改，现予督办：",
        requirements=f"请你单位于{DEADLINE_MARK}前整改到位，并通过监管平台报送整改情况及佐证材料。",
        deadline=today + datetime.timedelta(days=14), contact_person="王立新", contact_phone="0359-4021234",
        cc="临猗县财政局，临猗县审计局", signature=county.office_name, issued_on=today,
    )
    items = [
        Rectification(
            etown=etown, problem=f"第{i}项建设内容进度滞后，电商公共服务中心功能分区不清晰。", measures="倒排工期，按期完成",
            units="临猗县涑水电子商务运营有限公司、临猗县商务局", persons="陈涛", deadline=today - datetime.timedelta(days=i),
            due_date=today - datetime.timedelta(days=i),
        )
        for i in range(1, n_items + 1)
    ]
    return letter, items


def _measure(label, letter, items):
    from pypdf import PdfReader
    import io

    from supervision.exports.letters import TEMPLATE, letter_document
    from etown.documents import render_pdf

    context = {"doc": letter_document(letter, items)}
    started = time.perf_counter()
    content = render_pdf(TEMPLATE, context)  # the first one loads fonts and templates
    cold = time.perf_counter() - started
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        content = render_pdf(TEMPLATE, context)
        times.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(content)).pages)
    median = statistics.median(times)
    p95 = sorted(times)[int(len(times) * 0.95) - 1]
    print(f"{label}: {pages} page(s), {len(content) / 1024:.1f} KB; cold {cold:.3f} s; "
          f"median {median:.3f} s, p95 {p95:.3f} s over {RUNS} runs")
    return pages, median, len(content)


def main():
    setup_django()
    pages, median, size = _measure("督办函, 1 item ", *_letter(1))
    _measure("督办函, 17 items", *_letter(17))
    verdict = "OK" if pages == 1 and median < TARGET_SECONDS and size < TARGET_BYTES else "MISSED"
    print(f"target for a one-page letter: < {TARGET_SECONDS} s and < {TARGET_BYTES // 1024} KB → {verdict}")


if __name__ == "__main__":
    main()
