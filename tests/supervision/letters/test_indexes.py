"""The letters list reads its page newest first from an index (issue 16): over the whole
country the list would otherwise sort every letter on every page."""
import pytest
from django.db import connection

from supervision.models import SupervisionLetter


def test_it_indexes_the_lists_order():
    index = next(i for i in SupervisionLetter._meta.indexes if i.name == "letter_recent")
    assert index.fields == ["-drafted_at", "-id"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_it_reads_the_national_page_from_the_index_without_sorting(demo):
    from etown.models import Role, Scope
    from supervision.views.letters import _visible_letters

    from ...etown.registry.test_scopes import official

    nation = official(demo, "mofcom", role=Role.LEADER, scope=Scope.NATIONAL)
    with connection.cursor() as cursor:
        # A tiny table: the planner would rightly sort it. Ask whether the index can serve
        # the page in order at all (a large table makes that the cheap plan).
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        qs = _visible_letters(nation).select_related("etown", "county", "pdf", "acknowledged_by")
        plan = qs.order_by("-drafted_at", "-pk")[:25].explain()
    assert "letter_recent" in plan and "Sort" not in plan.split("letter_recent")[0], plan
