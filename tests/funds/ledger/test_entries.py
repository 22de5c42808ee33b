"""The special-funds ledger (专账, 临猗资金办法第十五条、第十六条): running totals, the
flags (duplicate invoice, no task, beyond what was disbursed, large without a contract)
and corrections by reversing entries only."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds import services
from funds.models import LedgerEntry
from funds.selectors.ledger import entry_flags, ledger_entries, ledger_flag_counts
from funds.selectors.positions import contract_position

from ..helpers import TODAY, paid, pdf, png

DAY = datetime.date(2026, 11, 20)


def record(demo, amount="10000", *, etown=None, by=None, task="first", invoice="", **kwargs):
    etown = etown or demo.etown
    if task == "first":
        task = etown.tasks.first()
    return services.ledger_record(
        etown=etown, contract=etown.contracts.get(), entry_date=DAY, payee="临猗县宏达建筑装饰有限公司", summary="装修",
        amount=Decimal(amount), voucher_number="JZ-01", invoice_number=invoice, task=task, by=by or demo.contractor,
        today=TODAY, **kwargs,
    )


def flags_of(entry):
    entry = ledger_entries(entry.etown).get(pk=entry.pk)
    return entry_flags(entry, Decimal("50000"))


def test_it_keeps_running_totals_on_each_entry(demo):
    paid(demo, "100000")
    first = record(demo, "30000")
    second = record(demo, "20000.50")
    assert (first.cumulative_spent, second.cumulative_spent) == (Decimal("30000"), Decimal("50000.50"))
    assert second.disbursed_to_date == Decimal("100000") and not second.over_disbursed
    assert contract_position(demo.contract).spent == Decimal("50000.50")
    assert contract_position(demo.contract).balance == Decimal("49999.50")


def test_it_flags_spending_beyond_what_was_disbursed(demo):
    paid(demo, "50000")
    record(demo, "40000")
    over = record(demo, "10000.01")
    assert over.over_disbursed and "支出超出已拨付" in flags_of(over)


def test_it_flags_an_invoice_number_used_twice_across_contractors(demo):
    mine = record(demo, invoice="No. 2414 2000 0000 1152 0009")
    assert mine.invoice_number == "24142000000011520009" and flags_of(mine) == ["支出超出已拨付"]
    theirs = record(demo, etown=demo.other_etown, by=demo.contractor2, invoice="24142000000011520009")
    assert theirs.invoice_reused
    assert "发票号重复" in flags_of(mine) and "发票号重复" in flags_of(theirs)
    assert ledger_flag_counts(demo.etown, Decimal("50000"))["发票号重复"] == 1
    assert ledger_flag_counts(demo.other_etown, Decimal("50000"))["发票号重复"] == 1
    # Another county's identical number is not a duplicate of this county's.
    assert demo.anze_etown.county_id != demo.etown.county_id


def test_it_clears_the_duplicate_flag_when_one_use_is_reversed(demo):
    first = record(demo, invoice="INV-1")
    second = record(demo, invoice="INV-1")
    assert ledger_flag_counts(demo.etown, Decimal("50000"))["发票号重复"] == 2
    services.ledger_reverse(entry=second, reason="重复登记", by=demo.contractor, today=TODAY)
    assert "发票号重复" not in flags_of(first)
    assert ledger_flag_counts(demo.etown, Decimal("50000"))["发票号重复"] == 0
    # Even when the first use is the one reversed.
    third = record(demo, invoice="INV-2")
    fourth = record(demo, invoice="INV-2")
    services.ledger_reverse(entry=third, reason="登记错误", by=demo.contractor, today=TODAY)
    assert "发票号重复" not in flags_of(fourth)
    assert ledger_flag_counts(demo.etown, Decimal("50000"))["发票号重复"] == 0


def test_it_flags_a_payment_on_no_task_and_a_large_one_without_a_contract(demo):
    paid(demo, "1000000")
    no_task = record(demo, task=None)
    large = record(demo, "50000.01")
    with_contract = record(demo, "80000", payee_contract_upload=pdf("采购合同.pdf"))
    assert flags_of(no_task) == ["未对应建设任务"]
    assert flags_of(large) == ["大额支出未附合同"]
    assert flags_of(with_contract) == []
    counts = ledger_flag_counts(demo.etown, Decimal("50000"))
    assert counts == {"发票号重复": 0, "未对应建设任务": 1, "支出超出已拨付": 0, "大额支出未附合同": 1}


def test_it_corrects_by_a_reversing_entry_never_by_editing(demo):
    paid(demo, "100000")
    entry = record(demo, "30000")
    with pytest.raises(ValidationError, match="请填写冲销原因"):
        services.ledger_reverse(entry=entry, reason="", by=demo.contractor, today=TODAY)
    reversal = services.ledger_reverse(entry=entry, reason="金额录入错误", by=demo.contractor, today=TODAY)
    assert (reversal.amount, reversal.cumulative_spent, reversal.reverses) == (Decimal("-30000"), Decimal("0"), entry)
    with pytest.raises(ValidationError, match="已冲销过"):
        services.ledger_reverse(entry=entry, reason="再次", by=demo.contractor, today=TODAY)
    with pytest.raises(ValidationError, match="不能再冲销"):
        services.ledger_reverse(entry=reversal, reason="x", by=demo.contractor, today=TODAY)
    entry.refresh_from_db()
    assert entry.amount == Decimal("30000")  # the original stays as it was
    assert flags_of(entry) == [] and flags_of(reversal) == []


def test_it_refuses_bad_entries_in_chinese(demo):
    with pytest.raises(ValidationError) as error:
        services.ledger_record(etown=demo.etown, contract=demo.other_etown.contracts.get(), entry_date=TODAY.replace(day=24),
                               payee=" ", summary="x", amount=Decimal("-1"), voucher_number="", by=demo.contractor,
                               task=demo.other_etown.tasks.first(), today=TODAY)
    assert error.value.message_dict == {
        "contract": ["只能选择本项目的合同。"], "task": ["只能选择本项目的建设任务。"],
        "amount": ["金额须大于 0；更正已登记的支出请使用“冲销”。"], "entry_date": ["支付日期不能晚于今天。"],
        "payee": ["请填写收款单位。"], "voucher_number": ["请填写记账凭证号。"],
    }
    assert not LedgerEntry.objects.exists()


def test_it_lets_only_the_etowns_contractor_record(demo):
    for user in (demo.contractor2, demo.office, demo.finance, demo.auditor):
        with pytest.raises(PermissionDenied):
            record(demo, by=user)
    assert not LedgerEntry.objects.exists()


def test_it_stores_the_invoice_image(demo):
    entry = record(demo, invoice="123", invoice_upload=png("发票.png"))
    assert entry.invoice_file.content_type == "image/png" and entry.invoice_file.etown == demo.etown
