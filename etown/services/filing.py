"""Writes of the plan filings (004 附件2 第四条：乡村e镇工作实施方案及项目资金管理办法，经公示
5 个工作日后，报运城市商务局，并经山西省商务厅备案后组织实施).

The clause names two documents, so each e-town has two filings (issue 12), one per
``PlanFiling.Kind`` — the implementation plan (实施方案) and the fund rules (资金管理办法).
Each has two steps, both the office's: its notice (5 statutory working days, in the
public column), then, once it has ended, its filing with city and province (date,
document number, file). Until both are filed, the e-town page shows what is missing for
each and the county dashboard lists the e-town if it is already being implemented.
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


def _label(kind):
    if kind not in PlanFiling.Kind.values:
        raise ValidationError({"kind": "请选择备案的文件（实施方案或资金管理办法）。"})
    return PlanFiling.Kind(kind).label


def _locked(etown, kind):
    etown = ETown.objects.select_for_update().select_related("county").get(pk=etown.pk)
    filing = PlanFiling.objects.select_related("notice").filter(etown=etown, kind=kind).first()
    return etown, filing


@transaction.atomic
def plan_notice_publish(*, etown, kind, by, start_date=None, today=None):
    """Publish the notice of one of the e-town's documents (``kind``): 5 statutory
    working days from ``start_date`` (today by default)."""
    require(can_edit_etown(by, etown))
    label = _label(kind)
    today = today or timezone.localdate()
    start_date = start_date or today
    etown, filing = _locked(etown, kind)
    if filing is not None and filing.is_filed:
        raise ValidationError(f"{label}已备案。")
    if filing is not None and filing.notice is not None and not filing.notice.withdrawn_at:
        raise ValidationError(f"{label}已公示，请勿重复发布。")
    if start_date < today:
        raise ValidationError({"start_date": "公示开始日期不能早于今天。"})
    filing = filing or save_with_history(PlanFiling(etown=etown, kind=kind), by=by, reason=f"建立{label}备案记录")
    filing.notice = notice_create(
        county=etown.county, etown=etown, kind=Notice.Kind.PLAN, by=by, start_date=start_date,
        workdays_count=PLAN_NOTICE_WORKDAYS, source=filing,
        title=f"{etown.name}{'专项' if kind == PlanFiling.Kind.FUND_RULES else ''}{label}公示",
        body=(f"根据专项资金管理办法第四条，{etown.name}{label}经公示 {PLAN_NOTICE_WORKDAYS} 个工作日后，"
              "报市商务主管部门，并经省商务厅备案后组织实施。现予公示，公示期内如有异议，请通过本专栏意见窗口提出。"),
    )
    return save_with_history(filing, by=by, reason=f"发布{label}公示")


@transaction.atomic
def plan_filing_record(*, etown, kind, by, filed_on, filed_to, document_number, upload, today=None):
    """Record the filing of one document with city and province, after its notice has
    ended."""
    require(can_edit_etown(by, etown))
    label = _label(kind)
    today = today or timezone.localdate()
    etown, filing = _locked(etown, kind)
    notice = filing.notice if filing is not None else None
    if notice is None or notice.withdrawn_at:
        raise ValidationError(f"请先发布{label}公示（5 个工作日），期满后再登记备案。")
    if filing.is_filed:
        raise ValidationError(f"{label}已登记备案。")
    if today <= notice.end_date:
        raise ValidationError(f"{label}公示至 {notice.end_date:%Y年%-m月%-d日} 结束，期满后方可报市、省备案。")
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
                             purpose=f"{label}备案文件", allowed=DOCUMENTS)
    return save_with_history(filing, by=by, reason=f"{label}备案：{filing.filed_to}（{filing.document_number}）")
