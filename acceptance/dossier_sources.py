"""This app's documents for the dossier, and the e-town's registry data (which etown
itself, importing no one, does not register): DossierItem lists per e-town."""
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from etown.hub import DossierItem

from .models import AcceptanceApplication, AcceptanceReview, ApplicationMaterial, Evaluation


def acceptance_documents(etown):
    items = []
    for e in Evaluation.objects.filter(etown=etown, report_file__isnull=False).select_related("report_file"):
        items.append(
            DossierItem(
                category="评价", title=f"中期绩效评价报告（{e.get_result_display()}）", date=e.evaluated_on,
                source=e.evaluator_name, filename=e.report_file.original_name, stored_file=e.report_file,
            )
        )
    materials = ApplicationMaterial.objects.filter(application__etown=etown).select_related("application", "file")
    for m in materials:
        items.append(
            DossierItem(
                category="验收", title=f"{m.application.get_kind_display()}申请材料：{m.get_category_display()}",
                date=m.application.received_on, source="承办企业", filename=m.file.original_name, stored_file=m.file,
            )
        )
    reviews = AcceptanceReview.objects.filter(etown=etown, report_file__isnull=False).select_related(
        "report_file", "application"
    )
    for r in reviews:
        items.append(
            DossierItem(
                category="验收", title=f"验收报告：{r}", date=r.reviewed_on, source="验收小组（系统生成）",
                filename=r.report_file.original_name, stored_file=r.report_file,
            )
        )
    if AcceptanceApplication.objects.filter(etown=etown).exists() or Evaluation.objects.filter(etown=etown).exists():
        items.append(
            DossierItem(
                category="验收", title="中期绩效评价及验收情况汇总表", date=timezone.localdate(), source="系统生成",
                filename="评价及验收情况汇总.xlsx", content=lambda: _acceptance_workbook(etown),
            )
        )
    return items


def registry_documents(etown):
    return [
        DossierItem(
            category="项目登记", title="项目基本信息、建设合同、建设任务及绩效目标", date=timezone.localdate(),
            source="系统生成", filename="项目基本信息及合同.xlsx", content=lambda: _registry_workbook(etown),
        )
    ]


def _sheet(wb, title, header, rows):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    return ws


def _save(wb):
    del wb["Sheet"]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _registry_workbook(etown):
    wb = Workbook()
    _sheet(wb, "项目", ["项目名称", "区县", "类型", "主导产业", "计划总投资（元）", "所处阶段", "状态", "四至范围"], [[
        etown.name, etown.county.name, etown.get_kind_display(), etown.leading_industries, etown.planned_investment,
        etown.get_phase_display(), etown.get_status_display(), etown.boundary,
    ]])
    _sheet(wb, "合同", ["合同编号", "合同名称", "承办企业", "合同金额（元）", "签订日期", "预付比例（%）", "尾款比例（%）",
                        "履约开始", "履约截止", "状态", "终验通过日期"], [
        [c.number, c.title, c.contractor.name, c.amount, c.signed_on, c.prepayment_ratio, c.retention_ratio,
         c.term_start, c.term_end, c.get_status_display(), c.final_acceptance_passed_on]
        for c in etown.contracts.select_related("contractor")
    ])
    _sheet(wb, "建设任务", ["类别", "建设内容", "具体要求", "预算（元）", "计划完成", "进度（%）"], [
        [t.get_category_display(), t.title, t.description, t.budget, t.planned_completion, t.progress]
        for t in etown.tasks.all()
    ])
    _sheet(wb, "绩效目标", ["指标", "比较", "目标值", "单位", "周期", "最新实际值", "截至"], [
        [i.name, i.comparator_symbol, i.target, i.unit, i.get_period_display(), i.actual, i.actual_as_of]
        for i in etown.indicators.all()
    ])
    return _save(wb)


def _acceptance_workbook(etown):
    wb = Workbook()
    _sheet(wb, "中期绩效评价", ["评价日期", "评价主体", "评价单位", "得分", "结果", "评价意见", "处理决定"], [
        [e.evaluated_on, e.get_evaluator_kind_display(), e.evaluator_name, e.score, e.get_result_display(), e.summary,
         e.decision_text()]
        for e in Evaluation.objects.filter(etown=etown).order_by("evaluated_on", "pk")
    ])
    _sheet(wb, "验收申请", ["验收类型", "阶段", "受理日期", "验收期限", "首次结论日期", "状态", "办结日期", "报备"], [
        [a.get_kind_display(), a.stage_name, a.received_on, a.due_on, a.concluded_on, a.get_status_display(),
         a.closed_on, f"{a.filed_on or ''} {a.filed_to}".strip()]
        for a in AcceptanceApplication.objects.filter(etown=etown).order_by("received_on", "pk")
    ])
    reviews = AcceptanceReview.objects.filter(etown=etown).select_related("application", "lead_unit").prefetch_related(
        "checklist"
    )
    _sheet(wb, "验收检查", ["验收", "验收日期", "牵头单位", "结论", "检查内容", "标准", "核实数值", "单位", "判定", "说明"], [
        [str(r), r.reviewed_on, r.lead_unit.name, r.get_conclusion_display(), i.label, i.requirement, i.figure, i.unit,
         i.get_judgement_display(), i.remark]
        for r in reviews.order_by("application__received_on", "round") for i in r.checklist.all()
    ])
    return _save(wb)
