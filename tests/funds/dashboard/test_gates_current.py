"""The 拨付受阻 flag kept current between sweeps: a committed write to anything a gate
reads re-checks the requests in flight of the e-towns it concerns, whatever the path
(a service, a plain save as the admin or an import does), so the dashboards do not show
yesterday's answer for a day (004 附件2 第十二条3: 整改后仍不合格的，专项资金不予拨付 —
an item sent back holds the money at once, and the dashboards say so at once)."""
import datetime
import re

import pytest
from django.db import transaction
from django.utils import timezone

from etown.models import ETown
from funds.models import DisbursementRequest, RequestKind
from funds.selectors import dashboard
from funds.services import gates as gate_service
from funds.services.gates import gates_refresh
from supervision.models import CountyInspectionRule, Rectification
from supervision.services.rectification import rectification_create, rectification_submit_evidence

from ..helpers import TODAY, new_request, only_checks
from .test_gates_refresh import REGISTERED, put_in_flight

pytestmark = pytest.mark.django_db

HELD = "无逾期或被退回的整改事项"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The refresh after a commit dates its check by the local day: the tests' day."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def _flag(request):
    request.refresh_from_db()
    return request.blocked_gates


def _checked(demo):
    """A prepayment in flight whose gates all pass, checked today."""
    request = put_in_flight(new_request(demo, kind=RequestKind.PREPAYMENT, amount=10000))
    gates_refresh(TODAY)
    assert _flag(request) == ""
    return request


def _overdue_item(demo, etown=None):
    return rectification_create(etown=etown or demo.etown, source="inspection", problem="专账凭证不全", measures="整改",
                                units=["承办企业"], persons=[], deadline=TODAY - datetime.timedelta(days=2), by=demo.office)


def test_every_disbursement_check_says_what_it_reads():
    """A check that named nothing would never be re-checked between sweeps."""
    assert REGISTERED and all(check.watches for check in REGISTERED)
    with only_checks(*REGISTERED):
        assert {"supervision.Rectification", "acceptance.Evaluation", "etown.Contract"} <= gate_service.watched_models()


def test_it_flags_a_request_when_an_overdue_item_is_recorded_and_clears_it_when_the_item_is_closed(
        demo, django_capture_on_commit_callbacks):
    with only_checks(*REGISTERED):
        request = _checked(demo)
        with django_capture_on_commit_callbacks(execute=True):
            item = _overdue_item(demo)
        assert _flag(request) == HELD  # no sweep ran
        assert dashboard.request_figures({demo.linyi.pk})["blocked"] == 1

        # Closed by a plain save, as the admin or an import would: the same re-check.
        with django_capture_on_commit_callbacks(execute=True):
            item.status = Rectification.Status.CLOSED
            item.save()
        assert _flag(request) == ""
        assert dashboard.request_figures({demo.linyi.pk})["blocked"] == 0


def test_it_shows_a_payment_held_on_the_dashboard_as_soon_as_the_office_sends_evidence_back(
        demo, client_for, django_capture_on_commit_callbacks):
    """The main path through the pages: the office finds the evidence wanting and sends
    the item back (整改核验未通过); the county dashboard counts the payment held at once."""
    with only_checks(*REGISTERED):
        request = _checked(demo)
        item = rectification_create(etown=demo.etown, source="inspection", problem="冷库未验收", measures="整改",
                                    units=["承办企业"], persons=[], deadline=TODAY + datetime.timedelta(days=10),
                                    by=demo.office)
        rectification_submit_evidence(item=item, text="已完成", by=demo.contractor)
        office = client_for(demo.office)
        assert _blocked_card(office) == "0" and _flag(request) == ""
        with django_capture_on_commit_callbacks(execute=True):
            response = office.post(f"/supervision/rectifications/{item.pk}/send-back/", {"reason": "佐证照片看不出冷库"})
        assert response.status_code == 302
        assert _flag(request) == HELD
        assert _blocked_card(office) == "1"


