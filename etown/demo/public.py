"""The demo county's public column: one e-town published with its plan document and a
running notice; the other e-town, a draft document and a draft notice left unpublished
(so the pages show what "published" means, and the tests can crawl for leaks).

``seed_public()`` is idempotent, like ``seed_demo``: it creates what is missing and
changes nothing that exists.
"""
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ..services import notices as notice_services
from ..models import ETown, Notice, PlanFiling, PublicDocument, PublicProfile
from ..services import column as services
from ..services import filing as filing_services
from ..services import registry as registry_services

PUBLISHED_ETOWN = "临猗新城涑水e镇"
UNPUBLISHED_ETOWN = "临猗县电子商务进农村综合示范项目"
DRAFT_DOCUMENT = "临猗新城涑水e镇专项资金管理办法（修订征求意见稿）"
DRAFT_NOTICE = "临猗新城涑水e镇第二批进度款拨付公示（草稿）"


def tiny_pdf(text="demo"):
    """A minimal valid one-page PDF (no font needed: the page is empty but for a
    comment), enough for viewers and for the upload check by content."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%" + text.encode("ascii", "replace")[:40] + b"\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def seed_public():
    User = get_user_model()
    office = User.objects.filter(username="office").first()
    etown = ETown.objects.filter(name=PUBLISHED_ETOWN).select_related("county").first()
    if office is None or etown is None:
        return False
    created = False
    county = etown.county
    if not PublicProfile.objects.filter(etown=etown).exists():
        services.profile_update(
            etown=etown, by=office, is_published=True,
            sections=[key for key, _ in services.section_choices()],
            summary="临猗新城涑水e镇以生鲜水果、农产品加工业为主导产业，建设电商公共服务中心、物流仓储配送中心和"
                    "“猗顿农品”区域公用品牌，带动农产品上行和农民增收。",
            reason="演示数据：公开专栏",
        )
        other = ETown.objects.filter(name=UNPUBLISHED_ETOWN).first()
        if other is not None:
            services.profile_update(etown=other, by=office, is_published=False, sections=["progress"],
                                    summary="（内部）专栏材料尚在整理，暂不公开。", reason="演示数据：暂不公开")
        created = True
    if not PublicDocument.objects.filter(etown=etown).exists():
        services.document_create(
            county=county, etown=etown, kind=PublicDocument.Kind.PLAN, title="临猗新城涑水e镇实施方案",
            issued_on=date(2026, 4, 1), upload=SimpleUploadedFile("实施方案.pdf", tiny_pdf("plan"), "application/pdf"),
            publish=True, by=office,
        )
        services.document_create(
            county=county, etown=etown, kind=PublicDocument.Kind.FUND_RULES, title=DRAFT_DOCUMENT,
            upload=SimpleUploadedFile("资金办法修订稿.pdf", tiny_pdf("draft"), "application/pdf"), publish=False,
            by=office,
        )
        created = True
    if not Notice.objects.filter(county=county, etown=etown, source_type="").exists():
        today = timezone.localdate()
        notice_services.notice_create(
            county=county, etown=etown, kind=Notice.Kind.PLAN, by=office, start_date=today, workdays_count=5,
            title="临猗新城涑水e镇实施方案及专项资金管理办法公示",
            body="根据《临猗新城涑水e镇项目专项资金管理办法》第四条，乡村e镇工作实施方案及项目资金管理办法经公示"
                 "5个工作日后，报运城市商务局，并经山西省商务厅备案后组织实施。现予公示，公示期内如有异议，"
                 "请通过本专栏意见窗口提出。",
        )
        wrong = notice_services.notice_create(
            county=county, etown=etown, kind=Notice.Kind.GENERAL, by=office, start_date=today,
            title="临猗新城涑水e镇建设进度公示（2026年第二季度）", body="建设进度详见本专栏“建设进度”栏目。",
        )
        notice_services.notice_withdraw(notice=wrong, reason="所附进度数据有误，核实后重新发布。", by=office)
        notice_services.notice_create(
            county=county, etown=etown, kind=Notice.Kind.DISBURSEMENT, by=office, start_date=today, publish=False,
            title=DRAFT_NOTICE, body="（草稿）拟拨付进度款 1,500,000.00 元。",
        )
        created = True
    # A few actual values so the column and the dashboard show targets met and not met;
    # in real use they come from accepted monthly reports.
    actuals = {"online_retail": Decimal("3350"), "training": Decimal("620"), "leading_firms": Decimal("5"),
               "employment": Decimal("310")}
    for indicator in etown.indicators.filter(code__in=actuals, actual__isnull=True):
        registry_services.indicator_record_actual(
            indicator=indicator, value=actuals[indicator.code], as_of=date(2026, 6, 30), by=office,
            reason="演示数据：月报审核后的实际值",
        )
        created = True
    created = seed_filings(office) or created
    return created


def seed_filings(office):
    """004 附件2 第四条 (issue 12): 临猗新城涑水e镇 has both its implementation plan and its fund
    rules noticed and filed with city and province; the other e-town has neither, so its
    page (and the county dashboard, once it is being implemented) shows what is missing
    for each. The filed one is the published e-town: a filing's notices are public, and
    the other e-town's name must not appear on the column (the crawl test)."""
    other = ETown.objects.filter(name=PUBLISHED_ETOWN).first()
    if other is None or PlanFiling.objects.filter(etown=other).exists():
        return False
    noticed, filed = date(2026, 3, 2), date(2026, 3, 16)
    for kind, number in ((PlanFiling.Kind.PLAN, "晋商建备〔2026〕7号"), (PlanFiling.Kind.FUND_RULES, "晋商建备〔2026〕8号")):
        filing_services.plan_notice_publish(etown=other, kind=kind, by=office, start_date=noticed, today=noticed)
        filing_services.plan_filing_record(
            etown=other, kind=kind, by=office, filed_on=filed, filed_to="运城市商务局、山西省商务厅", document_number=number,
            upload=SimpleUploadedFile(f"{PlanFiling.Kind(kind).label}备案回执.pdf", tiny_pdf(kind), "application/pdf"),
            today=filed,
        )
    return True
