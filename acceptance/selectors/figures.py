"""The county dashboard's figures of acceptance applications in one query (issue 16:
five counts of one table were five queries on every dashboard). Each figure is the
condition its single count uses (applications.py, conclusions.py)."""
from django.db.models import Count
from django.utils import timezone

from ..models import AcceptanceApplication
from .applications import PENDING, RECTIFYING, overdue_q
from .conclusions import AWAITING_FILING, AWAITING_LEADER


def application_figures(county_ids):
    """{pending, overdue, rectifying, awaiting_leader, awaiting_filing} over the counties
    (None: all): one aggregate."""
    qs = AcceptanceApplication.objects.all()
    if county_ids is not None:
        qs = qs.filter(etown__county_id__in=list(county_ids))
    return qs.aggregate(
        pending=Count("pk", filter=PENDING),
        overdue=Count("pk", filter=overdue_q(timezone.localdate())),
        rectifying=Count("pk", filter=RECTIFYING),
        awaiting_leader=Count("pk", filter=AWAITING_LEADER),
        awaiting_filing=Count("pk", filter=AWAITING_FILING),
    )
