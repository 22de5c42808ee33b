"""Reads of acceptance applications and reviews: the acceptance gate, the lists scoped to
what the user may see (fixed query counts), the dashboard figures, the published
results, and the review checklist.

The checklist: built from the e-town's tasks and targets (004 附件3 第六条：
培育方案等作为验收的重要依据) and the conditions without which a project is not accepted
(附件3 第八条（一）；附件2 第八条).

A row is a plain dict; the review form shows one line per row and the service stores
them as ChecklistItem. Rows are keyed ("task-12", "indicator-3", "condition-assets") so
a posted form is matched to rows rebuilt on the server, never to ids sent by the browser.
"""
from django.db.models import Q
from django.utils import timezone

from etown.models import Role
from etown.permissions import has_scope, memberships, visible_etowns_q

from ..models import AcceptanceApplication, AcceptanceReview, ChecklistItem


def acceptance_gate(etown, **context):
    """004 附件2 第十二条3: money flows only after the acceptance group passes the work;
    problems found at acceptance are rectified in time, and 整改后仍不合格的，专项资金不予拨付.
    The latest concluded application of the e-town decides."""
    return acceptance_gates([etown.pk])[etown.pk]


def acceptance_gates(etown_ids):
    """{e-town id: (passed, reason)} of ``acceptance_gate`` for many e-towns in one query
    (issue 16: the disbursement sweep)."""
    etown_ids = set(etown_ids)
    latest = {}
    concluded = (
        AcceptanceApplication.objects.filter(etown_id__in=etown_ids)
        .exclude(status=AcceptanceApplication.Status.SUBMITTED)
        .order_by("-received_on", "-pk")
    )
    for application in concluded:
        latest.setdefault(application.etown_id, application)
    return {pk: _acceptance_result(latest.get(pk)) for pk in etown_ids}


def _acceptance_result(latest):
    if latest is None:
        # Not a pass for money: the progress payment and the retention need a counted
        # acceptance (acceptance.selectors.conclusions.payment_basis_gate).
        return True, "尚无未通过的验收结论。"
    if latest.status == AcceptanceApplication.Status.RECTIFYING:
        return False, f"{latest.get_kind_display()}未通过，整改复核通过前暂停拨付。"
    if latest.status == AcceptanceApplication.Status.FAILED:
        return False, f"{latest.get_kind_display()}整改后复核仍未通过（{latest.closed_on:%Y-%m-%d}），专项资金不予拨付。"
    if not latest.is_counted:
        return True, f"{latest.get_kind_display()}验收小组已于 {latest.closed_on:%Y-%m-%d} 通过，结论待生效。"
    return True, f"{latest.get_kind_display()}已于 {latest.closed_on:%Y-%m-%d} 通过，结论已生效。"


# Lists --------------------------------------------------------------------------------


def scope_to_own_contracts(qs, user):
    """A contractor's staff read the rows of their own company's contracts only (issue 11;
    004 附件2 第十一条 allows two contractors on one e-town); government roles and agencies
    every row. For the e-town change log's applications (historical rows keep
    ``contract_id``). No query of its own."""
    if not user.is_authenticated or has_scope(user):
        return qs
    orgs = {m.organization_id for m in memberships(user) if m.role == Role.CONTRACTOR and m.organization_id}
    return qs.filter(contract__contractor_id__in=orgs) if orgs else qs



def applications_for(user, *, status="", kind="", overdue=False, etown=None, today=None):
    today = today or timezone.localdate()
    qs = AcceptanceApplication.objects.filter(visible_etowns_q(user, "etown")).select_related(
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


def reviews_of(application):
    return (
        AcceptanceReview.objects.filter(application=application)
        .select_related("lead_unit", "agency", "observer", "report_file", "recorded_by")
        .prefetch_related("member_units", "checklist")
        .order_by("round")
    )


# Dashboard figures: func(county_ids) with None meaning the whole province --------------


# The dashboard's figures of applications (acceptance.selectors.figures counts them all
# in one query, issue 16).
PENDING = Q(status=AcceptanceApplication.Status.SUBMITTED)
RECTIFYING = Q(status=AcceptanceApplication.Status.RECTIFYING)


def overdue_q(today):
    """Submitted and past the office's deadline to conclude (超期未验收)."""
    return PENDING & Q(due_on__lt=today)


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


# The checklist ----------------------------------------------------------------------------

CONDITIONS = [
    ("operation", "按要求完成建设内容，正常投入运营使用", "004 附件3 第八条（一）"),
    ("open_shared", "项目长期开放、共享，向社会提供市场化服务", "004 附件2 第八条"),
    ("special_account", "专项资金实行专账核算、专款专用", "004 附件2 第八条、第十五条"),
    ("asset_ledger", "建立规范详细的资产管理台账", "004 附件2 第八条"),
]


def _task_row(task):
    requirement = "完成全部建设内容"
    if task.planned_completion:
        requirement += f"（计划 {task.planned_completion:%Y-%m-%d} 完成）"
    return {
        "key": f"task-{task.pk}", "kind": ChecklistItem.Kind.TASK, "task": task, "indicator": None,
        "label": f"{task.get_category_display()}：{task.title}", "requirement": requirement,
        "figure": task.progress, "unit": "%",
        "suggested": ChecklistItem.Judgement.MET if task.progress >= 100 else "",
    }


def _indicator_row(indicator):
    suggested = ""
    if indicator.actual is not None:
        suggested = ChecklistItem.Judgement.MET if indicator.is_met() else ChecklistItem.Judgement.NOT_MET
    return {
        "key": f"indicator-{indicator.pk}", "kind": ChecklistItem.Kind.INDICATOR, "task": None, "indicator": indicator,
        "label": indicator.name,
        "requirement": f"{indicator.comparator_symbol} {indicator.target.normalize():f} {indicator.unit}"
        f"（{indicator.get_period_display()}）",
        "figure": indicator.actual, "unit": indicator.unit, "suggested": suggested,
    }


def _condition_rows():
    return [
        {
            "key": f"condition-{key}", "kind": ChecklistItem.Kind.CONDITION, "task": None, "indicator": None,
            "label": label, "requirement": basis, "figure": None, "unit": "", "suggested": "",
        }
        for key, label, basis in CONDITIONS
    ]


def row_key(item):
    if item.kind == ChecklistItem.Kind.TASK:
        return f"task-{item.task_id}"
    if item.kind == ChecklistItem.Kind.INDICATOR:
        return f"indicator-{item.indicator_id}"
    for key, label, _ in CONDITIONS:
        if label == item.label:
            return f"condition-{key}"
    return f"item-{item.pk}"


def build_rows(etown, previous_review=None):
    """The rows of a new review. A rectification review re-judges only what the last
    round found not met (its other findings stand); a first review checks everything."""
    rows = (
        [_task_row(t) for t in etown.tasks.all()]
        + [_indicator_row(i) for i in etown.indicators.all()]
        + _condition_rows()
    )
    if previous_review is not None:
        failed = {row_key(i) for i in previous_review.checklist.all() if i.judgement == ChecklistItem.Judgement.NOT_MET}
        if failed:
            rows = [r for r in rows if r["key"] in failed]
    return rows
