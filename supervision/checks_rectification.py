"""Checks other apps read through the hub (funds' disbursement gates), so that funds
never imports supervision's internals. ``func(etown, **ctx) -> (passed, reason)``;
``ctx`` may carry ``today`` (and ``request``, unused here)."""
import datetime

from django.utils import timezone

from .selectors_inspections import latest_funds_inspection, rule_for_county
from .selectors_rectification import blocking_items


def _date(d):
    return f"{d.year}年{d.month}月{d.day}日"


def check_rectification(etown, **ctx):
    """004 annex 2 art. 12(3): 若在日常监管、考核验收、绩效评价等各环节中发现问题，要限时整改，
    整改后仍不合格的，专项资金不予拨付. Blocks while an item is overdue or sent back."""
    today = ctx.get("today") or timezone.localdate()
    items = list(blocking_items(etown, today)[:50])
    if not items:
        return True, "无逾期或被退回的整改事项"
    overdue = [i for i in items if i.is_overdue(today)]
    sent_back = [i for i in items if i.status == i.Status.SENT_BACK and not i.is_overdue(today)]
    parts = []
    if overdue:
        parts.append(f"{len(overdue)} 项逾期未整改（最早期限 {_date(overdue[0].due_date)}）")
    if sent_back:
        parts.append(f"{len(sent_back)} 项整改核验未通过被退回")
    examples = "；".join(f"“{i.problem[:20]}”" for i in items[:3])
    return False, f"有{'，'.join(parts)}：{examples}。须整改销号后方可拨付（临猗资金办法第十二条（三））。"


def check_funds_inspection(etown, **ctx):
    """000 §6(三): 财政资金拨付前进行检查 — where the county's rule asks for it, a funds
    inspection within the configured window before the disbursement."""
    today = ctx.get("today") or timezone.localdate()
    rule = rule_for_county(etown.county)
    if not rule.funds_before_disbursement:
        return True, "本县未要求拨付前资金检查"
    since = today - datetime.timedelta(days=rule.funds_window_days)
    found = latest_funds_inspection(etown, since, today)
    if found is not None:
        return True, f"已于{_date(found.inspected_on)}开展资金使用情况检查（{rule.funds_window_days}天内有效）"
    return False, (
        f"本县要求拨付前开展资金使用情况检查：{_date(since)}以来未检查，"
        f"请先记录一次资金使用情况检查（高平方案第六条（三））。"
    )
