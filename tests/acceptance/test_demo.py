"""The demo county (issue 11 "done when"; issue 12): the acceptance seeder walks a stage
acceptance of 临猗新城涑水e镇 through its conclusion chain so that it counts, the funds
seeder's progress payment rests on it, and that payment walks from request to disbursed
(004 附件2 第十二条3). Seeded through the services; a second run changes nothing."""
import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from acceptance.models import AcceptanceApplication, ResultStage
from etown.models import ETown, Notice
from funds.models import DisbursementRequest, RequestKind, RequestStatus
from funds.selectors import gates
from tests.funds.helpers import AFTER_NOTICE, advance

pytestmark = pytest.mark.django_db


def test_it_seeds_a_counted_stage_acceptance_that_the_demo_progress_payment_rests_on(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    stage = AcceptanceApplication.objects.get(etown=etown, kind=AcceptanceApplication.Kind.STAGE)
    assert stage.is_counted and stage.result_stage == ResultStage.COUNTED
    assert stage.leader_approved_by.username == "leader" and stage.government_document == "临政审〔2026〕19号"
    notice = stage.result_notice
    assert notice.kind == Notice.Kind.ACCEPTANCE and notice.workdays == 5 and notice.end_date < stage.counted_on

    progress = DisbursementRequest.objects.get(etown=etown, kind=RequestKind.PROGRESS)
    assert progress.stage_acceptance == stage
    results = {g.key: g for g in gates.evaluate(progress, today=AFTER_NOTICE)}
    assert results["hub:acceptance_basis"].passed, results["hub:acceptance_basis"].reason

    users = {u.username: u for u in get_user_model().objects.all()}
    demo = SimpleNamespace(**{k: users[k] for k in ("office", "finance", "treasury", "leader", "contractor")})
    advance(demo, progress, RequestStatus.DISBURSED, today=AFTER_NOTICE,
            paid_on=AFTER_NOTICE + datetime.timedelta(days=10))
    assert progress.status == RequestStatus.DISBURSED

    before = AcceptanceApplication.objects.count()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert AcceptanceApplication.objects.count() == before
