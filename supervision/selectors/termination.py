"""Reads of terminations and of the county's 取消承办资格 rule (issue 12)."""
from django.db.models import Count, Exists, OuterRef, Subquery

from etown.models import LIVE_CONTRACTS, Contract

from ..models import (
    DisqualificationRule,
    EscalationLevel,
    Interview,
    Rectification,
    RectificationEscalation,
    Termination,
    overdue_q,
)


def unrectified_after_second_order(etown_ids, today):
    """{etown_id: n}: items taken to the second written order (rung 2 of 004 附件4 §2) or
    beyond, not closed, and overdue again today. One query."""
    rows = (
        Rectification.objects.filter(overdue_q(today), etown_id__in=etown_ids, escalation_level__gte=EscalationLevel.SECOND)
        .values("etown_id").annotate(n=Count("pk")).order_by()
    )
    return {r["etown_id"]: r["n"] for r in rows}


def disqualification_warnings(county_ids, today):
    """[(contract, n, rule)] for live contracts whose e-town has at least the county's
    ``rule.min_items`` items still unrectified after the second order: the office is
    warned and may record a 取消承办资格 decision. Counties without a rule are never
    flagged. Three queries whatever the number of contracts."""
    rules = DisqualificationRule.objects.all()
    if county_ids is not None:
        rules = rules.filter(county_id__in=county_ids)
    rules = {r.county_id: r for r in rules}
    if not rules:
        return []
    contracts = list(
        Contract.objects.filter(etown__county_id__in=rules, status__in=LIVE_CONTRACTS)
        .select_related("etown", "contractor").order_by("etown__name", "pk")
    )
    counts = unrectified_after_second_order({c.etown_id for c in contracts}, today)
    found = []
    for contract in contracts:
        rule = rules[contract.etown.county_id]
        n = counts.get(contract.etown_id, 0)
        if n >= rule.min_items:
            found.append((contract, n, rule))
    return found


def etown_terminations(etown):
    return Termination.objects.filter(etown=etown).select_related("contract", "proposal").order_by("-created_at", "-pk")


def items_awaiting_interview(etown_ids):
    """约谈 prompted (高平 000 第八条: 对突出问题……通过下发督办函、约谈项目负责人等方式进行
    督办): items taken to the second written order (rung 2, or beyond), not closed, with no
    interview recorded for them on or after the day of that order. One query."""
    second_on = RectificationEscalation.objects.filter(item=OuterRef("pk"), level=EscalationLevel.SECOND).values(
        "letter__issued_on"
    )[:1]
    interviewed = Interview.objects.filter(items=OuterRef("pk"), held_on__gte=OuterRef("second_on"))
    return (
        Rectification.objects.filter(etown_id__in=etown_ids, escalation_level__gte=EscalationLevel.SECOND)
        .exclude(status=Rectification.Status.CLOSED)
        .annotate(second_on=Subquery(second_on))
        .filter(~Exists(interviewed))
        .order_by("due_date", "pk")
    )
