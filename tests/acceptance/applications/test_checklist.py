"""Acceptance checks that mean something (issue 11). A checklist row may be judged 达标
only when the recorded actual meets the indicator's target (or the task is complete);
otherwise 未达标, or an exception with a reason shown in red in the report, approved by
the leading group with the result. In a final acceptance the conditions of 004 附件2
第八条 (开放共享、专账核算、资产台账) must be met, and 记账凭证、发票、合同 are required
materials (附件3 第四条). No "mark all as met" shortcut."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from acceptance.models import AcceptanceApplication, ApplicationMaterial, ChecklistItem
from acceptance.services import applications as application_services
from etown import services as etown_services

from ..conftest import TODAY, apply, materials, review_kwargs

pytestmark = pytest.mark.django_db
J = ChecklistItem.Judgement


def row(kwargs, text):
    return next(r for r in kwargs["checklist"] if text in r["label"])


def test_it_refuses_met_for_an_indicator_whose_recorded_actual_is_below_target(demo, application):
    indicator = demo.etown.indicators.get(code="total_investment")  # ≥ 20,000 万元
    etown_services.indicator_record_actual(indicator=indicator, value=Decimal("5666.67"), as_of=TODAY, by=demo.office,
                                           reason="月报汇总")
    kwargs = review_kwargs(demo, application)
    target = row(kwargs, "总投资额")
    target.update(judgement=J.MET, remark="")
    with pytest.raises(ValidationError, match="总投资额.*不能判定为达标"):
        application_services.acceptance_review_record(**kwargs)
    assert not application.reviews.exists()


def test_it_refuses_met_for_a_task_not_complete(demo, application):
    task = demo.etown.tasks.get(category="research")  # 10 %
    kwargs = review_kwargs(demo, application)
    line = row(kwargs, task.title)
    line.update(judgement=J.MET, remark="")
    with pytest.raises(ValidationError, match="引进研发机构.*不能判定为达标"):
        application_services.acceptance_review_record(**kwargs)


def test_it_takes_an_exception_only_with_a_reason_and_shows_it_in_red(demo, application, client_for):
    kwargs = review_kwargs(demo, application)
    task = demo.etown.tasks.get(category="research")
    line = row(kwargs, task.title)
    line.update(judgement=J.EXCEPTION, remark="")
    with pytest.raises(ValidationError, match="例外.*须说明理由"):
        application_services.acceptance_review_record(**kwargs)
    line["remark"] = "研发机构已签约，场地装修中，经验收小组同意按例外处理，报领导小组批准"
    review = application_services.acceptance_review_record(**kwargs)
    item = review.checklist.get(task=task)
    assert item.judgement == J.EXCEPTION
    page = client_for(demo.office).get(application.get_absolute_url()).content.decode()
    assert "text-override" in page and "研发机构已签约" in page


def test_it_requires_the_article_8_conditions_met_in_a_final_acceptance(demo, application):
    assert application.kind == AcceptanceApplication.Kind.FINAL
    kwargs = review_kwargs(demo, application)
    condition = row(kwargs, "专账核算")
    condition.update(judgement=J.NOT_APPLICABLE, remark="本阶段不涉及")
    with pytest.raises(ValidationError, match="专项资金实行专账核算"):
        application_services.acceptance_review_record(**kwargs)
    condition.update(judgement=J.EXCEPTION, remark="尚未建立")
    with pytest.raises(ValidationError, match="专项资金实行专账核算"):
        application_services.acceptance_review_record(**kwargs)


def test_it_requires_vouchers_invoices_and_contracts_for_a_final_acceptance(demo):
    given = materials(ApplicationMaterial.REQUIRED)  # without 记账凭证、发票、合同
    with pytest.raises(ValidationError) as error:
        application_services.acceptance_apply(
            etown=demo.etown, contract=demo.contract, kind=AcceptanceApplication.Kind.FINAL, stage_name="",
            summary="全部完成", materials=given, by=demo.contractor, today=TODAY,
        )
    assert {"voucher", "invoice", "contract"} <= set(error.value.message_dict)
    stage = apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name="公共服务中心改造")
    assert stage.pk  # a stage acceptance does not need them


def test_it_offers_no_mark_all_as_met_button(demo, application, client_for):
    page = client_for(demo.office).get(f"/acceptance/applications/{application.pk}/review/").content.decode()
    assert "mark-rest-met" not in page and "全部标为" not in page
