"""The funds app's registrations: the e-town panel, the public panel (published figures
only), metrics, the dashboard card, the change log, the reminder sweep and the dossier."""
import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from etown.history import changes_for_etown
from etown.models import Notification
from etown.notifications import run_sweeps
from funds import hooks
from funds.selectors import dashboard
from funds.models import RequestStatus

from .helpers import TODAY, advance, new_request


def test_it_shows_the_funds_panel_on_the_etown_page(demo, client_for):
    advance(demo, new_request(demo, kind="prepayment", amount=Decimal("1500000")), RequestStatus.DISBURSED)
    page = client_for(demo.auditor).get(f"/etowns/{demo.etown.pk}/").content.decode()
    assert 'data-testid="funds-panel"' in page and "150.00 万元" in page


def test_it_publishes_only_the_funds_figures(demo):
    advance(demo, new_request(demo, kind="prepayment", amount=Decimal("1500000")), RequestStatus.DISBURSED)
    funds = hooks._public_panel(None, demo.etown)["funds"]
    assert funds.values() == {"合同金额": Decimal("5000000"), "已拨付净额": Decimal("1500000"),
                              "拨付总额": Decimal("1500000"), "已追回": Decimal("0"), "尾款留存": Decimal("500000")}
    assert [(d.kind, d.disbursed_amount) for d in funds.disbursements] == [("prepayment", Decimal("1500000"))]
    assert set(hooks.public_figures(demo.etown)) == {"allocated", "disbursed", "retention_held"}


def test_it_reports_contract_against_disbursed_on_the_dashboard(demo):
    advance(demo, new_request(demo, kind="prepayment", amount=Decimal("1500000")), RequestStatus.DISBURSED)
    money = hooks.metric_money({demo.linyi.pk})
    # 已拨付 is net of clawbacks with the gross (拨付总额) beside it (issue 15).
    assert money == {"合同金额": Decimal("800.00"), "已拨付": Decimal("150.00"), "拨付总额": Decimal("150.00"),
                     "尾款留存": Decimal("80.00")}
    assert dashboard.request_figures({demo.linyi.pk})["in_flight"] == 0
    assert hooks.metric_money({demo.anze_etown.county_id})["已拨付"] == 0


def test_it_counts_the_users_queue_on_the_dashboard_card(demo, rf):
    advance(demo, new_request(demo), RequestStatus.SUBMITTED)
    request = rf.get("/")
    request.user = demo.office
    assert hooks._dashboard_card(request, None) == {"requests": 1, "changes": 0}
    request.user = demo.leader
    assert hooks._dashboard_card(request, None) is None


def test_it_adds_the_requests_to_the_etown_change_log(demo):
    advance(demo, new_request(demo), RequestStatus.OFFICE_APPROVED)
    changes = [c for c in changes_for_etown(demo.etown) if c.label == "资金拨付申请"]
    assert [c.reason for c in changes][:1] == ["办公室审核通过"]
    assert changes[0].user == demo.office


def test_it_reminds_the_finance_bureau_once_when_the_notice_is_over(demo):
    request = advance(demo, new_request(demo), RequestStatus.IN_NOTICE)
    assert run_sweeps(TODAY, names=["funds_notice_over"]) == {"funds_notice_over": 0}
    after = request.notice.end_date + datetime.timedelta(days=1)
    assert run_sweeps(after, names=["funds_notice_over"]) == {"funds_notice_over": 1}
    assert run_sweeps(after, names=["funds_notice_over"]) == {"funds_notice_over": 0}
    # Both people of the finance bureau are told (the treasury desk pays, issue 11).
    assert set(Notification.objects.filter(kind="funds_notice_over").values_list("user__username", flat=True)) == {
        "finance", "treasury"}
    note = Notification.objects.get(kind="funds_notice_over", user=demo.finance)
    assert note.url == f"/funds/requests/{request.pk}/"


def test_it_shows_the_funds_figures_on_the_public_etown_page_when_ticked(demo, client):
    from etown.services import profile_update

    advance(demo, new_request(demo, kind="prepayment", amount=Decimal("1500000")), RequestStatus.DISBURSED)
    profile_update(etown=demo.etown, by=demo.office, is_published=True, sections=["progress"], reason="公开")
    assert "尾款留存" not in client.get(f"/public/etown/{demo.etown.pk}/").content.decode()
    profile_update(etown=demo.etown, by=demo.office, is_published=True, sections=["progress", "funds"], reason="公开资金")
    page = client.get(f"/public/etown/{demo.etown.pk}/").content.decode()
    assert "合同金额" in page and "150.00" in page and "尾款留存" in page
    assert demo.contractor.first_name not in page  # no personal data


def test_it_offers_the_funds_documents_to_the_dossier(demo):
    request = advance(demo, new_request(demo), RequestStatus.DISBURSED)
    items = hooks.dossier_items(demo.etown)
    titles = [i.title for i in items]
    assert f"{request.code} 资金申请表" in titles and f"{request.code} 拨付审批表（已拨付）" in titles
    assert titles[-2:] == ["专项资金使用台账", "资产台账"]
    ledger = items[-2].content()
    assert load_workbook(io.BytesIO(ledger), read_only=True).sheetnames == ["资金使用台账"]
    assert items[titles.index(f"{request.code} 拨付审批表（已拨付）")].content().startswith(b"%PDF")
