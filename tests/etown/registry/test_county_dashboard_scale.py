"""The county dashboard at national scale (issue 16) with the figures issue 15 asks for:
every hub metric and every e-town column (money, late reports, overdue rectification and
inspections, blocked payments) in a number of queries that does not grow with e-towns,
and a scope over several provinces picks a province before a county."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from etown.hub import hub
from etown.models import Role, Scope

from ..test_queries import add_etowns
from .test_scopes import official, tongcheng  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_it_runs_every_metric_and_column_in_a_fixed_number_of_queries(demo, client_for, tongcheng):
    nation = official(demo, "mofcom", role=Role.LEADER, scope=Scope.NATIONAL)
    assert {"plan_unfiled", "funds_money", "funds_blocked", "inspections_overdue", "reports_overdue"} <= {
        m.key for m in hub.metrics}
    assert {"contract_amount", "paid", "gross_paid", "held", "late_reports", "overdue_items", "overdue_inspections",
            "blocked_payments"} <= {b.key for b in hub.breakdowns}
    office, national = client_for(demo.office), client_for(nation)
    url = reverse("county_dashboard")
    office.get(url), national.get(url)  # the sessions' once-a-minute refresh
    before = {"office": _queries(office, url), "national": _queries(national, url)}
    add_etowns(demo, 27)  # 30 e-towns in 临猗县 (one page), each with a contract, tasks, targets
    office.get(url)  # the new e-towns' inspection due states are computed once (test_due_store.py)
    assert {"office": _queries(office, url), "national": _queries(national, url)} == before


def test_it_shows_each_etowns_money_and_overdue_figures(demo, client_for):
    text = client_for(demo.office).get(reverse("county_dashboard")).content.decode()
    for key in ("contract_amount", "paid", "gross_paid", "held", "late_reports", "overdue_items", "overdue_inspections",
                "blocked_payments"):
        assert f'data-testid="cell-{key}"' in text, key
    for label in ("已拨付（万元）", "拨付总额（万元）", "逾期未检查", "拨付受阻", "逾期未报月报"):
        assert label in text


def test_it_asks_a_national_official_for_a_province_before_a_county(demo, client_for, tongcheng):
    nation = client_for(official(demo, "mofcom", role=Role.LEADER, scope=Scope.NATIONAL))
    url = reverse("county_dashboard")
    text = nation.get(url).content.decode()
    assert '<option value="湖北省">' in text and '<option value="山西省">' in text
    assert 'name="county"' not in text  # no list of every county in the country
    text = nation.get(url, {"province": "山西省"}).content.decode()
    assert demo.etown.name in text and tongcheng.name not in text
    assert f'<option value="{demo.linyi.pk}"' in text and f'<option value="{tongcheng.county_id}"' not in text
    # A province of one county opens that county.
    text = nation.get(url, {"province": "湖北省"}).content.decode()
    assert "县级看板 · 通城县" in text and demo.etown.name not in text


def test_it_keeps_a_province_official_to_the_province(demo, client_for, tongcheng):
    hubei = client_for(official(demo, "hb_office", province="湖北省"))
    text = hubei.get(reverse("county_dashboard"), {"county": demo.linyi.pk}).content.decode()
    assert tongcheng.name in text and demo.etown.name not in text
    assert 'name="province"' not in text  # one province: nothing to choose


def test_it_keeps_the_national_aggregates_briefly_and_computes_every_narrower_scope(demo, client_for, settings):
    """The one cache (``etown.hub.national_cached``): whole-country metrics for a minute;
    a county's are always computed."""
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    url = reverse("county_dashboard")
    national = client_for(official(demo, "mofcom", role=Role.LEADER, scope=Scope.NATIONAL))
    national.get(url)
    office = client_for(demo.office)
    office.get(url), office.get(url)
    cached, county = _queries(national, url), _queries(office, url)
    cache.clear()
    assert _queries(national, url) > cached  # computed again once the cache is gone
    assert _queries(office, url) == county  # never cached
    cache.clear()


def test_it_reads_the_figures_of_one_table_in_one_query(demo):
    """Metrics that share a ``source`` (issue 16): the five acceptance figures, the two
    of requests in flight and the three of rectification items are one query each, and
    each reads alone what it reads beside its siblings."""
    from etown.views.county_dashboard import _metrics

    with CaptureQueriesContext(connection) as captured:
        groups = _metrics({demo.linyi.pk})
    tables = [q["sql"].split(" FROM ", 1)[1].split()[0] for q in captured.captured_queries if " FROM " in q["sql"]]
    assert tables.count('"acceptance_acceptanceapplication"') == 1
    assert tables.count('"funds_disbursementrequest"') == 1
    shown = {e["metric"].key: e.get("value") for g in groups.values() for e in g["numbers"]}
    sourced = [m for m in hub.metrics if m.source is not None]
    assert len(sourced) >= 10
    for metric in sourced:
        assert metric.func({demo.linyi.pk}) == shown[metric.key], metric.key
