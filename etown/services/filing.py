"""Writes of the plan filing (004 附件2 第四条：乡村e镇工作实施方案及项目资金管理办法，经公示
5 个工作日后，报运城市商务局，并经山西省商务厅备案后组织实施).

Two steps, both the office's: the notice of the plan and the fund rules (5 statutory
working days, in the public column), then, once it has ended, the filing with city and
province (date, document number, file). Until filed, the e-town page shows the missing
step and the county dashboard lists the e-town if it is already being implemented.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import ETown, Notice, PlanFiling, StoredFile
from ..models.filing import PLAN_NOTICE_WORKDAYS
from ..permissions import can_edit_etown, require
from ..uploads import DOCUMENTS, file_store
from .common import save_with_history
from .notices import notice_create


def _locked(etown):
    etown = ETown.objects.select_for_update().select_related("county").get(pk=etown.pk)
    filing = PlanFiling.objects.select_related("notice").filter(etown=etown).first()
    return etown, filing


@transaction.atomic
def plan_notice_publish(*, etown, by, start_date=None, today=None):
    """Publish the notice of the e-town's implementation plan and fund rules: 5
    statutory working days from ``start_date`` (today by default)."""
    require(can_edit_etown(by, etown))
    today = today or timezone.localdate()
    start_date = start_date or today
    etown, filing = _locked(etown)
    if filing is not None and filing.is_filed:
        raise ValidationError("实施方案及资金管理办法已备案。")
    if filing is not None and filing.notice is not None and not filing.notice.withdrawn_at:
        raise ValidationError("实施方案及资金管理办法已公示，请勿重复发布。")
    if start_date < today:
        raise ValidationError({"start_date": "公示开始日期不能早于今天。"})
    filing = filing or save_with_history(PlanFiling(etown=etown), by=by, reason="建立实施方案备案记录")
    filing.notice = notice_create(
        county=etown.county, etown=etown, kind=Notice.Kind.PLAN, by=by, start_date=start_date,
        workdays_count=PLAN_NOTICE_WORKDAYS, source=filing,
        title=f"{etown.name}实施方案及专项资金管理办法公示",
        body=(f"根据专项资金管理办法第四条，{etown.name}实施方案及项目资金管理办法经公示 {PLAN_NOTICE_WORKDAYS} 个工作日后，"
              "报市商务主管部门，并经省商务厅备案后组织实施。现予公示，公示期内如有异议，请通过本专栏意见窗口提出。"),
    )
    return save_with_history(filing, by=by, reason="发布实施方案及资金管理办法公示")


@transaction.atomic
def plan_filing_record(*, etown, by, filed_on, filed_to, document_number, upload, today=None):
    """Record the filing with city and province, after the notice has ended."""
    require(can_edit_etown(by, etown))
    today = today or timezone.localdate()
    etown, filing = _locked(etown)
    notice = filing.notice if filing is not None else None
    if notice is None or notice.withdrawn_at:
        raise ValidationError("请先发布实施方案及资金管理办法公示（5 个工作日），期满后再登记备案。")
    if filing.is_filed:
        raise ValidationError("已登记备案。")
    if today <= notice.end_date:
        raise ValidationError(f"公示至 {notice.end_date:%Y年%-m月%-d日} 结束，期满后方可报市、省备案。")
    errors = {}
    if filed_on is None:
        errors["filed_on"] = "请填写备案日期。"
    elif filed_on > today:
        errors["filed_on"] = "备案日期不能晚于今天。"
    elif filed_on <= notice.end_date:
        errors["filed_on"] = "备案日期须在公示期满之后。"
    if not (filed_to or "").strip():
        errors["filed_to"] = "请填写备案单位，如运城市商务局、山西省商务厅。"
    if not (document_number or "").strip():
        errors["document_number"] = "请填写备案文号。"
    if upload is None:
        errors["upload"] = "请上传备案文件（报备函或备案回执）。"
    if errors:
        raise ValidationError(errors)
    filing.filed_on, filing.filed_to = filed_on, filed_to.strip()[:200]
    filing.document_number, filing.recorded_by = document_number.strip()[:60], by
    filing.file = file_store(upload=upload, county=etown.county, etown=etown, by=by, access=StoredFile.Access.ETOWN,
                             purpose="实施方案及资金管理办法备案文件", allowed=DOCUMENTS)
    return save_with_history(filing, by=by, reason=f"实施方案及资金管理办法备案：{filing.filed_to}（{filing.document_number}）")
