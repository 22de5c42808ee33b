"""The special-funds ledger (专账, 临猗资金办法第十五条、第十六条) as a list with its
flags: keyset-paginated (a county ledger can hold a million rows) and counted through
partial indexes that touch only the flagged rows."""
import datetime

from django.db.models import Exists, OuterRef, Q

from ..models import LedgerEntry
from .requests import own_contracts_q

LIVE_ENTRY = Q(reverses__isnull=True, reversal__isnull=True)


def _duplicate_exists():
    return Exists(
        LedgerEntry.objects.filter(
            LIVE_ENTRY, county=OuterRef("county"), invoice_number=OuterRef("invoice_number"),
        ).exclude(pk=OuterRef("pk"))
    )


def ledger_entries(etown, user=None):
    """The e-town's ledger, newest first, with what the flags need (one query a page);
    for a contractor's staff, their own company's contracts only (004 附件2 第十一条)."""
    return (
        LedgerEntry.objects.filter(etown=etown).filter(own_contracts_q(user) if user is not None else Q())
        .select_related("task", "reversal", "reverses", "invoice_file", "payee_contract", "recorded_by")
        .annotate(duplicate_invoice=_duplicate_exists())
        .order_by("-entry_date", "-id")
    )


def ledger_page(etown, *, cursor="", per_page=50, user=None):
    """Keyset pagination (no COUNT over a million rows): ``cursor`` is "date,id" of the
    last row of the previous page. Returns (rows, next_cursor)."""
    qs = ledger_entries(etown, user)
    if cursor:
        try:
            day, _, pk = cursor.partition(",")
            day, pk = datetime.date.fromisoformat(day), int(pk)
        except ValueError:
            day = None
        if day is not None:
            qs = qs.filter(Q(entry_date__lt=day) | Q(entry_date=day, id__lt=pk))
    rows = list(qs[: per_page + 1])
    next_cursor = ""
    if len(rows) > per_page:
        rows = rows[:per_page]
        last = rows[-1]
        next_cursor = f"{last.entry_date.isoformat()},{last.pk}"
    return rows, next_cursor


def entry_flags(entry, threshold):
    """The flags of one ledger entry (annotated by ``ledger_entries``), as labels."""
    if entry.is_reversal:
        return []
    if getattr(entry, "reversal", None) is not None:
        return []
    flags = []
    if entry.invoice_number and getattr(entry, "duplicate_invoice", False):
        flags.append("发票号重复")
    if entry.task_id is None:
        flags.append("未对应建设任务")
    if entry.over_disbursed:
        flags.append("支出超出已拨付")
    if entry.payee_contract_id is None and entry.amount > threshold:
        flags.append("大额支出未附合同")
    return flags


def ledger_flag_counts(etown, threshold):
    """Counts of live entries with each flag, in indexed queries that touch only the
    flagged rows (see the partial indexes on LedgerEntry). Reversed entries are left out
    through the few reversals (NOT IN a small hashed subquery) rather than a join on a
    million rows."""
    reversed_ids = LedgerEntry.objects.filter(etown=etown, reverses__isnull=False).values("reverses_id")
    live = LedgerEntry.objects.filter(etown=etown, county_id=etown.county_id, reverses__isnull=True).exclude(
        pk__in=reversed_ids
    )
    reused_numbers = LedgerEntry.objects.filter(
        LIVE_ENTRY, county_id=etown.county_id, invoice_reused=True
    ).values("invoice_number")
    return {
        "发票号重复": live.filter(invoice_number__in=reused_numbers).filter(_duplicate_exists()).count(),
        "未对应建设任务": live.filter(task__isnull=True).count(),
        "支出超出已拨付": live.filter(over_disbursed=True).count(),
        "大额支出未附合同": live.filter(payee_contract__isnull=True, amount__gt=threshold).count(),
    }
