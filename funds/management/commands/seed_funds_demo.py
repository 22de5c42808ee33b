"""Demo data of the funds app on the demo county (DEBUG only; run after seed_demo): a
disbursed prepayment on 临猗新城涑水e镇, a progress payment waiting for the office, ledger
entries (one invoice number reused across contractors), assets. Every write goes through
the services; a second run changes nothing."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from etown.models import ETown
from funds import services
from funds.models import DisbursementRequest, MaterialKind, RequestKind
from funds.selectors.requests import available_stage_acceptances

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class Command(BaseCommand):
    help = "载入专项资金演示数据（仅限 DEBUG 模式，须先运行 seed_demo）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_funds_demo 只能在 DEBUG 模式下运行。")
        with transaction.atomic():
            created = seed()
        self.stdout.write(self.style.SUCCESS("专项资金演示数据已就绪" + ("（本次新建）" if created else "（已存在，未改动）")))


def _fresh(request):
    return DisbursementRequest.objects.get(pk=request.pk)


def seed():
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["office", "finance", "treasury", "leader", "contractor", "contractor2"])}
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    other = ETown.objects.get(name="临猗县电子商务进农村综合示范项目")
    if DisbursementRequest.objects.filter(etown=etown).exists():
        return False
    contract, tasks = etown.contracts.get(), list(etown.tasks.all())
    # A prepayment already through the chain (dates in the past: the notice is over).
    start = datetime.date(2026, 8, 3)
    pre = services.disbursement_create(
        contract=contract, kind=RequestKind.PREPAYMENT, amount=Decimal("1500000"), by=users["contractor"],
        purpose="按合同约定申请预付款，用于电商公共服务中心改造和物流配送中心建设启动。", tasks=tasks[5:8],
        materials=[(MaterialKind.APPLICATION_FORM, _pdf("资金申请表.pdf")), (MaterialKind.CONTRACT, _pdf("项目建设合同.pdf"))],
    )
    services.disbursement_submit(request=pre, by=users["contractor"], today=start)
    # Each step is given the request as it now stands (a stale copy is refused).
    for who, note in (("office", "材料齐全，同意上报。"), ("finance", "预算审核通过。"), ("leader", "同意提请常务会议审议。")):
        services.disbursement_approve(request=_fresh(pre), by=users[who], note=note, today=start)
    services.disbursement_record_meeting(request=pre, meeting_date=start, minutes_number="临政常纪〔2026〕15号",
                                         by=users["office"], today=start)
    services.disbursement_start_notice(request=pre, by=users["office"], start_date=start, today=start)
    paid = datetime.date(2026, 8, 12)
    services.disbursement_disburse(request=pre, disbursed_on=paid, amount=Decimal("1500000"), voucher_number="GK2026-0812-01",
                                   by=users["treasury"], today=paid)  # not the reviewer: 不相容岗位分离
    # A progress payment waiting for the office's review. It rests on the counted stage
    # acceptance the acceptance seeder walked through its chain (004 附件2 第十二条3); the
    # stage acceptance report is the portal's, not an upload.
    progress = services.disbursement_create(
        contract=contract, kind=RequestKind.PROGRESS, amount=Decimal("1200000"), by=users["contractor"],
        purpose="电商公共服务中心改造完成第一阶段，申请进度款。", tasks=tasks[5:6],
        materials=[(k, _pdf(f"{MaterialKind(k).label}.pdf")) for k in (
            MaterialKind.APPLICATION_FORM, MaterialKind.CONTRACT, MaterialKind.INVOICE, MaterialKind.PROGRESS)],
        stage_acceptance=available_stage_acceptances([contract.pk]).first(),
    )
    services.disbursement_submit(request=progress, by=users["contractor"])
    # Ledger: payments out of the prepayment; one invoice number used by both contractors.
    rows = [
        (datetime.date(2026, 8, 20), "临猗县宏达建筑装饰有限公司", "公共服务中心装修一期", "380000", tasks[5], "JZ-0820-01", "24142000000011520001"),
        (datetime.date(2026, 9, 5), "运城市顺通物流设备有限公司", "物流中心货架及分拣设备", "260000", tasks[7], "JZ-0905-02", "24142000000011520002"),
        (datetime.date(2026, 9, 18), "临猗县印务中心", "宣传册印刷", "12000", None, "JZ-0918-03", "24142000000011520003"),
        (datetime.date(2026, 10, 9), "山西云商信息技术有限公司", "公共服务平台软件", "95000", tasks[5], "JZ-1009-04", "24142000000011520009"),
    ]
    for day, payee, summary, amount, task, voucher, invoice in rows:
        services.ledger_record(etown=etown, contract=contract, entry_date=day, payee=payee, summary=summary,
                               amount=Decimal(amount), task=task, voucher_number=voucher, invoice_number=invoice,
                               by=users["contractor"])
    services.ledger_record(etown=other, contract=other.contracts.get(), entry_date=datetime.date(2026, 10, 12),
                           payee="山西云商信息技术有限公司", summary="站点管理系统", amount=Decimal("30000"),
                           task=other.tasks.first(), voucher_number="GX-1012-01", invoice_number="24142000000011520009",
                           by=users["contractor2"])
    services.asset_create(etown=etown, by=users["contractor"], name="智能分拣线", specification="FJ-2000",
                          value=Decimal("180000"), acquired_on=datetime.date(2026, 9, 5), location="物流仓储配送中心一层",
                          ownership="临猗县人民政府", task=tasks[7])
    services.asset_create(etown=etown, by=users["contractor"], name="直播设备套装", quantity=4, value=Decimal("48000"),
                          acquired_on=datetime.date(2026, 9, 20), location="电商公共服务中心直播间",
                          ownership="临猗县人民政府", task=tasks[5])
    return True
