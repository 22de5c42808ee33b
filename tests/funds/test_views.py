"""The funds pages: who gets in (404 for outsiders, 403 for read-only roles), bad input
shown in Chinese with nothing changed, and fixed query counts on the lists."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funds import services
from funds.models import Asset, Clawback, DisbursementRequest, LedgerEntry, RequestStatus

from .helpers import TODAY, advance, new_request, pdf

S = RequestStatus


def url_set(demo, request):
    e = demo.etown.pk
    return {
        "home": "/funds/",
        "list": "/funds/requests/",
        "overview": f"/funds/etowns/{e}/",
        "detail": f"/funds/requests/{request.pk}/",
        "pdf": f"/funds/requests/{request.pk}/form.pdf",
        "ledger": f"/funds/etowns/{e}/ledger/",
        "assets": f"/funds/etowns/{e}/assets/",
    }


def test_it_shows_the_funds_pages_to_every_role_of_the_county(demo, client_for):
    request = new_request(demo)
    urls = url_set(demo, request)
    for user in (demo.office, demo.finance, demo.leader, demo.auditor, demo.agency, demo.contractor):
        client = client_for(user)
        for name, url in urls.items():
            assert client.get(url).status_code == 200, (user.username, name)


def test_it_hides_another_etowns_records_from_its_contractor(demo, client_for):
    request = new_request(demo)
    entry = services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="x", summary="y",
                                   amount=Decimal("1"), voucher_number="v", by=demo.contractor, today=TODAY)
    client = client_for(demo.contractor2)
    for name, url in url_set(demo, request).items():
        if name in ("home", "list"):
            continue
        assert client.get(url).status_code == 404, name
    assert client.post(f"/funds/requests/{request.pk}/submit/").status_code == 404
    assert client.post(f"/funds/ledger/{entry.pk}/reverse/", {"reason": "x"}).status_code == 404
    assert client.post(f"/funds/etowns/{demo.etown.pk}/ledger.xlsx").status_code == 404
    assert client.get(f"/funds/etowns/{demo.etown.pk}/requests/new/").status_code == 404
    # Lists show only what is theirs.
    assert request.code not in client.get("/funds/requests/").content.decode()
    assert demo.etown.name not in client.get("/funds/").content.decode()


def test_it_refuses_writes_to_read_only_and_wrong_roles(demo, client_for):
    e = demo.etown.pk
    request = advance(demo, new_request(demo), S.SUBMITTED)
    auditor, finance, contractor = client_for(demo.auditor), client_for(demo.finance), client_for(demo.contractor)
    assert auditor.post(f"/funds/requests/{request.pk}/approve/", {"approve-note": ""}).status_code == 403
    assert finance.post(f"/funds/requests/{request.pk}/approve/", {"approve-note": ""}).status_code == 403
    assert contractor.post(f"/funds/requests/{request.pk}/return/", {"return-reason": "x"}).status_code == 403
    assert DisbursementRequest.objects.get(pk=request.pk).status == S.SUBMITTED
    assert auditor.get(f"/funds/etowns/{e}/requests/new/").status_code == 403
    assert client_for(demo.office).get(f"/funds/etowns/{e}/ledger/new/").status_code == 403
    assert auditor.get(f"/funds/etowns/{e}/assets/new/").status_code == 403
    assert contractor.get(f"/funds/etowns/{e}/clawbacks/new/").status_code == 403
    assert finance.get(f"/funds/counties/{demo.linyi.pk}/settings/").status_code == 403


def test_it_hides_a_countys_settings_from_another_countys_office(demo, client_for, anze_office):
    assert client_for(anze_office).get(f"/funds/counties/{demo.linyi.pk}/settings/").status_code == 404
    assert client_for(demo.office).get(f"/funds/counties/{demo.linyi.pk}/settings/").status_code == 200


def test_it_walks_the_chain_through_the_pages(demo, client_for):
    e = demo.etown.pk
    contractor = client_for(demo.contractor)
    tasks = list(demo.etown.tasks.values_list("pk", flat=True)[:2])
    response = contractor.post(f"/funds/etowns/{e}/requests/new/", {
        "contract": demo.contract.pk, "kind": "prepayment", "amount": "1500000", "purpose": "预付款", "tasks": tasks,
    })
    request = DisbursementRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/funds/requests/{request.pk}/"
    page = contractor.get(f"/funds/requests/{request.pk}/").content.decode()
    assert "缺少：资金申请表、合同。" in page and 'data-testid="act-submit" disabled' in page
    for kind in ("application_form", "contract"):
        contractor.post(f"/funds/requests/{request.pk}/material/", {"material-kind": kind, "material-file": pdf()})
    assert contractor.post(f"/funds/requests/{request.pk}/submit/").status_code == 302
    assert client_for(demo.office).post(f"/funds/requests/{request.pk}/approve/", {"approve-note": "同意"}).status_code == 302
    request.refresh_from_db()
    assert request.status == S.OFFICE_APPROVED
    assert [s.note for s in request.steps.filter(action="office_approve")] == ["同意"]


def test_it_shows_bad_input_in_chinese_and_changes_nothing(demo, client_for):
    e = demo.etown.pk
    contractor = client_for(demo.contractor)
    response = contractor.post(f"/funds/etowns/{e}/requests/new/", {
        "contract": demo.contract.pk, "kind": "progress", "amount": "-5", "purpose": "", "tasks": [],
    })
    page = response.content.decode()
    assert response.status_code == 200
    assert "金额须大于 0。" in page and "请选择本次申请对应的建设任务。" in page
    assert not DisbursementRequest.objects.exists()
    request = new_request(demo, materials=False)
    fake = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 an executable named .pdf", content_type="application/pdf")
    response = contractor.post(f"/funds/requests/{request.pk}/material/", {"material-kind": "invoice", "material-file": fake})
    assert response.status_code == 400 and "文件类型不符" in response.content.decode()
    assert not request.materials.exists()
    request = advance(demo, new_request(demo), S.LEADER_APPROVED)
    response = client_for(demo.office).post(f"/funds/requests/{request.pk}/meeting/", {
        "meeting-meeting_date": "2026-12-31", "meeting-minutes_number": "12号",
    })
    assert response.status_code == 400 and "会议日期不能晚于今天。" in response.content.decode()
    assert DisbursementRequest.objects.get(pk=request.pk).status == S.LEADER_APPROVED
    response = client_for(demo.office).post(f"/funds/requests/{request.pk}/return/", {"return-reason": ""})
    assert response.status_code == 400 and "请填写原因。" in response.content.decode()


def test_it_shows_a_blocked_request_with_its_failing_gate(demo, client_for):
    request = new_request(demo, kind="retention", amount=Decimal("500000"))
    page = client_for(demo.office).get(f"/funds/requests/{request.pk}/").content.decode()
    assert "项目终验尚未通过，尾款不得拨付。" in page and 'data-testid="blocked"' in page
    response = client_for(demo.contractor).post(f"/funds/requests/{request.pk}/submit/", follow=True)
    assert "以下拨付条件未满足" in response.content.decode()
    assert DisbursementRequest.objects.get(pk=request.pk).status == S.DRAFT


def test_it_shows_an_override_in_red_on_the_request_and_in_the_lists(demo, client_for):
    request = new_request(demo, materials=False)
    office = client_for(demo.office)
    office.post(f"/funds/requests/{request.pk}/override/", {"override-gate_key": "materials", "override-reason": "原件已核"})
    assert request.overrides.count() == 1
    for url in (f"/funds/requests/{request.pk}/", "/funds/requests/", f"/funds/etowns/{demo.etown.pk}/"):
        assert "text-override" in office.get(url).content.decode(), url


# Query counts: the same with 3 and 30 rows -------------------------------------------


def _fill(demo, n):
    for i in range(n):
        new_request(demo, amount=Decimal("10"), materials=False)
        services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="x", summary="y",
                               amount=Decimal("10"), voucher_number="v", invoice_number=f"I{i % 7}", by=demo.contractor,
                               task=demo.etown.tasks.first() if i % 2 else None, today=TODAY)
        services.asset_create(etown=demo.etown, by=demo.contractor, name=f"设备{i}", value=Decimal("1"), acquired_on=TODAY,
                              location="中心", ownership="县政府", task=demo.etown.tasks.first())


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_requests_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries, rows):
    _fill(demo, rows)
    client = client_for(demo.office)
    client.get("/funds/requests/")
    # session, user, memberships, COUNT of requests, notifications badge, the page of
    # requests (e-town, county, contract, contractor, notice and override count joined),
    # session save (savepoint, update, release).
    with django_assert_num_queries(9):
        assert client.get("/funds/requests/").status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_it_shows_the_funds_home_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries, rows):
    _fill(demo, rows)
    client = client_for(demo.office)
    client.get("/funds/")
    # session, user, memberships, COUNT and page of e-towns, their contracts with every
    # figure (one query of subqueries), notifications badge, counties for the settings
    # links, the request queue, the change queue, session save (3).
    with django_assert_num_queries(13):
        assert client.get("/funds/").status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_the_ledger_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries, rows):
    _fill(demo, rows)
    client = client_for(demo.office)
    client.get(f"/funds/etowns/{demo.etown.pk}/ledger/")
    # session, user, e-town, memberships, county policy, one page of entries (task,
    # reversal and files joined, duplicate-invoice flag as EXISTS), notifications badge,
    # session save (3). No COUNT: keyset pagination.
    with django_assert_num_queries(10):
        page = client.get(f"/funds/etowns/{demo.etown.pk}/ledger/").content.decode()
    assert page.count('data-testid="flag"') >= rows // 2


@pytest.mark.parametrize("rows", [3, 30])
def test_it_lists_assets_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries, rows):
    _fill(demo, rows)
    client = client_for(demo.office)
    client.get(f"/funds/etowns/{demo.etown.pk}/assets/")
    # session, user, e-town, memberships, COUNT and page of assets, notifications badge,
    # session save (3).
    with django_assert_num_queries(10):
        assert client.get(f"/funds/etowns/{demo.etown.pk}/assets/").status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_it_shows_the_overview_in_a_fixed_number_of_queries(demo, client_for, django_assert_num_queries, rows):
    _fill(demo, rows)
    client = client_for(demo.office)
    client.get(f"/funds/etowns/{demo.etown.pk}/")
    # session, user, e-town, memberships, contracts with figures, policy, disbursed
    # requests (chart), asset states, four flag counts, notifications badge, recent
    # requests, change requests, clawbacks, session save (3).
    with django_assert_num_queries(19):
        assert client.get(f"/funds/etowns/{demo.etown.pk}/").status_code == 200


def test_it_pages_the_ledger_by_keyset(demo, client_for):
    _fill(demo, 3)
    for i in range(55):
        services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee=f"收款{i}", summary="y",
                               amount=Decimal("1"), voucher_number="v", by=demo.contractor, today=TODAY)
    client = client_for(demo.office)
    first = client.get(f"/funds/etowns/{demo.etown.pk}/ledger/")
    cursor = first.context["next_cursor"]
    assert len(first.context["rows"]) == 50 and cursor
    second = client.get(f"/funds/etowns/{demo.etown.pk}/ledger/", {"after": cursor})
    assert len(second.context["rows"]) == 8 and not second.context["next_cursor"]
    seen = {e.pk for e, _ in first.context["rows"]} | {e.pk for e, _ in second.context["rows"]}
    assert seen == set(LedgerEntry.objects.values_list("pk", flat=True))
    assert client.get(f"/funds/etowns/{demo.etown.pk}/ledger/", {"after": "garbage"}).status_code == 200


def test_it_records_clawbacks_and_settings_from_the_pages(demo, client_for):
    advance(demo, new_request(demo, kind="prepayment", amount=Decimal("1000000")), S.DISBURSED)
    office = client_for(demo.office)
    response = office.post(f"/funds/etowns/{demo.etown.pk}/clawbacks/new/", {
        "contract": demo.contract.pk, "kind": "clawback", "amount": "2000000", "basis": "002-9", "reason": "整改不到位",
        "decision_number": "临乡村e镇领〔2026〕3号", "decided_on": "2026-11-20",
    })
    assert "追回金额不能超过已拨付净额 1,000,000.00 元。" in response.content.decode()
    assert not Clawback.objects.exists()
    office.post(f"/funds/counties/{demo.linyi.pk}/settings/", {
        "ledger_contract_threshold": "20000", "notice_workdays": "4", "reason": "调整",
    })
    from funds.selectors import policy_for

    assert policy_for(demo.linyi).pk is None  # 4 working days refused (at least 5)
    office.post(f"/funds/counties/{demo.linyi.pk}/settings/", {
        "ledger_contract_threshold": "20000", "notice_workdays": "7", "reason": "县政府要求延长公示期",
    })
    assert policy_for(demo.linyi).notice_workdays == 7


def test_it_registers_an_asset_and_an_inspection_from_the_pages(demo, client_for):
    client_for(demo.contractor).post(f"/funds/etowns/{demo.etown.pk}/assets/new/", {
        "name": "冷库", "quantity": "1", "value": "300000", "acquired_on": "2026-10-01", "location": "物流中心",
        "ownership": "临猗县人民政府",
    })
    asset = Asset.objects.get()
    response = client_for(demo.agency).post(f"/funds/assets/{asset.pk}/inspect/", {
        "inspected_on": "2026-11-20", "state": "moved", "note": "冷库被挪作他用",
    })
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.state == "moved"


def test_it_shows_a_paid_request_with_the_gates_as_checked_when_it_was_paid(demo, client_for):
    """Re-evaluating a paid prepayment would count its own payment twice and call it
    over the ratio; the page shows the gates of the payment step instead."""
    request = advance(demo, new_request(demo, kind="prepayment", amount=Decimal("1500000")), S.DISBURSED)
    page = client_for(demo.auditor).get(f"/funds/requests/{request.pk}/").content.decode()
    assert "已拨付时的核验结果" in page and "不满足" not in page and 'data-testid="blocked"' not in page
    assert "预付款累计 1,500,000.00 元（含本次），未超过合同约定预付比例 30%" in page


def test_it_runs_an_extension_request_through_the_pages(demo, client_for):
    from funds.models import ChangeRequest

    e = demo.etown.pk
    contractor, office, leader = client_for(demo.contractor), client_for(demo.office), client_for(demo.leader)
    assert contractor.get(f"/funds/etowns/{e}/changes/new/").status_code == 200
    assert client_for(demo.contractor2).get(f"/funds/etowns/{e}/changes/new/").status_code == 404
    assert office.get(f"/funds/etowns/{e}/changes/new/").status_code == 403
    response = contractor.post(f"/funds/etowns/{e}/changes/new/", {
        "contract": demo.contract.pk, "kind": "extension", "title": "延期竣工", "content": "物流中心", "reason": "设备延迟",
    })
    assert "延期申请须写明项目竣工的具体时间" in response.content.decode()
    contractor.post(f"/funds/etowns/{e}/changes/new/", {
        "contract": demo.contract.pk, "kind": "extension", "title": "延期竣工", "content": "物流中心", "reason": "设备延迟",
        "new_term_end": "2027-06-30",
    })
    change = ChangeRequest.objects.get()
    url = f"/funds/changes/{change.pk}/"
    assert client_for(demo.contractor2).get(url).status_code == 404
    contractor.post(url + "submit/")
    assert leader.post(url + "approve/", {"note": ""}).status_code == 403
    office.post(url + "approve/", {"note": "属实"})
    page = leader.get(url).content.decode()
    assert 'data-testid="change-approve"' in page
    leader.post(url + "approve/", {"note": "同意"})
    change.refresh_from_db()
    demo.contract.refresh_from_db()
    assert change.status == "approved" and str(demo.contract.term_end) == "2027-06-30"
    assert "领导小组审批通过" in client_for(demo.auditor).get(url).content.decode()


def test_it_shows_the_asset_inspection_page_to_inspectors_only(demo, client_for):
    asset = services.asset_create(etown=demo.etown, by=demo.contractor, name="冷库", value=Decimal("1"), acquired_on=TODAY,
                                  location="中心", ownership="县政府")
    url = f"/funds/assets/{asset.pk}/inspect/"
    assert client_for(demo.office).get(url).status_code == 200
    assert client_for(demo.agency).get(url).status_code == 200
    assert client_for(demo.contractor).get(url).status_code == 403
    assert client_for(demo.contractor2).get(url).status_code == 404


def test_it_writes_a_refused_step_to_the_security_audit_log(demo, client_for):
    from etown.models import AuditEvent

    request = advance(demo, new_request(demo), S.SUBMITTED)
    assert client_for(demo.leader).post(f"/funds/requests/{request.pk}/approve/", {"approve-note": ""}).status_code == 403
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED, user=demo.leader).get()
    assert event.detail.startswith(f"requests.request_act:{request.pk},approve") and "办公室" in event.detail
