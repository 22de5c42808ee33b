"""What the request form tells the applicant before they ask (issue 15): how much may
still be asked for on each of their contracts, and what that figure is made of; and,
where the county's chain has a payment notice, when the notice would end.

- 尚可拨付 = 合同金额 − 核减 − 拨付总额 − 尾款留存 (until the final acceptance, 004 附件2
  第七条) − 审批中 (the requests ahead in the queue); clawed-back money is not paid again
  (安泽办法 002 第九条), so the gross counts here (``positions.ContractPosition``);
- 公示截止: the notice lasts ``FundsPolicy.notice_workdays`` statutory working days (004
  附件2 第十二条第3项: 公示至少 5 个工作日), counted as ``etown.services.notices`` counts it:
  from the first working day on or after its start, that day included.
"""
from dataclasses import dataclass

from etown import workdays

from .positions import annotate_positions, position_of


def contract_outlooks(contracts, *, request=None):
    """The positions of the offered contracts (one query), as the gates will see them for
    ``request`` (a new request: behind every request in flight)."""
    return [position_of(c) for c in annotate_positions(contracts.order_by("signed_on", "pk"), request=request)]


@dataclass(frozen=True)
class NoticeOutlook:
    workdays: int
    start: object
    end: object
    warning: str | None


def notice_outlook(policy, start, *, calendar=None):
    """When a payment notice starting on ``start`` would end, or None when the county's
    chain has no notice (安泽: 002 第十条、第十二条)."""
    if not policy.payment_notice:
        return None
    calendar = calendar or workdays.WorkCalendar()
    first = workdays.next_workday(start, calendar=calendar)
    end = workdays.add_workdays(first, max(policy.notice_workdays, 1) - 1, calendar=calendar)
    return NoticeOutlook(workdays=policy.notice_workdays, start=first, end=end,
                         warning=workdays.calendar_warning(first, end, calendar=calendar))
