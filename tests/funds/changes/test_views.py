"""A change or extension request through its pages (临猗资金办法第九条、第十条)."""
from funds.models import ChangeRequest


def test_it_runs_an_extension_request_through_the_pages(demo, client_for):
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
