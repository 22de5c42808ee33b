"""逾期未检查 on the county and regional dashboards (issue 15: overdue inspections per
e-town; issue 16: from the due states the database computes, one grouped query that
agrees with the due list). Each figure is two queries whatever the rows: the check that
the stored due states are today's (selectors.inspection_due), and one grouped count."""
from etown.models import ETown
from supervision.selectors import regional
from supervision.selectors.inspections import ACTIVE_PHASES, due_counts

from .support import D, inspect
from .test_due_states import DAY, _more_etowns


def test_it_counts_overdue_inspections_per_etown_and_county_as_the_due_list_does(demo, django_assert_num_queries):
    _more_etowns(demo, 6, "d")
    inspect(demo, etown=demo.etown, category="funds", on=D(2026, 10, 9))
    etowns = list(ETown.objects.filter(phase__in=ACTIVE_PHASES))
    expected = {e.pk: due_counts(ETown.objects.filter(pk=e.pk), DAY)["overdue"] for e in etowns}
    expected = {pk: n for pk, n in expected.items() if n}
    assert expected  # the data has overdue inspections
    with django_assert_num_queries(2):
        by_etown = regional.overdue_inspections_by("etown", [e.pk for e in etowns], today=DAY)
    assert by_etown == expected
    counties = {e.county_id for e in etowns}
    with django_assert_num_queries(2):
        by_county = regional.overdue_inspections_by("county", counties, today=DAY)
    assert sum(by_county.values()) == sum(expected.values())
    assert by_county[demo.linyi.pk] == sum(n for pk, n in expected.items() if ETown.objects.get(pk=pk).county_id == demo.linyi.pk)
    with django_assert_num_queries(2):
        total = regional.count_overdue_inspections(None, today=DAY)
    assert total == due_counts(ETown.objects.filter(phase__in=ACTIVE_PHASES), DAY)["overdue"] == sum(expected.values())
