"""The special-funds ledger (专账, 临猗资金办法第十五条、第十六条), its flags, the asset
register (第八条) and clawbacks / reductions (安泽办法第九条、第十八条)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from funds import services
from funds.models import AssetState, ClawbackBasis, ClawbackKind, LedgerEntry, RequestKind, RequestStatus
from funds.selectors import contract_position, entry_flags, ledger_entries, ledger_flag_counts

from .helpers import TODAY, advance, new_request, pdf, png

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


def paid(demo, amount):
    advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal(amount)), RequestStatus.DISBURSED)


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


# Assets -----------------------------------------------------------------------------


def test_it_registers_an_asset_and_records_its_state_at_inspections(demo):
    asset = services.asset_create(etown=demo.etown, by=demo.contractor, name="智能分拣线", value=Decimal("180000"),
                                  acquired_on=DAY, location="物流中心", ownership="临猗县人民政府", photo_upload=png())
    with pytest.raises(ValidationError, match="请写明核查情况"):
        services.asset_record_inspection(asset=asset, inspected_on=TODAY, state=AssetState.IDLE, by=demo.office, today=TODAY)
    services.asset_record_inspection(asset=asset, inspected_on=TODAY, state=AssetState.IDLE, note="设备未通电，闲置",
                                     by=demo.agency, today=TODAY)
    # An older inspection entered later does not overwrite the newer state.
    services.asset_record_inspection(asset=asset, inspected_on=DAY, state=AssetState.IN_USE, by=demo.office, today=TODAY)
    asset.refresh_from_db()
    assert (asset.state, asset.state_checked_on) == (AssetState.IDLE, TODAY)
    assert asset.inspections.count() == 2
    assert asset.history.first().history_change_reason == "2026-11-23 核查：闲置，设备未通电，闲置"
    for user in (demo.contractor, demo.contractor2, demo.finance, demo.auditor):
        with pytest.raises(PermissionDenied):
            services.asset_record_inspection(asset=asset, inspected_on=TODAY, state=AssetState.IN_USE, by=user, today=TODAY)


# Clawbacks and reductions -----------------------------------------------------------


def clawback(demo, kind, amount, by=None):
    return services.clawback_record(
        contract=demo.contract, kind=kind, amount=Decimal(amount), basis=ClawbackBasis.EVALUATION_FAILED,
        reason="中期评价不合格", decision_number="临乡村e镇领〔2026〕5号", decided_on=TODAY, by=by or demo.office,
        today=TODAY,
    )


def test_it_never_claws_back_more_than_was_paid_nor_reduces_below_it(demo):
    with pytest.raises(ValidationError, match="追回金额不能超过已拨付净额 0.00 元"):
        clawback(demo, ClawbackKind.CLAWBACK, "1")
    paid(demo, "1000000")
    clawback(demo, ClawbackKind.CLAWBACK, "600000")
    with pytest.raises(ValidationError, match="400,000.00"):
        clawback(demo, ClawbackKind.CLAWBACK, "400000.01")
    with pytest.raises(ValidationError, match="核减金额不能超过尚可拨付的 4,000,000.00 元"):
        clawback(demo, ClawbackKind.REDUCTION, "4000000.01")
    clawback(demo, ClawbackKind.REDUCTION, "4000000")
    position = contract_position(demo.contract)
    assert (position.remaining, position.net_disbursed, position.payable_now) == (0, Decimal("400000"), 0)


def test_it_lets_only_the_office_record_a_clawback(demo):
    paid(demo, "1000000")
    for user in (demo.contractor, demo.finance, demo.leader, demo.auditor):
        with pytest.raises(PermissionDenied):
            clawback(demo, ClawbackKind.CLAWBACK, "1", by=user)
