"""Reads of mid-term evaluations: the evaluation gate, the list scoped to what the user
may see (fixed query counts), and the dashboard figure."""
from django.db.models import Count, OuterRef, Q, Subquery

from etown.permissions import visible_etowns_q
from supervision.selectors import rectification as rectification_selectors

from ..models import Evaluation


def latest_evaluation(etown):
    return Evaluation.objects.filter(etown=etown).order_by("-evaluated_on", "-pk").first()


def governing_evaluation(etown):
    """The evaluation whose result governs the funds (002 第十八条: the one the province
    organises — 省商务厅会同省财政厅、省乡村振兴局组织专家或委托第三方机构). A county's,
    city's or agency's own record never does. Among the province's, the latest that is
    in force: the first, or a re-evaluation of it an office head confirmed."""
    return governing_evaluations(etown=etown).first()


def governing_evaluations(**filters):
    """The province's evaluations in force (the first, or a confirmed re-evaluation),
    newest first: ``governing_evaluation`` is the first of an e-town's; the dashboard uses
    it with ``etown=OuterRef("etown")`` (issue 11: charts show the governing result)."""
    return (
        Evaluation.objects.filter(evaluator_kind=Evaluation.Evaluator.PROVINCE, **filters)
        .filter(Q(replaces__isnull=True) | Q(replacement_confirmed_at__isnull=False))
        .order_by("-evaluated_on", "-pk")
    )


def evaluation_gate(etown, **context):
    """The funds gate of 安泽办法 002 第十八条, from the governing (province) evaluation:
    合格 → continue; 基本合格 → only once its rectification items are all closed;
    不合格 → blocked, with the decision recorded (or its absence) in the reason."""
    return evaluation_gates([etown.pk])[etown.pk]


def evaluation_gates(etown_ids):
    """{e-town id: (passed, reason)} of ``evaluation_gate`` for many e-towns in at most
    three queries (issue 16: the disbursement sweep): the governing evaluations, which
    e-towns have only other records, and the items of the 基本合格 ones."""
    etown_ids = set(etown_ids)
    governing = {}
    for evaluation in governing_evaluations(etown_id__in=etown_ids):
        governing.setdefault(evaluation.etown_id, evaluation)  # newest first: the one in force
    missing = etown_ids - set(governing)
    recorded = set(
        Evaluation.objects.filter(etown_id__in=missing).order_by().values_list("etown_id", flat=True)
    ) if missing else set()
    basic = [e for e in governing.values() if e.result == Evaluation.Result.BASIC]
    counts = rectification_selectors.item_counts_for_sources(basic)
    return {pk: _evaluation_result(governing.get(pk), pk in recorded, counts) for pk in etown_ids}


def _evaluation_result(evaluation, recorded, counts):
    if evaluation is None:
        if recorded:
            return True, "尚未开展省级中期评价（县级、市级或机构自行记录的评价结果不作为拨付依据）。"
        return True, "尚未开展中期评价。"
    when = f"{evaluation.evaluated_on:%Y-%m-%d}"
    if evaluation.result == Evaluation.Result.QUALIFIED:
        return True, f"中期绩效评价（{when}）结果为合格，继续拨付。"
    if evaluation.result == Evaluation.Result.BASIC:
        items, still_open = counts.get((rectification_selectors.source_label(evaluation), evaluation.pk), (0, 0))
        if not items:
            return False, f"中期绩效评价（{when}）结果为基本合格，尚未登记评价提出的整改事项；整改合格后方可拨付。"
        if still_open:
            return False, (
                f"中期绩效评价（{when}）结果为基本合格，评价整改事项尚有 {still_open} 项未销号；整改合格后方可拨付。"
            )
        return True, f"中期绩效评价（{when}）结果为基本合格，{items} 项整改事项已全部销号。"
    if evaluation.has_decision:
        return False, (
            f"中期绩效评价（{when}）结果为不合格，暂停拨付。处理决定（{evaluation.decided_on:%Y-%m-%d}）："
            f"{evaluation.decision_text()}。"
        )
    return False, f"中期绩效评价（{when}）结果为不合格，暂停拨付；减少资金、取消资格或收回资金的处理决定尚未录入。"


def evaluations_for(user, *, result="", etown=None):
    qs = Evaluation.objects.filter(visible_etowns_q(user, "etown")).select_related("etown__county")
    if etown is not None:
        qs = qs.filter(etown=etown)
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("-evaluated_on", "-pk")


# Dashboard figure: func(county_ids) with None meaning the whole province ----------------


def evaluation_results(county_ids):
    """{result label: number of e-towns whose governing evaluation has it (the province's in
    force, ``governing_evaluation``; not a later county, city or agency record)}, one query."""
    latest = governing_evaluations(etown=OuterRef("etown")).values("pk")[:1]
    qs = Evaluation.objects.all() if county_ids is None else Evaluation.objects.filter(etown__county_id__in=county_ids)
    qs = qs.filter(pk=Subquery(latest))
    counts = dict(qs.order_by().values_list("result").annotate(n=Count("pk")))
    return {label: counts.get(value, 0) for value, label in Evaluation.Result.choices}
