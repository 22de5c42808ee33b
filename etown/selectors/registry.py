"""Read-side query helpers: every list is scoped to what the user may see and runs a
fixed number of queries whatever its length."""
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ..models import LIVE_CONTRACTS, Contract, ETown, Indicator, Task
from ..permissions import visible_etowns

MONEY = DecimalField(max_digits=18, decimal_places=2)
PERCENT = DecimalField(max_digits=6, decimal_places=1)
INTEGER = IntegerField()


def per_etown(model, expression, output_field, **filters):
    """A correlated subquery aggregating ``model`` rows of the outer e-town (no join
    fan-out, so several of them can sit on one query)."""
    zero = Value(Decimal("0") if isinstance(output_field, DecimalField) else 0, output_field=output_field)
    inner = (
        model.objects.filter(etown=OuterRef("pk"), **filters)
        .order_by()
        .values("etown")
        .annotate(v=expression)
        .values("v")[:1]
    )
    return Coalesce(Subquery(inner, output_field=output_field), zero, output_field=output_field)


INDICATOR_MET = Q(comparator=Indicator.Comparator.GTE, actual__gte=F("target")) | Q(
    comparator=Indicator.Comparator.GT, actual__gt=F("target")
)


def etown_summaries(user, *, q="", province="", county=None, phase="", kind=""):
    """The user's e-towns with contract amount, contractor, average task progress and
    indicators met, in one query."""
    qs = visible_etowns(user).select_related("county")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(leading_industries__icontains=q))
    if province:
        qs = qs.filter(county__province=province)
    if county:
        qs = qs.filter(county_id=county)
    if phase:
        qs = qs.filter(phase=phase)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.annotate(
        contract_amount=per_etown(Contract, Sum("amount"), MONEY, status__in=LIVE_CONTRACTS),
        task_progress=per_etown(Task, Avg("progress"), PERCENT),
        task_count=per_etown(Task, Count("pk"), INTEGER),
        indicator_count=per_etown(Indicator, Count("pk"), INTEGER),
        indicator_met=per_etown(Indicator, Count("pk", filter=INDICATOR_MET), INTEGER),
        contractor_name=Subquery(
            Contract.objects.filter(etown=OuterRef("pk"), status__in=LIVE_CONTRACTS)
            .order_by("signed_on", "pk")
            .values("contractor__name")[:1]
        ),
    ).order_by("county__name", "name")


def phase_counts(user):
    rows = visible_etowns(user).order_by().values("phase").annotate(n=Count("pk"))
    counts = {r["phase"]: r["n"] for r in rows}
    return [(value, label, counts.get(value, 0)) for value, label in ETown.Phase.choices]
