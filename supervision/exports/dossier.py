"""Supervision's documents for the project dossier (项目档案, 004 附件2 第十八条), added
through the hub (``supervision.hooks``; issue 15: the 档案目录 lacked them): each
inspection's record as a PDF, the rectification ledger as a workbook, and the monthly
reports' attachments by the report's state. A draft report's attachments were never
submitted (004 附件3 第四条（一）: the materials are those 提交 by the contractor): they are
claimed but not filed (``DossierItem.excluded``), so they no longer land under 其他附件."""
from django.utils import timezone

from etown.hub import DossierItem

from ..models import Inspection, MonthlyReport, Rectification
from ..selectors.rectification import with_overdue
from .rectification import ledger_workbook


def inspection_record_pdf(inspection):
    """The printable inspection record (the same template as the page's PDF), with every
    finding: the dossier goes to government and auditors."""
    from etown.documents import render_pdf

    return render_pdf("supervision/inspections/record_pdf.html", {
        "inspection": inspection, "etown": inspection.etown, "findings": inspection.findings.all(),
        "inspectors": inspection.inspectors.all(),
    })


def dossier_items(etown):
    items = []
    inspections = Inspection.objects.filter(etown=etown).select_related("etown__county", "agency", "recorded_by")
    for inspection in inspections.order_by("inspected_on", "pk"):
        items.append(DossierItem(
            category="检查", title=f"{inspection.get_category_display()}检查记录（{inspection.inspected_on:%Y-%m-%d}）",
            date=inspection.inspected_on, source=inspection.agency.name if inspection.agency_id else "领导小组办公室",
            filename=f"监督检查记录{inspection.inspected_on:%Y%m%d}-{inspection.pk}.pdf",
            content=lambda inspection=inspection: inspection_record_pdf(inspection),
        ))
    if Rectification.objects.filter(etown=etown).exists():
        today = timezone.localdate()
        items.append(DossierItem(
            category="整改", title="整改台账", date=today, source="系统生成", filename=f"{etown.name}整改台账.xlsx",
            content=lambda: ledger_workbook(
                with_overdue(Rectification.objects.filter(etown=etown).select_related("etown"), today)
                .order_by("due_date", "pk"), today, unit=etown.county.name),
        ))
    S = MonthlyReport.Status
    reports = MonthlyReport.objects.filter(etown=etown).exclude(status=S.ACCEPTED).prefetch_related("attachments")
    for report in reports:  # accepted reports are the monthly_reports source's
        for f in report.attachments.all():
            items.append(DossierItem(
                category="月报", title=f"{report.period_label}月报附件（{report.get_status_display()}）：{f.original_name}",
                date=timezone.localdate(f.uploaded_at), source="承办企业", filename=f.original_name, stored_file=f,
                excluded=report.status == S.DRAFT,
            ))
    return items
