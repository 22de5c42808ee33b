"""Acceptance applications: materials (004 附件3 第四条), the 15-working-day deadline
(004 附件2 第十七条) under the statutory calendar, reminders and the overdue flag."""
import datetime

import pytest
from django.core.exceptions import ValidationError

from acceptance.models import AcceptanceApplication, ApplicationMaterial
from acceptance.services import applications as application_services
from etown.models import ETown, Notification, Reminder
from etown.notifications import run_sweeps
from etown.workdays import seed_from_package

from ..conftest import TODAY, apply, materials, review_kwargs

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _calendar_2026():
    seed_from_package(years=[2026])


def test_it_gives_15_working_days_across_the_national_day_holiday(demo):
    # Received Mon 2026-09-28. 10-01..10-07 are holidays, Sat 10-10 an adjusted workday
    # (调休上班). Counting Monday-Friday would say 10-19; the statutory calendar says 10-23.
    received = datetime.date(2026, 9, 28)
    application = apply(demo, today=received)
    assert application.received_on == received
    assert application.due_on == datetime.date(2026, 10, 23)


def test_it_counts_from_a_weekend_receipt_as_from_the_friday_before(demo):
    # Submitted on Saturday 2026-11-21: the first working day counted is Monday.
    application = apply(demo, today=datetime.date(2026, 11, 21))
    assert application.due_on == apply_due(datetime.date(2026, 11, 20))


def apply_due(day):
    return application_services.acceptance_due_date(day)


def test_it_stores_the_materials_and_tells_the_office(demo, application):
    assert application.status == AcceptanceApplication.Status.SUBMITTED
    # A final acceptance: 记账凭证、发票、合同 as well (附件3 第四条; issue 11).
    assert set(application.materials.values_list("category", flat=True)) == set(ApplicationMaterial.REQUIRED_FINAL)
    assert all(m.file.etown == demo.etown for m in application.materials.all())
    note = Notification.objects.get(user=demo.office, kind="acceptance_applied")
    assert f"{application.due_on:%Y-%m-%d}" in note.title
    assert not Notification.objects.filter(user=demo.contractor2).exists()


def test_it_moves_the_etown_into_its_acceptance_phase_on_a_final_application(demo, application):
    demo.etown.refresh_from_db()
    assert demo.etown.phase == ETown.Phase.ACCEPTANCE
    assert demo.etown.history.first().history_change_reason == "承办企业提交终期验收申请，进入总结验收阶段"


def test_it_leaves_the_phase_alone_on_a_stage_application(demo):
    apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name="公共服务中心改造完成")
    demo.etown.refresh_from_db()
    assert demo.etown.phase == ETown.Phase.IMPLEMENTATION


def test_it_refuses_missing_materials_and_creates_nothing(demo):
    with pytest.raises(ValidationError) as error:
        application_services.acceptance_apply(
            etown=demo.etown, contract=demo.contract, kind="final", summary="已完成",
            materials=materials([ApplicationMaterial.Category.EXPENSE_DETAIL]), by=demo.contractor, today=TODAY,
        )
    assert error.value.message_dict["progress"] == ["请上传项目建设进度表（验收制度第四条）。"]
    assert "evidence" in error.value.message_dict and "results" in error.value.message_dict
    assert not AcceptanceApplication.objects.exists()


def test_it_refuses_a_stage_application_without_its_stage(demo):
    with pytest.raises(ValidationError) as error:
        apply(demo, kind=AcceptanceApplication.Kind.STAGE)
    assert "stage_name" in error.value.message_dict


def test_it_refuses_a_second_open_application_for_the_contract(demo, application):
    with pytest.raises(ValidationError, match="已有一份待验收的验收申请"):
        apply(demo)
    assert AcceptanceApplication.objects.count() == 1


def test_it_refuses_a_contract_of_another_etown(demo):
    other_contract = demo.other_etown.contracts.get()
    with pytest.raises(ValidationError) as error:
        apply(demo, contract=other_contract)
    assert error.value.message_dict["contract"] == ["合同不属于该项目。"]


# Reminders and the overdue flag ------------------------------------------------------


def test_it_reminds_the_office_once_as_the_deadline_nears_and_once_when_overdue(demo):
    application = apply(demo, today=datetime.date(2026, 9, 28))  # due 2026-10-23 (Fri)
    assert run_sweeps(today=datetime.date(2026, 10, 12), names=["acceptance_deadline"]) == {"acceptance_deadline": 0}

    # 2026-10-20 (Tue): 3 working days left.
    assert run_sweeps(today=datetime.date(2026, 10, 20), names=["acceptance_deadline"]) == {"acceptance_deadline": 1}
    assert run_sweeps(today=datetime.date(2026, 10, 21), names=["acceptance_deadline"]) == {"acceptance_deadline": 0}
    soon = Notification.objects.get(user=demo.office, kind="acceptance_due_soon")
    assert "2026-10-23" in soon.title

    assert not application.is_overdue(datetime.date(2026, 10, 23))
    assert application.is_overdue(datetime.date(2026, 10, 26))
    assert run_sweeps(today=datetime.date(2026, 10, 26), names=["acceptance_deadline"]) == {"acceptance_deadline": 1}
    assert run_sweeps(today=datetime.date(2026, 10, 27), names=["acceptance_deadline"]) == {"acceptance_deadline": 0}
    late = Notification.objects.get(user=demo.office, kind="acceptance_overdue")
    assert "已超期 1 个工作日" in late.body
    assert Reminder.objects.filter(item_id=application.pk).count() == 2
    assert not Notification.objects.filter(user=demo.contractor, kind__startswith="acceptance_due").exists()


def test_it_stops_reminding_once_the_group_concluded(demo, application):
    application_services.acceptance_review_record(**review_kwargs(demo, application))
    assert run_sweeps(today=application.due_on + datetime.timedelta(days=7), names=["acceptance_deadline"]) == {
        "acceptance_deadline": 0
    }
