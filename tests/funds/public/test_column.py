"""How the money was spent, on the public column and in its open-data files (issue 15;
临猗资金办法 004 附件2 第四条: 向社会公开项目资金分配、使用情况): per e-town the contract
amount, 已拨付 (net), the retention held and each disbursement made (date, amount, stage),
nothing personal, in a number of queries that does not grow with the rows."""
import csv
import io
import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from etown.services import profile_update
from funds.models import RequestKind, RequestStatus

from ..helpers import AFTER_NOTICE, advance, new_request, paid


def _publish(demo, etown=None):
    profile_update(etown=etown or demo.etown, by=demo.office, is_published=True, sections=["progress", "funds"],
                   reason="公开资金使用情况")


def _rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode()[1:])))


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_shows_each_disbursement_on_the_public_etown_page_without_personal_data(demo, client):
    paid(demo, "1500000")
    request = advance(demo, new_request(demo, amount=Decimal("300000")), RequestStatus.DISBURSED)
    _publish(demo)
    page = client.get(f"/public/etown/{demo.etown.pk}/").content.decode()
    table = page[page.index('data-testid="public-disbursements"'):]
    table = table[:table.index("</table>")]
    day = f"{AFTER_NOTICE.year}年{AFTER_NOTICE.month}月{AFTER_NOTICE.day}日"
    assert table.count(day) == 2 and "预付款" in table and "进度款" in table
    assert "150.00" in table and "30.00" in table
    assert 'data-testid="public-net-disbursed">180.00<' in page
    for private in (request.voucher_number, demo.contractor.first_name, demo.treasury.first_name, request.purpose):
        assert private not in page


def test_it_puts_the_figures_and_the_disbursements_in_the_open_data(demo, client):
    paid(demo, "1500000")
    _publish(demo)
    data = json.loads(client.get(f"/public/etown/{demo.etown.pk}/data.json").content)
    funds = data["etowns"][0]["panels"]["funds"]
    assert funds["values"]["已拨付净额"] == "1500000"
    assert funds["values"]["合同金额"] == "5000000"
    (record,) = funds["records"]
    assert record == {"record_type": "disbursement", "id": record["id"], "date": AFTER_NOTICE.isoformat(),
                      "amount_yuan": "1500000.00", "kind": RequestKind.PREPAYMENT, "kind_label": "预付款",
                      "title": "预付款"}
    rows = [r for r in _rows(client.get(f"/public/etown/{demo.etown.pk}/data.csv")) if r["record_type"] == "disbursement"]
    assert [(r["date"], r["amount_yuan"], r["category"], r["etown_name"]) for r in rows] == [
        (AFTER_NOTICE.isoformat(), "1500000.00", "预付款", demo.etown.name)]
    csv_text = client.get(f"/public/county/{demo.linyi.pk}/data.csv").content.decode()
    assert "GK0" not in csv_text and demo.contractor.first_name not in csv_text


def test_it_leaves_the_funds_out_when_the_section_is_not_published(demo, client):
    paid(demo, "1500000")
    profile_update(etown=demo.etown, by=demo.office, is_published=True, sections=["progress"], reason="公开")
    data = json.loads(client.get(f"/public/etown/{demo.etown.pk}/data.json").content)
    assert "funds" not in data["etowns"][0]["panels"]
    assert not [r for r in _rows(client.get(f"/public/etown/{demo.etown.pk}/data.csv"))
                if r["record_type"] == "disbursement"]
    assert "拨付明细" not in client.get(f"/public/etown/{demo.etown.pk}/").content.decode()


def test_it_publishes_the_funds_in_a_fixed_number_of_queries(demo, client):
    paid(demo, "100000")
    _publish(demo)
    urls = [f"/public/etown/{demo.etown.pk}/", f"/public/etown/{demo.etown.pk}/data.json",
            f"/public/county/{demo.linyi.pk}/data.json", f"/public/county/{demo.linyi.pk}/data.csv"]
    for url in urls:
        client.get(url)  # warm what is cached per process
    few = {url: _count(client, url) for url in urls}
    for _ in range(3):
        paid(demo, "100000")
    _publish(demo, demo.other_etown)  # a second published e-town with its funds
    many = {url: _count(client, url) for url in urls}
    assert many == few
