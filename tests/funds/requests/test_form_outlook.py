"""The request form shows what may still be asked for (尚可拨付, and what it is made of)
and, where the county's chain has a payment notice (临猗资金办法 004 附件2 第十二条第3项:
公示至少 5 个工作日), when that notice would end, counted in statutory working days
(issue 15)."""
import re
from decimal import Decimal

from django.utils import timezone

from etown.workdays import add_workdays, next_workday
from funds.models import FundsPolicy, RequestKind, RequestStatus
from funds.selectors.policy import policy_for

from ..helpers import advance, new_request, paid


def _fig(html, testid):
    match = re.search(rf'data-testid="{testid}"[^>]*>\s*([\d,]+\.\d\d)', html)
    assert match, testid
    return Decimal(match.group(1).replace(",", ""))


def test_it_shows_the_remaining_amount_with_its_parts_and_the_notice_end(demo, client_for):
    paid(demo, "1500000")  # 150 万 paid on a 500 万 contract with 10% retention
    advance(demo, new_request(demo, amount=Decimal("200000")), RequestStatus.SUBMITTED)  # 20 万 in flight
    page = client_for(demo.contractor).get(f"/funds/etowns/{demo.etown.pk}/requests/new/").content.decode()
    c = demo.contract.pk
    assert _fig(page, f"outlook-amount-{c}") == Decimal("500.00")
    assert _fig(page, f"outlook-gross-{c}") == Decimal("150.00")
    assert _fig(page, f"outlook-retention-{c}") == Decimal("50.00")
    assert _fig(page, f"outlook-in-flight-{c}") == Decimal("20.00")
    # 500 − 150 − 50 (retention until final acceptance) − 20 (ahead in the queue) = 280
    assert _fig(page, f"outlook-available-{c}") == Decimal("280.00")
    policy = policy_for(demo.linyi)
    assert policy.payment_notice
    today = timezone.localdate()
    end = add_workdays(next_workday(today), policy.notice_workdays - 1)
    assert f"{end.year}年{end.month}月{end.day}日" in re.search(r'data-testid="notice-end"[^>]*>([^<]+)<', page).group(1)
    assert f"{policy.notice_workdays} 个工作日" in page


def test_it_counts_the_notice_end_as_the_notice_service_does(demo):
    """The form's 公示截止 is the one the notice gets when it starts the same day."""
    from funds.selectors.outlook import notice_outlook

    request = advance(demo, new_request(demo), RequestStatus.IN_NOTICE)
    outlook = notice_outlook(policy_for(demo.linyi), request.notice.start_date)
    assert outlook.end == request.notice.end_date


def test_it_shows_no_notice_end_where_the_chain_has_no_notice(demo, client_for):
    policy = policy_for(demo.linyi)
    policy.payment_notice = False
    policy.save()
    assert FundsPolicy.objects.get(county=demo.linyi).payment_notice is False
    page = client_for(demo.contractor).get(f"/funds/etowns/{demo.etown.pk}/requests/new/").content.decode()
    assert 'data-testid="notice-end"' not in page and 'data-testid="outlook-available-' in page


def test_it_shows_the_outlook_in_a_fixed_number_of_queries(demo, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(demo.contractor)
    url = f"/funds/etowns/{demo.etown.pk}/requests/new/"
    client.get(url)  # the first page of a session also loads what is cached afterwards
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        paid(demo, "100000")
    new_request(demo, kind=RequestKind.PROGRESS, amount=Decimal("10"))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
