"""What goes into the project dossier (项目档案, 004 附件2 第十八条; 002 第八条).

Documents come from every app through ``etown.hub.hub.dossier_sources`` (this app
registers its own in hooks.py), and every other stored file of the e-town that no
source claimed is added under 其他附件, so nothing uploaded is left out. 举报 attachments
(access 仅纪检审计) are not part of the dossier: they belong to the discipline bodies;
nor are citizens' opinion attachments (issue 14).

This app's documents for the dossier, and the e-town's registry data (which etown
itself, importing no one, does not register): DossierItem lists per e-town.
"""

from django.utils import timezone

from etown.hub import DossierItem, hub
from etown.models import PublicSubmission, StoredFile

from ..exports.dossier import acceptance_workbook, registry_workbook
from ..models import AcceptanceApplication, AcceptanceReview, ApplicationMaterial, Evaluation

OTHER = "其他附件"


def collect(etown, contract=None):
    """Every DossierItem of the e-town: the registered sources, then the stored files no
    source claimed. A failing source fails the dossier (an incomplete dossier must not
    look complete). Items a source marks ``excluded`` (a draft's materials, issue 15)
    are claimed but not filed. ``contract``: a dossier for one contract's acceptance;
    the sources that take it give that contract's documents only (issue 11)."""
    items = hub.dossier_items(etown, contract=contract)
    claimed = {i.stored_file.pk for i in items if i.stored_file is not None}
    items = [i for i in items if not i.excluded]
    rest = (
        StoredFile.objects.filter(etown=etown)
        .exclude(pk__in=claimed)
        .exclude(access=StoredFile.Access.DISCIPLINE)
        # Nor what citizens sent through the windows (opinions, objections): the dossier
        # goes to the city and the province, a citizen's attachment stays with those who
        # handle it (issue 14; 004 附件3 第九条).
        .exclude(pk__in=PublicSubmission.objects.filter(attachment__isnull=False).values("attachment_id"))
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    if contract is not None:
        # One contract's dossier: no stray file another contractor's staff uploaded (issue 11).
        others = etown.contracts.exclude(contractor_id=contract.contractor_id).values("contractor_id")
        rest = rest.exclude(uploaded_by__memberships__organization_id__in=others)
    for f in rest:
        who = (f.uploaded_by.get_full_name() or f.uploaded_by.username) if f.uploaded_by else "系统"
        items.append(
            DossierItem(
                category=OTHER, title=f.purpose or f.original_name, date=timezone.localdate(f.uploaded_at),
                source=f"上传人：{who}", filename=f.original_name, stored_file=f,
            )
        )
    return items


def acceptance_documents(etown, contract=None):
    """``contract``: a dossier for one contract's acceptance holds that contract's
    applications and reviews only (issue 11); evaluations are the e-town's."""
    items = []
    applications = AcceptanceApplication.objects.filter(etown=etown)
    if contract is not None:
        applications = applications.filter(contract=contract)
    for e in Evaluation.objects.filter(etown=etown, report_file__isnull=False).select_related("report_file"):
        items.append(
            DossierItem(
                category="评价", title=f"中期绩效评价报告（{e.get_result_display()}）", date=e.evaluated_on,
                source=e.evaluator_name, filename=e.report_file.original_name, stored_file=e.report_file,
            )
        )
    materials = ApplicationMaterial.objects.filter(application__in=applications).select_related("application", "file")
    for m in materials:
        items.append(
            DossierItem(
                category="验收", title=f"{m.application.get_kind_display()}申请材料：{m.get_category_display()}",
                date=m.application.received_on, source="承办企业", filename=m.file.original_name, stored_file=m.file,
            )
        )
    reviews = AcceptanceReview.objects.filter(application__in=applications, report_file__isnull=False).select_related(
        "report_file", "application"
    )
    for r in reviews:
        items.append(
            DossierItem(
                category="验收", title=f"验收报告：{r}", date=r.reviewed_on, source="验收小组（系统生成）",
                filename=r.report_file.original_name, stored_file=r.report_file,
            )
        )
    # The conclusion chain's documents (issue 12): the audit report of a final acceptance
    # and the filing with city and province (004 附件2 第十七条).
    chained = applications.filter(audit_report__isnull=False) | applications.filter(filing_file__isnull=False)
    for a in chained.select_related("audit_report", "filing_file").distinct():
        if a.audit_report_id:
            items.append(DossierItem(
                category="验收", title=f"{a.get_kind_display()}审计报告", date=a.leader_approved_on or a.closed_on,
                source=a.audit_issuer or "审计机构", filename=a.audit_report.original_name, stored_file=a.audit_report,
            ))
        if a.filing_file_id:
            items.append(DossierItem(
                category="验收", title=f"{a.get_kind_display()}报备（{a.filing_number}）", date=a.filed_on,
                source=a.filed_to, filename=a.filing_file.original_name, stored_file=a.filing_file,
            ))
    if AcceptanceApplication.objects.filter(etown=etown).exists() or Evaluation.objects.filter(etown=etown).exists():
        items.append(
            DossierItem(
                category="验收", title="中期绩效评价及验收情况汇总表", date=timezone.localdate(), source="系统生成",
                filename="评价及验收情况汇总.xlsx", content=lambda: acceptance_workbook(etown),
            )
        )
    return items


def registry_documents(etown):
    return [
        DossierItem(
            category="项目登记", title="项目基本信息、建设合同、建设任务及绩效目标", date=timezone.localdate(),
            source="系统生成", filename="项目基本信息及合同.xlsx", content=lambda: registry_workbook(etown),
        )
    ]