def _blocked_card(client):
    """The figure on the county dashboard's 拨付受阻的申请 card."""
    page = client.get("/county-dashboard/").content.decode()
    card = page[page.index('data-testid="metric-funds_blocked"'):]
    return re.search(r'class="stat-value[^"]*">\s*([^<]*?)\s*<', card).group(1)


def test_it_rechecks_only_the_etowns_written(demo, django_capture_on_commit_callbacks):
    with only_checks(*REGISTERED):
        here = _checked(demo)
        anze = demo.anze_etown.contracts.get()
        # Written in bulk (no signal): only the overdue item below asks for a re-check.
        there = put_in_flight(DisbursementRequest.objects.bulk_create([DisbursementRequest(
            etown=anze.etown, contract=anze, kind=RequestKind.PREPAYMENT, amount=10000, purpose="预付款",
            created_by=demo.system)])[0])
        yesterday = TODAY - datetime.timedelta(days=1)
        DisbursementRequest.objects.filter(pk=there.pk).update(blocked_gates="昨日的标记", gates_checked_on=yesterday)
        with django_capture_on_commit_callbacks(execute=True):
            _overdue_item(demo)
    there.refresh_from_db()
    assert _flag(here) == HELD
    assert (there.blocked_gates, there.gates_checked_on) == ("昨日的标记", yesterday)  # another county: not read


def test_it_rechecks_nothing_for_a_write_rolled_back(demo, django_capture_on_commit_callbacks):
    with only_checks(*REGISTERED):
        request = _checked(demo)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            with pytest.raises(RuntimeError), transaction.atomic():
                _overdue_item(demo)
                raise RuntimeError("the write fails after the item")
    assert callbacks == [] and _flag(request) == ""
    assert not Rectification.objects.filter(problem="专账凭证不全").exists()


def test_it_rechecks_every_etown_of_a_county_when_its_rule_changes(demo, django_capture_on_commit_callbacks):
    """000 §6(三): where a county asks for a funds inspection before each disbursement, a
    request with none in the window is held; turning the rule on holds every e-town's."""
    with only_checks(*REGISTERED):
        request = _checked(demo)
        with django_capture_on_commit_callbacks(execute=True):
            CountyInspectionRule.objects.update_or_create(
                county=demo.linyi, defaults={"funds_before_disbursement": True, "funds_window_days": 30})
    assert "拨付前资金检查" in _flag(request)


def test_it_rechecks_a_request_when_its_etown_is_suspended_through_a_plain_save(demo, django_capture_on_commit_callbacks):
    with only_checks(*REGISTERED):
        request = _checked(demo)
        etown = ETown.objects.get(pk=demo.etown.pk)
        with django_capture_on_commit_callbacks(execute=True):
            etown.status = ETown.Status.SUSPENDED
            etown.save()
    assert "合同履行中" in _flag(request)


def test_it_rechecks_a_request_whose_material_is_deleted_as_the_admin_would(demo, django_capture_on_commit_callbacks):
    """A material names its request, not its e-town: the re-check finds the e-town
    through the request (临猗资金办法第十二条第4项: the application's materials)."""
    with only_checks(*REGISTERED):
        request = _checked(demo)
        with django_capture_on_commit_callbacks(execute=True):
            request.materials.order_by("pk").first().delete()
    assert _flag(request) == "申请材料齐全"


def test_it_keeps_the_write_when_the_recheck_fails(demo, django_capture_on_commit_callbacks, monkeypatch, caplog):
    """The write is committed before the re-check runs: a failure is logged and the flag
    waits for the daily sweep; the person's write is not lost or reported as failed."""
    with only_checks(*REGISTERED):
        request = _checked(demo)

        def broken(*args, **kwargs):
            raise RuntimeError("database gone away")

        monkeypatch.setattr(gate_service, "gates_refresh", broken)
        with django_capture_on_commit_callbacks(execute=True):
            item = _overdue_item(demo)
    assert Rectification.objects.filter(pk=item.pk).exists() and _flag(request) == ""
    assert "re-checking the disbursement gates" in caplog.text
