"""Reads of the plan filing (004 附件2 第四条): where an e-town stands, and the e-towns
already being implemented whose plan is not filed with city and province (the county
dashboard's list: a real county failed its mid-term evaluation on this, 问题一)."""
from django.db.models import Q

from ..models import ETown, PlanFiling

# Phases in which the plan should already be filed ("备案后组织实施").
IMPLEMENTING = (ETown.Phase.IMPLEMENTATION, ETown.Phase.EVALUATION, ETown.Phase.ACCEPTANCE)


def filing_of(etown):
    return PlanFiling.objects.select_related("notice", "file").filter(etown=etown).first()


def missing_step(filing, today):
    """The step still missing, in words, or "" once filed."""
    if filing is None or filing.notice is None or filing.notice.withdrawn_at:
        return "实施方案及资金管理办法尚未公示（须公示 5 个工作日）"
    if filing.is_filed:
        return ""
    if today <= filing.notice.end_date:
        return f"公示中（至 {filing.notice.end_date:%Y年%-m月%-d日}），期满后报市、省备案"
    return "公示已期满，尚未报市、省备案"


def unfiled_implementing(county_ids):
    """E-towns being implemented without a recorded filing, of these counties (None: all)."""
    qs = ETown.objects.filter(phase__in=IMPLEMENTING).filter(
        Q(plan_filing__isnull=True) | Q(plan_filing__filed_on__isnull=True)
    )
    if county_ids is not None:
        qs = qs.filter(county_id__in=county_ids)
    return qs.select_related("county").order_by("county__name", "name")


def count_unfiled(county_ids):
    return unfiled_implementing(county_ids).count()
