"""Helpers for the funds tests (unit and browser): uploads, a hub without other apps'
checks, and driving a request along the chain."""
import contextlib
import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from etown.hub import Check, hub
from funds import services
from funds.models import MaterialKind, RequestKind, RequestStatus

TODAY = datetime.date(2026, 11, 23)  # a Monday; the 5-working-day notice ends on Friday 27th
AFTER_NOTICE = datetime.date(2026, 12, 1)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png(name="照片.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def materials_for(kind):
    kinds = {
        RequestKind.PREPAYMENT: [MaterialKind.APPLICATION_FORM, MaterialKind.CONTRACT],
        RequestKind.PROGRESS: [MaterialKind.APPLICATION_FORM, MaterialKind.CONTRACT, MaterialKind.INVOICE,
                               MaterialKind.PROGRESS],
        RequestKind.RETENTION: [MaterialKind.APPLICATION_FORM, MaterialKind.CONTRACT, MaterialKind.INVOICE,
                                MaterialKind.PROGRESS],
    }[kind]
    return [(k, pdf(f"{MaterialKind(k).label}.pdf")) for k in kinds]


@contextlib.contextmanager
def only_checks(*checks):
    """The hub with only ``checks`` in the "disbursement" group (other apps' checks are
    tested by those apps; here they would depend on their data)."""
    saved = list(hub.checks)
    hub.checks[:] = [c for c in saved if c.group != "disbursement"]
    for check in checks:
        hub.register_check(check)
    try:
        yield
    finally:
        hub.checks[:] = saved


def passing_check(key="test_pass", label="测试条件"):
    return Check(group="disbursement", key=key, label=label, func=lambda etown, **ctx: (True, "满足"))


def new_request(demo, *, kind=RequestKind.PROGRESS, amount=Decimal("1000000"), contract=None, by=None, materials=True,
                stage_acceptance=None):
    contract = contract or demo.contract
    return services.disbursement_create(
        contract=contract, kind=kind, amount=Decimal(amount), purpose="物流配送中心改造升级进度款",
        tasks=list(contract.etown.tasks.all()[:2]), by=by or demo.contractor,
        materials=materials_for(kind) if materials else (), stage_acceptance=stage_acceptance,
    )


def advance(demo, request, to, *, today=TODAY, paid_on=AFTER_NOTICE):
    """Drive ``request`` along the chain with the demo personas until ``to``."""
    S = RequestStatus
    while True:
        request.refresh_from_db()
        if request.status == to:
            return request
        status = request.status
        if status in (S.DRAFT, S.RETURNED):
            services.disbursement_submit(request=request, by=demo.contractor, today=today)
        elif status == S.SUBMITTED:
            services.disbursement_approve(request=request, by=demo.office, today=today)
        elif status == S.OFFICE_APPROVED:
            services.disbursement_approve(request=request, by=demo.finance, today=today)
        elif status == S.DEPARTMENT_APPROVED:
            services.disbursement_approve(request=request, by=demo.leader, today=today)
        elif status == S.LEADER_APPROVED:
            services.disbursement_record_meeting(request=request, meeting_date=today, minutes_number="〔2026〕12号",
                                                 by=demo.office, today=today)
        elif status == S.MEETING_PASSED:
            services.disbursement_start_notice(request=request, by=demo.office, today=today)
        elif status == S.IN_NOTICE:
            services.disbursement_disburse(request=request, disbursed_on=paid_on, amount=request.amount,
                                           voucher_number=f"GK{request.pk:04d}", by=demo.treasury, today=paid_on)
        else:
            raise AssertionError(f"cannot advance from {status} to {to}")


def fill(demo, n):
    """``n`` requests, ledger entries (every 7th invoice number reused, every other on
    no task) and assets: rows for the query-count tests."""
    for i in range(n):
        new_request(demo, amount=Decimal("10"), materials=False)
        services.ledger_record(etown=demo.etown, contract=demo.contract, entry_date=TODAY, payee="x", summary="y",
                               amount=Decimal("10"), voucher_number="v", invoice_number=f"I{i % 7}", by=demo.contractor,
                               task=demo.etown.tasks.first() if i % 2 else None, today=TODAY)
        services.asset_create(etown=demo.etown, by=demo.contractor, name=f"设备{i}", value=Decimal("1"), acquired_on=TODAY,
                              location="中心", ownership="县政府", task=demo.etown.tasks.first())


def paid(demo, amount):
    """A prepayment of ``amount`` driven along the chain until it is paid."""
    advance(demo, new_request(demo, kind=RequestKind.PREPAYMENT, amount=Decimal(amount)), RequestStatus.DISBURSED)
