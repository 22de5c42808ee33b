"""Mid-term evaluation results per county and per e-town for the regional dashboard
(issue 16; 002 第十八条：省商务厅组织……开展评价): the governing evaluation of each e-town
(``evaluations.governing_evaluation``: the province's in force, issue 11)."""
from django.db.models import Count, OuterRef, Subquery

from ..models import Evaluation
from .evaluations import governing_evaluations


def evaluation_results_by(level, ids):
    """county → "良好 2、合格 1"; e-town → its governing result's label. One query."""
    key = "etown__county_id" if level == "county" else "etown_id"
    latest = governing_evaluations(etown=OuterRef("etown")).values("pk")[:1]  # the governing one (issue 11)
    qs = Evaluation.objects.filter(**{f"{key}__in": list(ids)}).filter(pk=Subquery(latest)).order_by()
    labels = dict(Evaluation.Result.choices)
    counts = {}
    for target, result, n in qs.values_list(key, "result").annotate(n=Count("pk")):
        counts.setdefault(target, []).append((result, n))
    order = list(labels)
    if level == "etown":
        return {target: labels.get(rows[0][0], rows[0][0]) for target, rows in counts.items()}
    return {
        target: "、".join(f"{labels.get(r, r)} {n}" for r, n in sorted(rows, key=lambda x: order.index(x[0]) if x[0] in order else 99))
        for target, rows in counts.items()
    }
