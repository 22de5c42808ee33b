"""Funds' part of the living demo county (issue 15), on top of seed_funds_demo (the
flagship's prepayment and progress payment), in two seeders that funds.hooks registers:

- ``seed_funds_early`` (before supervision's demo): the prepayment of
  临猗县电子商务进农村综合示范项目, a first request returned for its materials and
  withdrawn, then a second one through the whole chain to disbursement, months ago
  (004 附件2 第六条、第十二条). Run first so that what supervision's demo sends back later
  has money to claw back.
- ``seed_funds_late`` (after the other apps): the clawback the office confirmed from the
  proposal a failed verification made (安泽办法 002 第九条 整改不到位; 临猗资金办法第十六条),
  a progress payment kept as a draft until its stage acceptance counts, an extension
  approved by the leading group (临猗资金办法第十条; it moves the contract's term and the
  project's planned completion), a change request of the flagship waiting for the leading
  group (第九条), and ledger entries and assets of the second project.

Every write goes through funds' services as the person who does it; a second run
changes nothing."""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from etown.models import ETown
from etown.workdays import WorkCalendar

from . import services
from .services.clawbacks import clawback_proposal_confirm
from .models import (
    Asset,
    ChangeKind,
    ChangeRequest,
    ClawbackProposal,
    ProposalStatus,
    DisbursementRequest,
    MaterialKind,
    RequestKind,
    RequestStatus,
)

FLAGSHIP = "临猗新城涑水e镇"
TROUBLED = "临猗县电子商务进农村综合示范项目"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
S = RequestStatus


def _pdf(name):
    return SimpleUploadedFile(name, PDF + b"%" + name.encode(), content_type="application/pdf")


