"""Who gets into the funds pages: every role of the county reads them, an outsider gets
404 (another e-town's contractor learns nothing), a read-only or wrong role 403."""
from decimal import Decimal

from funds import services
from funds.models import DisbursementRequest, RequestStatus

from .helpers import TODAY, advance, new_request

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
