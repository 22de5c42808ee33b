"""Read-side helpers: the gates' answers, the lists scoped to what the user may see
(fixed query counts), and the dashboard figures."""
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from etown.permissions import visible_etowns

from . import rectification
from .models import AcceptanceApplication, AcceptanceReview, Evaluation


def latest_evaluation(etown):
    return Evaluation.objects.filter(etown=etown).order_by("-evaluated_on", "-pk").first()


def evaluation_gate(etown, **context):
    """The funds gate of 安泽办法 002 第十八条, from the latest evaluation:
    合格 → continue; 基本合格 → only once its rectification items are all closed;
    不合格 → blocked, with the decision recorded (or its absence) in the reason."""
    evaluation = latest_evaluation(etown)
    if evaluation is None:
        return True, "尚未开展中期评价。"
    when = f"{evaluation.evaluated_on:%Y-%m-%d}"
    if evaluation.result == Evaluation.Result.QUALIFIED:
        return True, f"中期绩效评价（{when}）结果为合格，继续拨付。"
    if evaluation.result == Evaluation.Result.BASIC:
        items = rectification.items_for(evaluation)
        if not len(items):
            return False, f"中期绩效评价（{when}）结果为基本合格，尚未登记评价提出的整改事项；整改合格后方可拨付。"
        still_open = len(rectification.open_items_for(evaluation))
        if still_open:
            return False, (
                f"中期绩效评价（{when}）结果为基本合格，评价整改事项尚有 {still_open} 项未销号；整改合格后方可拨付。"
            )
        return True, f"中期绩效评价（{when}）结果为基本合格，{len(items)} 项整改事项已全部销号。"
    if evaluation.has_decision:
        return False, (
            f"中期绩效评价（{when}）结果为不合格，暂停拨付。处理决定（{evaluation.decided_on:%Y-%m-%d}）："
            f"{evaluation.decision_text()}。"
        )
    return False, f"中期绩效评价（{when}）结果为不合格，暂停拨付；减少资金、取消资格或收回资金的处理决定尚未录入。"


def acceptance_gate(etown, **context):
    """004 附件2 第十二条3: money flows only after the acceptance group passes the work;
    problems found at acceptance are rectified in time, and 整改后仍不合格的，专项资金不予拨付.
    The latest concluded application of the e-town decides."""
    latest = (
        AcceptanceApplication.objects.filter(etown=etown)
        .exclude(status=AcceptanceApplication.Status.SUBMITTED)
        .order_by("-received_on", "-pk")
        .first()
    )
    if latest is None:
        return True, "尚无验收结论。"
    if latest.status == AcceptanceApplication.Status.RECTIFYING:
        return False, f"{latest.get_kind_display()}未通过，整改复核通过前暂停拨付。"
    if latest.status == AcceptanceApplication.Status.FAILED:
        return False, f"{latest.get_kind_display()}整改后复核仍未通过（{latest.closed_on:%Y-%m-%d}），专项资金不予拨付。"
    return True, f"{latest.get_kind_display()}已于 {latest.closed_on:%Y-%m-%d} 通过。"


# Lists --------------------------------------------------------------------------------


def applications_for(user, *, status="", kind="", overdue=False, etown=None, today=None):
    today = today or timezone.localdate()
    qs = AcceptanceApplication.objects.filter(etown__in=visible_etowns(user)).select_related(
        "etown__county", "contract__contractor"
    )
    if etown is not None:
        qs = qs.filter(etown=etown)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue:
        qs = qs.filter(status=AcceptanceApplication.Status.SUBMITTED, due_on__lt=today)
    return qs.order_by("-received_on", "-pk")


def evaluations_for(user, *, result="", etown=None):
    qs = Evaluation.objects.filter(etown__in=visible_etowns(user)).select_related("etown__county")
    if etown is not None:
        qs = qs.filter(etown=etown)
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("-evaluated_on", "-pk")


def reviews_of(application):
    return (
        AcceptanceReview.objects.filter(application=application)
        .select_related("lead_unit", "agency", "observer", "report_file", "recorded_by")
        .prefetch_related("member_units", "checklist")
        .order_by("round")
    )


# Dashboard figures: func(county_ids) with None meaning the whole province --------------


def _in_counties(qs, county_ids, field="etown__county_id"):
    return qs if county_ids is None else qs.filter(**{f"{field}__in": county_ids})


def count_pending(county_ids):
    return _in_counties(AcceptanceApplication.objects.filter(status=AcceptanceApplication.Status.SUBMITTED), county_ids).count()


def count_overdue(county_ids):
    qs = AcceptanceApplication.objects.filter(
        status=AcceptanceApplication.Status.SUBMITTED, due_on__lt=timezone.localdate()
    )
    return _in_counties(qs, county_ids).count()


def count_rectifying(county_ids):
    qs = AcceptanceApplication.objects.filter(status=AcceptanceApplication.Status.RECTIFYING)
    return _in_counties(qs, county_ids).count()


def evaluation_results(county_ids):
    """{result label: number of e-towns whose latest evaluation has it}, one query."""
    latest = Evaluation.objects.filter(etown=OuterRef("etown")).order_by("-evaluated_on", "-pk").values("pk")[:1]
    qs = _in_counties(Evaluation.objects.all(), county_ids).filter(pk=Subquery(latest))
    counts = dict(qs.order_by().values_list("result").annotate(n=Count("pk")))
    return {label: counts.get(value, 0) for value, label in Evaluation.Result.choices}


def due_soon_for_office(user, today=None, limit=5):
    """Open applications the user's office must conclude, nearest deadline first."""
    qs = applications_for(user, status=AcceptanceApplication.Status.SUBMITTED, today=today)
    return list(qs.order_by("due_on", "pk")[:limit])


def published_results(etown):
    """Acceptance and evaluation results whose notice is published and not withdrawn:
    the only facts the public page shows."""
    from etown.models import Notice

    return list(
        Notice.objects.filter(
            etown=etown, is_published=True, withdrawn_at__isnull=True,
            kind__in=[Notice.Kind.ACCEPTANCE, Notice.Kind.EVALUATION],
        ).order_by("-start_date", "-pk")[:10]
    )
