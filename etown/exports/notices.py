"""The e-town's notices (公示) for the project dossier (issue 15: the 档案目录 lacked them;
004 附件2 第十八条 archives the 审核公示 step). Registered by ``etown.hooks`` as a dossier
source, so the dossier gets them through the hub like every other app's documents."""
import io

from django.utils import timezone
from openpyxl import Workbook

from ..hub import DossierItem
from ..models import Notice
from ..spreadsheets import Col, OfficeSheet, date

NOTICE_COLUMNS = [
    Col("序号", 7), Col("公示类别", 16), Col("标题", 36, wrap=True), date("公示开始"), date("公示截止"),
    Col("公示期（工作日）", 10), Col("状态", 12), Col("撤回原因", 24, wrap=True), Col("正文", 60, wrap=True),
]


def notices_workbook(etown, notices):
    wb = Workbook(write_only=True)
    sheet = OfficeSheet(wb, "公示", NOTICE_COLUMNS, title=f"{etown.name} 公示记录", unit=etown.county.name,
                        period=f"截至 {timezone.localdate():%Y-%m-%d}")
    for n in notices:
        state = "已撤回" if n.withdrawn_at else ("已发布" if n.is_published else "未发布")
        sheet.row([n.get_kind_display(), n.title, n.start_date, n.end_date, n.workdays, state, n.withdrawn_reason,
                   n.body])
    sheet.finish()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def dossier_items(etown):
    notices = list(Notice.objects.filter(etown=etown).order_by("start_date", "pk"))
    if not notices:
        return []
    return [DossierItem(
        category="公示", title=f"公示记录（{len(notices)} 项）", date=notices[-1].start_date, source="领导小组办公室",
        filename=f"{etown.name}公示记录.xlsx", content=lambda: notices_workbook(etown, notices),
    )]
