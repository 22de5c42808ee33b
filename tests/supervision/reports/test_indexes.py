"""The review queue's partial index (issue 16) must cover exactly the statuses the queue
reads (MonthlyReport.WAITING), or PostgreSQL stops using it and sorts every waiting
report of the country again."""
import pytest
from django.db import connection

from supervision.models import MonthlyReport


def test_it_indexes_exactly_the_waiting_statuses():
    index = next(i for i in MonthlyReport._meta.indexes if i.name == "monthly_report_waiting")
    (lookup, statuses), = index.condition.children
    assert lookup == "status__in" and set(statuses) == set(MonthlyReport.WAITING)
    assert index.fields == ["submitted_at", "id"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_it_reads_the_queue_page_from_the_index_without_sorting(demo):
    from django.db.models import Q

    with connection.cursor() as cursor:
        # A tiny table: the planner would rightly sort three rows. Ask whether the index
        # can serve the page in order at all (a large table makes that the cheap plan).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        qs = MonthlyReport.objects.filter(Q(status__in=MonthlyReport.WAITING)).order_by("submitted_at", "pk")[:25]
        plan = qs.explain()
    assert "monthly_report_waiting" in plan and "Sort" not in plan.split("monthly_report_waiting")[0]
