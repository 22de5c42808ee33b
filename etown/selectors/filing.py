"""Reads of the plan filings (004 附件2 第四条): where each of an e-town's two documents
stands (the implementation plan and the fund rules, issue 12), and the e-towns already
being implemented with either not filed with city and province (the county dashboard's
list: a real county failed its mid-term evaluation on this, 问题一)."""
from django.db.models import Exists, OuterRef

from ..models import ETown, PlanFiling

# Phases in which the plan should already be filed ("备案后组织实施").
IMPLEMENTING = (ETown.Phase.IMPLEMENTATION, ETown.Phase.EVALUATION, ETown.Phase.ACCEPTANCE)
KINDS = PlanFiling.Kind


def filings_of(etown):
    """{kind: PlanFiling or None} for both documents, in one query."""
    found = {f.kind: f for f in PlanFiling.objects.select_related("notice", "file").filter(etown=etown)}
    return {kind: found.get(kind) for kind in KINDS.values}


def filing_of(etown, kind):
    return filings_of(etown)[kind]


def missing_step(filing, today, kind=KINDS.PLAN):
    """The step still missing for one document, in words, or "" once filed."""
    label = KINDS(kind).label
    if filing is None or filing.notice is None or filing.notice.withdrawn_at:
        return f"{label}尚未公示（须公示 5 个工作日）"
    if filing.is_filed:
        return ""
    if today <= filing.notice.end_date:
        return f"{label}公示中（至 {filing.notice.end_date:%Y年%-m月%-d日}），期满后报市、省备案"
    return f"{label}公示已期满，尚未报市、省备案"


def _filed(kind):
    return Exists(PlanFiling.objects.filter(etown=OuterRef("pk"), kind=kind, filed_on__isnull=False))


def unfiled_implementing(county_ids):
    """E-towns being implemented without both filings recorded, of these counties (None:
    all), each with ``plan_filed`` and ``fund_rules_filed`` and ``missing_labels``."""
    qs = ETown.objects.filter(phase__in=IMPLEMENTING).annotate(
        plan_filed=_filed(KINDS.PLAN), fund_rules_filed=_filed(KINDS.FUND_RULES),
    ).exclude(plan_filed=True, fund_rules_filed=True)
    if county_ids is not None:
        qs = qs.filter(county_id__in=county_ids)
    return qs.select_related("county").order_by("county__name", "name")


def missing_labels(etown):
    """What an annotated e-town of ``unfiled_implementing`` still lacks, in words."""
    return [label for kind, label in KINDS.choices if not getattr(etown, f"{kind}_filed", False)]


def count_unfiled(county_ids):
    return unfiled_implementing(county_ids).count()
