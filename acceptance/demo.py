"""Demo data of the acceptance app on the demo county (run by ``manage.py seed_demo``
through the seeder acceptance.hooks registers, before funds' seeder): a stage acceptance
of 临猗新城涑水e镇 walked through the whole conclusion chain — the review group's passed
opinion, the leading group's approval, the county government's review and a result
notice of 5 working days that ended without objection — so that it counts and the demo
progress payment rests on it (004 附件3 第五条（一）、第八条（二）; 附件2 第十二条3).

Every write goes through the services, with dates in the past; a second run changes
nothing."""
import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from etown.models import ETown, Organization

from .models import AcceptanceApplication, ApplicationMaterial, ChecklistItem, ReviewMethod
from .selectors.applications import build_rows
from .services import applications as application_services
from .services import conclusions

ETOWN = "临猗新城涑水e镇"
STAGE_NAME = "电商公共服务中心改造（第一阶段）完成"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

APPLIED = datetime.date(2026, 10, 12)  # Monday
REVIEWED = datetime.date(2026, 10, 23)
LEADER = datetime.date(2026, 10, 26)
GOVERNMENT = datetime.date(2026, 10, 27)  # the notice runs 27 Oct – 2 Nov (5 working days)
COUNTED = datetime.date(2026, 11, 4)


def _pdf(name):
    return SimpleUploadedFile(name, PDF + b"%" + name.encode(), content_type="application/pdf")


def _judged(etown):
    """Only what this stage covers and was found met is judged 达标; the rest is 本阶段不涉及."""
    rows = build_rows(etown)
    for row in rows:
        met = row.get("suggested") == ChecklistItem.Judgement.MET or row["key"] == "condition-operation"
        row["judgement"] = ChecklistItem.Judgement.MET if met else ChecklistItem.Judgement.NOT_APPLICABLE
        row["remark"] = "" if met else "本阶段不涉及，终期验收时核查"
    return rows


def seed_stage_acceptance(system=None):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["office", "leader", "contractor"])}
    etown = ETown.objects.filter(name=ETOWN).select_related("county").first()
    if etown is None or len(users) < 3:
        return False
    if AcceptanceApplication.objects.filter(etown=etown, kind=AcceptanceApplication.Kind.STAGE).exists():
        return False
    contract = etown.contracts.get()
    materials = {c: [_pdf(f"{ApplicationMaterial.Category(c).label}.pdf")] for c in ApplicationMaterial.REQUIRED}
    application = application_services.acceptance_apply(
        etown=etown, contract=contract, kind=AcceptanceApplication.Kind.STAGE, stage_name=STAGE_NAME,
        summary="电商公共服务中心一层展销区、直播间和公共服务平台改造完成并投入试运营。", materials=materials,
        by=users["contractor"], today=APPLIED,
    )
    departments = Organization.objects.filter(county=etown.county, kind=Organization.Kind.DEPARTMENT)
    application_services.acceptance_review_record(
        application=application, by=users["office"], reviewed_on=REVIEWED,
        methods=[ReviewMethod.SITE, ReviewMethod.REPORT, ReviewMethod.MATERIALS],
        lead_unit=departments.get(name="临猗县商务局"),
        member_units=[departments.get(name="临猗县财政局"), departments.get(name="临猗县农业农村局（乡村振兴局）")],
        observer=departments.filter(name="临猗县审计局").first(),
        member_names="王立新 县商务局 主任\n李晓芳 县财政局 股长",
        opinion="第一阶段改造内容已按方案完成，展销区、直播间投入试运营，资料齐全，同意通过阶段验收。",
        conclusion="passed", checklist=_judged(etown), today=REVIEWED,
    )
    conclusions.acceptance_leader_approve(application=application, by=users["leader"],
                                          note="同意验收小组意见，报县政府审核。", today=LEADER)
    conclusions.acceptance_record_government_review(
        application=application, by=users["office"], reviewed_on=GOVERNMENT, document_number="临政审〔2026〕19号",
        notice_start=GOVERNMENT, today=GOVERNMENT,
    )
    conclusions.acceptance_confirm_result(application=application, by=users["office"], today=COUNTED)
    return True
