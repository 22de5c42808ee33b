"""What acceptance contributes to etown's pages (acceptance.hooks): dashboard figures, the
dashboard card, the e-town page panel, the public panel (published results only), the
change log."""
import datetime

import pytest
from django.urls import reverse

from acceptance.hooks import _public_panel
from acceptance.services import applications as application_services
from acceptance.services import evaluations as evaluation_services
from etown.hub import hub

from .conftest import TODAY, apply, evaluate, review_kwargs

pytestmark = pytest.mark.django_db


def metric(key):
    return next(m for m in hub.metrics if m.key == key).func


def test_it_counts_applications_for_the_dashboard_by_county(demo):
    apply(demo, today=datetime.date(2026, 9, 28))  # due 2026-10-23: overdue today
    other = apply(demo, etown=demo.other_etown, contract=demo.other_etown.contracts.get(), by=demo.contractor2)
    application_services.acceptance_review_record(
        **review_kwargs(demo, other, conclusion="not_passed", not_met=["各类培训"])
    )
    linyi, anze = {demo.linyi.pk}, {demo.anze_etown.county_id}
    assert metric("acceptance_pending")(linyi) == 1 and metric("acceptance_pending")(anze) == 0
    assert metric("acceptance_overdue")(None) == 1
    assert metric("acceptance_rectifying")(linyi) == 1


def test_it_charts_the_latest_evaluation_result_per_etown(demo):
    first = evaluate(demo, "unqualified", on=datetime.date(2026, 6, 1))
    # A later province result is a re-evaluation confirmed by the office head (issue 11).
    again = evaluation_services.evaluation_create(
        etown=demo.etown, by=demo.office, evaluator_kind="province", evaluator_name="山西省商务厅",
        evaluated_on=datetime.date(2026, 11, 2), result="qualified", today=TODAY, replaces=first,
    )
    evaluation_services.evaluation_confirm_replacement(evaluation=again, by=demo.office)
    evaluate(demo, "basic", etown=demo.other_etown)
    assert metric("evaluation_results")({demo.linyi.pk}) == {"合格": 1, "基本合格": 1, "不合格": 0}
    assert metric("evaluation_results")({demo.anze_etown.county_id}) == {"合格": 0, "基本合格": 0, "不合格": 0}


def test_it_shows_the_public_only_published_results(demo, rf):
    evaluation = evaluate(demo)
    request = rf.get("/")
    assert _public_panel(request, demo.etown) is None  # recorded, not published
    notice = evaluation_services.evaluation_publish(evaluation=evaluation, by=demo.office, today=TODAY)
    assert [n.pk for n in _public_panel(request, demo.etown)["notices"]] == [notice.pk]
    from etown.services.notices import notice_withdraw

    notice_withdraw(notice=notice, reason="误发", by=demo.office)
    assert _public_panel(request, demo.etown) is None


def test_it_adds_its_records_to_the_etown_change_log(demo, client_for):
    evaluate(demo)
    apply(demo)
    page = client_for(demo.auditor).get(reverse("etown_history", args=[demo.etown.pk])).content.decode()
    assert "中期绩效评价" in page and "录入中期绩效评价：基本合格" in page
    assert "验收申请" in page and "提交终期验收申请" in page


def test_it_shows_the_office_the_applications_to_conclude_on_its_dashboard(demo, client_for):
    apply(demo)
    assert "待作出验收结论的申请" in client_for(demo.office).get(reverse("dashboard")).content.decode()
    assert "我的验收申请" in client_for(demo.contractor).get(reverse("dashboard")).content.decode()
    assert "验收申请" not in client_for(demo.contractor2).get(reverse("dashboard")).content.decode().split("我的项目")[0]


# The e-town page panel ------------------------------------------------------------------


def test_it_shows_the_panel_with_the_gates_on_the_etown_page(demo, client_for):
    page = client_for(demo.contractor).get(demo.etown.get_absolute_url()).content.decode()
    assert "中期绩效评价与验收" in page and "尚未开展中期评价。" in page
    assert reverse("acceptance:application_create", args=[demo.etown.pk]) in page
    office_page = client_for(demo.office).get(demo.etown.get_absolute_url()).content.decode()
    assert reverse("acceptance:application_create", args=[demo.etown.pk]) not in office_page
    assert reverse("acceptance:dossier_page", args=[demo.etown.pk]) in office_page
