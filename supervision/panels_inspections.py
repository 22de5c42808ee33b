"""Contexts of the panels this part adds to the e-town page and the dashboard (hub)."""
from django.db.models import Prefetch
from django.utils import timezone

from etown.models import Role
from etown.permissions import county_scope, has_role, has_scope, in_scope, visible_etowns

from .models import EscalationLevel, Inspection, Rectification, RectificationEscalation, SupervisionLetter, overdue_q
from .permissions_rectification import can_record_inspection, can_supervise
from .selectors_inspections import ACTIVE_PHASES, due_rows
from .selectors_rectification import blocking_items, repeatedly_overdue_contractors, status_summary, with_overdue


def inspections_panel(request, etown):
    """Plan status per category and the latest inspections (4 queries)."""
    today = timezone.localdate()
    return {
        "rows": due_rows([etown], today),
        "recent": Inspection.objects.filter(etown=etown).select_related("agency").order_by("-inspected_on", "-pk")[:5],
        "can_record": can_record_inspection(request.user, etown),
        "today": today,
    }


def rectification_panel(request, etown):
    """Counts, the items that block payments, the escalation ladder with who escalated
    when, and the latest letters (a fixed number of queries)."""
    today = timezone.localdate()
    user = request.user
    ladder = (
        Rectification.objects.filter(etown=etown, escalation_level__gte=EscalationLevel.FIRST)
        .prefetch_related(Prefetch(
            "escalations", queryset=RectificationEscalation.objects.select_related("letter", "escalated_by").order_by("level")
        ))
        .order_by("-escalation_level", "due_date")
    )
    letters = SupervisionLetter.objects.filter(etown=etown).exclude(status=SupervisionLetter.Status.CANCELLED)
    if not in_scope(user, etown.county_id):
        letters = letters.filter(status=SupervisionLetter.Status.ISSUED).exclude(kind=SupervisionLetter.Kind.TERMINATION)
    return {
        "summary": status_summary(etown, today),
        "blocking": with_overdue(blocking_items(etown, today), today)[:10],
        "ladder": list(with_overdue(ladder, today)[:20]),
        "rungs": EscalationLevel.choices[1:],
        "letters": letters.select_related("pdf").order_by("-drafted_at")[:5],
        "can_manage": can_supervise(user, etown),
        "today": today,
    }


def dashboard_card(request, _none):
    """The user's overview: overdue items, items awaiting verification, drafts to review,
    letters to acknowledge, overdue planned inspections, repeatedly overdue contractors."""
    user = request.user
    today = timezone.localdate()
    etowns = visible_etowns(user)
    items = Rectification.objects.filter(etown__in=etowns)
    province_wide, county_ids = county_scope(user)
    government = has_scope(user)
    context = {
        "overdue": items.filter(overdue_q(today)).count(),
        "submitted": items.filter(status=Rectification.Status.SUBMITTED).count() if government else None,
        "government": government,
        "is_contractor": has_role(user, Role.CONTRACTOR),
    }
    letters = SupervisionLetter.objects.filter(etown__in=etowns)
    if government:
        context["drafts"] = letters.filter(status=SupervisionLetter.Status.DRAFT).count()
        context["repeat"] = repeatedly_overdue_contractors(None if province_wide else county_ids, today)[:5]
        context["inspections_overdue"] = sum(
            1 for r in due_rows(etowns.filter(phase__in=ACTIVE_PHASES).select_related("county"), today) if r.state == "overdue"
        )
    if context["is_contractor"]:
        context["unacknowledged"] = letters.filter(
            status=SupervisionLetter.Status.ISSUED, acknowledged_at__isnull=True
        ).exclude(kind=SupervisionLetter.Kind.TERMINATION).count()
    if not (context["overdue"] or government or context["is_contractor"]):
        return None
    return context