def _users():
    names = ["office", "finance", "treasury", "leader", "contractor", "contractor2"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    return users if len(users) == len(names) else None


def _workday_back(calendar, day):
    while not calendar.is_workday(day):
        day -= datetime.timedelta(days=1)
    return day


def _walk_to_disbursed(request, users, *, day, paid_on, voucher):
    """Each step of the county's chain by whoever takes it, on ``day``; paid on ``paid_on``."""
    for _ in range(10):
        request = DisbursementRequest.objects.get(pk=request.pk)  # a stale copy is refused
        status = request.status
        if status == S.DISBURSED:
            return request
        if status in (S.SUBMITTED, S.OFFICE_APPROVED, S.DEPARTMENT_APPROVED):
            who = {S.SUBMITTED: "office", S.OFFICE_APPROVED: "finance", S.DEPARTMENT_APPROVED: "leader"}[status]
            services.disbursement_approve(request=request, by=users[who], note="同意。", today=day)
        elif status == S.LEADER_APPROVED:
            services.disbursement_record_meeting(request=request, meeting_date=day, minutes_number="临政常纪〔2026〕12号",
                                                 by=users["office"], today=day)
        elif status == S.MEETING_PASSED:
            services.disbursement_start_notice(request=request, by=users["office"], start_date=day, today=day)
        elif status == S.IN_NOTICE:
            services.disbursement_disburse(request=request, disbursed_on=paid_on, amount=request.amount,
                                           voucher_number=voucher, by=users["treasury"], today=paid_on)
        else:
            raise RuntimeError(f"demo request stuck at {status}")
    return request


def seed_funds_early(system=None, today=None):
    users = _users()
    etown = ETown.objects.filter(name=TROUBLED).first()
    if users is None or etown is None or DisbursementRequest.objects.filter(etown=etown).exists():
        return False
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    contract, tasks = etown.contracts.get(), list(etown.tasks.all())
    contractor = users["contractor2"]
    amount = (contract.amount * contract.prepayment_ratio / 100).quantize(Decimal("0.01"))
    purpose = "按合同约定申请预付款，用于县级共同配送中心设备采购和村级站点升级启动。"
    first_day = _workday_back(calendar, today - datetime.timedelta(days=125))
    first = services.disbursement_create(
        contract=contract, kind=RequestKind.PREPAYMENT, amount=amount, by=contractor, purpose=purpose, tasks=tasks[:2],
        materials=[(MaterialKind.APPLICATION_FORM, _pdf("资金申请表.pdf")), (MaterialKind.CONTRACT, _pdf("合同.pdf"))],
    )
    services.disbursement_submit(request=first, by=contractor, today=first_day)
    services.disbursement_return(request=DisbursementRequest.objects.get(pk=first.pk), by=users["office"],
                                 reason="申请表未加盖公章，合同扫描件缺少签字页。")
    services.disbursement_withdraw(request=DisbursementRequest.objects.get(pk=first.pk), by=contractor,
                                   reason="材料重新整理后另行申请。")
    day = _workday_back(calendar, today - datetime.timedelta(days=115))
    second = services.disbursement_create(
        contract=contract, kind=RequestKind.PREPAYMENT, amount=amount, by=contractor, purpose=purpose, tasks=tasks[:2],
        materials=[(MaterialKind.APPLICATION_FORM, _pdf("资金申请表（盖章）.pdf")),
                   (MaterialKind.CONTRACT, _pdf("项目建设合同.pdf"))],
    )
    services.disbursement_submit(request=second, by=contractor, today=day)
    paid_on = calendar.add_workdays(day, 8)
    _walk_to_disbursed(second, users, day=day, paid_on=paid_on, voucher="GK2026-SF-01")
    return True


def seed_funds_late(system=None, today=None):
    users = _users()
    etowns = {e.name: e for e in ETown.objects.filter(name__in=[FLAGSHIP, TROUBLED])}
    if users is None or len(etowns) < 2:
        return False
    today = today or timezone.localdate()
    calendar = WorkCalendar()
    troubled, flagship = etowns[TROUBLED], etowns[FLAGSHIP]
    contract = troubled.contracts.get()
    created = False
    proposal = ClawbackProposal.objects.filter(etown=troubled, status=ProposalStatus.PROPOSED).first()
    if proposal is not None and not ClawbackProposal.objects.filter(etown=troubled).exclude(
            status=ProposalStatus.PROPOSED).exists():
        clawback_proposal_confirm(
            proposal=proposal, amount=Decimal("90000"), decision_number="临乡村e镇办〔2026〕31号", by=users["office"],
            decided_on=_workday_back(calendar, today - datetime.timedelta(days=6)), today=today,
        )
        created = True
    if not DisbursementRequest.objects.filter(etown=troubled, kind=RequestKind.PROGRESS).exists():
        services.disbursement_create(
            contract=contract, kind=RequestKind.PROGRESS, amount=Decimal("600000"), by=users["contractor2"],
            purpose="县乡村三级物流共同配送体系第一阶段建成，待阶段验收结论生效后申请进度款。",
            tasks=list(troubled.tasks.all()[:1]),
            materials=[(MaterialKind.APPLICATION_FORM, _pdf("资金申请表.pdf")), (MaterialKind.PROGRESS, _pdf("进度表.pdf"))],
        )
        created = True
    if not ChangeRequest.objects.filter(etown=troubled, kind=ChangeKind.EXTENSION).exists() and contract.term_end:
        new_end = contract.term_end + datetime.timedelta(days=92)
        change = services.change_create(
            contract=contract, kind=ChangeKind.EXTENSION, by=users["contractor2"], new_term_end=new_end,
            title="县乡村三级物流体系建设合同延期", today=today,
            content=f"申请将合同竣工时间由 {contract.term_end:%Y年%-m月%-d日} 延至 {new_end:%Y年%-m月%-d日}。",
            reason="冬季低温影响村级站点土建施工，分拣设备供货延迟。",
            application_upload=_pdf("延期申请.pdf"),
        )
        services.change_submit(change=change, by=users["contractor2"], today=today)
        services.change_approve(change=ChangeRequest.objects.get(pk=change.pk), by=users["office"], note="情况属实，同意上报。")
        services.change_approve(change=ChangeRequest.objects.get(pk=change.pk), by=users["leader"], note="同意延期。")
        created = True
    if not ChangeRequest.objects.filter(etown=flagship, kind=ChangeKind.CHANGE).exists():
        change = services.change_create(
            contract=flagship.contracts.get(), kind=ChangeKind.CHANGE, by=users["contractor"], today=today,
            title="电商公共服务中心直播间建设内容调整",
            content="将原计划的 2 间大型直播间调整为 4 间标准直播间，总投资不变。",
            reason="入驻商户以小型农产品店铺为主，标准直播间更符合使用需求。",
            application_upload=_pdf("变更申请.pdf"),
        )
        services.change_submit(change=change, by=users["contractor"], today=today)
        services.change_approve(change=ChangeRequest.objects.get(pk=change.pk), by=users["office"], note="同意，报领导小组审批。")
        created = True
    if not Asset.objects.filter(etown=troubled).exists():
        tasks = list(troubled.tasks.all())
        services.ledger_record(
            etown=troubled, contract=contract, entry_date=_workday_back(calendar, today - datetime.timedelta(days=60)),
            payee="运城市顺通物流设备有限公司", summary="共同配送中心分拣线（第一条）", amount=Decimal("210000"),
            task=tasks[0], voucher_number="GX-0930-02", invoice_number="24142000000011521107", by=users["contractor2"],
        )
        services.asset_create(
            etown=troubled, by=users["contractor2"], name="自动分拣线", specification="FJ-1200", value=Decimal("210000"),
            acquired_on=_workday_back(calendar, today - datetime.timedelta(days=60)), location="县级共同配送中心",
            ownership="临猗县人民政府", task=tasks[0],
        )
        services.asset_create(
            etown=troubled, by=users["contractor2"], name="村级服务站点终端", quantity=12, value=Decimal("66000"),
            acquired_on=_workday_back(calendar, today - datetime.timedelta(days=40)), location="12 个村级电商服务站点",
            ownership="临猗县人民政府", task=tasks[1] if len(tasks) > 1 else tasks[0],
        )
        created = True
    return created
