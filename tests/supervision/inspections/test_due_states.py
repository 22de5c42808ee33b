"""Due states computed by the database (issue 16): the counts are one query, the due
list pages in SQL, and neither grows with the number of e-towns; the states agree with
the rules of test_services.py (000 §6, 001 §3, 004 annex 4 §4)."""
from etown import services
from etown.models import ETown
from supervision.selectors.inspections import ACTIVE_PHASES, STATE_ORDER, due_counts, due_rows, due_table, rows_from

from .support import D, inspect

DAY = D(2026, 11, 23)


def _more_etowns(demo, n, tag):
    for i in range(n):
        etown = services.etown_create(
            county=demo.linyi, by=demo.system, name=f"测试e镇{tag}-{i}", leading_industries="水果",
            planned_investment=1000, phase="implementation", implementation_start=D(2026, 1, 1),
        )
        if i % 2:
            inspect(demo, etown=etown, on=DAY)


def test_it_counts_the_states_in_one_query_that_agrees_with_the_rows(demo, django_assert_num_queries):
    _more_etowns(demo, 6, "a")
    inspect(demo, etown=demo.etown, category="funds", on=D(2026, 10, 9))
    etowns = ETown.objects.filter(phase__in=ACTIVE_PHASES)
    rows = due_rows(etowns, DAY)  # brings the stored states to DAY
    with django_assert_num_queries(2):  # the stamps are DAY's (one query), the counts (one)
        counts = due_counts(etowns, DAY)
    assert counts == {s: sum(1 for r in rows if r.state == s) for s in STATE_ORDER}
    assert counts["done"] and counts["overdue"]  # both kinds are present in the data
    # Overdue first, then by due date.
    assert [STATE_ORDER[r.state] for r in rows] == sorted(STATE_ORDER[r.state] for r in rows)


def test_it_pages_the_due_list_in_sql_in_a_fixed_number_of_queries(demo, django_assert_num_queries):
    etowns = ETown.objects.filter(phase__in=ACTIVE_PHASES)
    due_table(etowns, DAY)
    for tag in ("b", "c"):  # a few e-towns, then many more
        # The stamps are DAY's, the counts by state (the paginator's count too), one page,
        # the page's e-towns.
        with django_assert_num_queries(4):
            table = due_table(etowns, DAY)
            counts = table.counts()
            total = table.count()
            page = rows_from(table[:20])
        assert len(page) == min(total, 20) and total == sum(counts.values())
        _more_etowns(demo, 12, tag)
        due_table(etowns, DAY)  # the new e-towns' states are computed (test_due_store.py)
    overdue = due_table(etowns, DAY, states=["overdue"])
    assert {r["state"] for r in overdue} == {"overdue"} and overdue.count() == due_counts(etowns, DAY)["overdue"]
