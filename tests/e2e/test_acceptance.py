"""Browser test of acceptance (004 附件3; 附件2 第七条、第十七条): the contractor applies for
final acceptance, the office records the review with a failed item, the contractor
rectifies, the office closes the item and passes the rectification review, and the
retention (尾款) request then passes the gates acceptance feeds."""
import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from .conftest import login, logout

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf_file(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(PDF + b"%" + name.encode())
    return str(path)


def test_it_runs_final_acceptance_with_a_rectification_to_the_retention(page, e2e_demo, tmp_path, monkeypatch):
    """…and on through the conclusion chain (issue 12): the review group's opinion, the
    leading group's approval, the county government's review recorded by the office, the
    result notice of 5 working days, then the retention requested and paid."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from acceptance.models import AcceptanceApplication
    from etown.models import Contract, ETown
    from funds import services as funds_services
    from funds.models import DisbursementRequest

    etown = ETown.objects.get(name="临猗新城涑水e镇")
    today = datetime.date.today()

    # The contractor applies for final acceptance from the e-town page.
    login(page, "contractor")
    page.goto(page.base_url + etown.get_absolute_url())
    page.get_by_test_id("apply-acceptance").click()
    expect(page.get_by_test_id("due-preview")).to_contain_text("15 个工作日")
    page.select_option("#id_kind", "final")
    page.fill("#id_summary", "十三项建设任务已全部完成，公共服务中心和物流仓储配送中心已投入运营。")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("error-material_progress")).to_contain_text("请上传项目建设进度表")  # nothing saved
    # A final acceptance also needs 记账凭证、发票、合同 (附件3 第四条; issue 11).
    for field, name in [("expense_detail", "费用支出明细表.pdf"), ("progress", "项目建设进度表.pdf"),
                        ("evidence", "建设内容佐证材料.pdf"), ("results", "项目建设成效.pdf"),
                        ("voucher", "记账凭证.pdf"), ("invoice", "发票.pdf"), ("contract", "合同.pdf")]:
        page.set_input_files(f"#id_material_{field}", pdf_file(tmp_path, name))
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("application-status")).to_contain_text("待验收")
    expect(page.get_by_test_id("materials")).to_contain_text("项目建设进度表.pdf")
    application_url = page.url
    logout(page)

    # The office records the review: one target not met → not passed, with a deadline.
    login(page, "office")
    page.goto(application_url)
    page.get_by_test_id("record-review").click()
    page.get_by_label("现场检查", exact=True).check()
    page.get_by_label("查看材料", exact=True).check()
    page.get_by_label("临猗县财政局").check()
    page.get_by_label("临猗县农业农村局（乡村振兴局）").check()
    page.fill("#id_member_names", "王立新 县商务局 主任\n李晓芳 县财政局 股长")
    page.fill("#id_opinion", "建设内容基本完成，研发机构尚未引进到位。")
    page.get_by_label("不予通过").check()
    page.fill("#id_rectification_deadline", (today + datetime.timedelta(days=30)).isoformat())
    # Each row judged (issue 11: no "mark all as met"): the conditions met, a task or
    # target the record does not meet yet as an exception with its reason.
    for line in page.locator("tr[data-row]").all():
        select = line.locator("select")
        if select.input_value():
            continue  # suggested 达标 from the record
        if line.get_attribute("data-row").startswith("condition-"):
            select.select_option("met")
        else:
            select.select_option("exception")
            line.locator("input[type=text]").fill("经验收小组核实，按例外处理，报领导小组批准")
    row = page.locator("tr[data-row^='indicator-']", has_text="研发机构")
    row.locator("select").select_option("not_met")
    row.locator("input[type=number]").fill("0")
    row.locator("input[type=text]").fill("研发机构尚未引进，须引进设立1个电商研发机构")
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("application-status")).to_contain_text("整改中")
    items = page.get_by_test_id("review-items")
    expect(items).to_contain_text("研发机构")
    expect(page.get_by_test_id("report-pdf")).to_be_visible()  # the report PDF was generated
    logout(page)

    # The contractor answers the item with evidence.
    login(page, "contractor")
    page.goto(application_url)
    page.get_by_test_id("review-items").get_by_role("link").first.click()
    evidence = page.get_by_test_id("evidence-form")
    evidence.locator("textarea").fill("已与山西农业大学合作设立临猗电商研发中心，挂牌运营。")
    evidence.locator("input[type=file]").set_input_files(pdf_file(tmp_path, "研发中心挂牌照片.pdf"))
    evidence.locator("button[type=submit]").click()
    expect(page.get_by_test_id("item-status")).to_contain_text("待核验")
    logout(page)

    # The office verifies and closes it, then passes the rectification review.
    login(page, "office")
    page.goto(application_url)
    page.get_by_test_id("review-items").get_by_role("link").first.click()
    page.get_by_test_id("close-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("item-status")).to_contain_text("已销号")
    page.goto(application_url)
    page.get_by_test_id("record-review").click()
    expect(page.get_by_test_id("open-before")).to_contain_text("已全部销号")
    page.get_by_label("现场检查", exact=True).check()
    page.get_by_label("临猗县财政局").check()
    page.fill("#id_member_names", "王立新 县商务局 主任")
    page.fill("#id_opinion", "整改到位，同意通过终期验收。")
    page.get_by_label("通过验收").check()
    expect(page.locator("tr[data-row]")).to_have_count(1)  # only what was not met is re-judged
    # 达标 only on the record (issue 11): the monthly report's review recorded the institute.
    from etown.services import indicator_record_actual

    indicator_record_actual(indicator=etown.indicators.get(code="research_institutes"), value=1, as_of=today,
                            by=get_user_model().objects.get(username="office"), reason="月报审核：研发中心挂牌运营")
    page.locator("tr[data-row] select").select_option("met")
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("application-status")).to_contain_text("验收通过")
    # Issue 12: the review group's opinion does not count by itself (004 附件3 第八条（二）).
    expect(page.get_by_test_id("chain-stage")).to_contain_text("待领导小组审批")
    expect(page.get_by_test_id("final-passed")).to_have_count(0)
    contract = Contract.objects.get(etown=etown)
    assert contract.final_acceptance_passed_on is None
    # The office uploads the audit report a final acceptance needs (附件2 第十七条).
    page.get_by_test_id("upload-audit").click()
    page.set_input_files("#id_audit-file", pdf_file(tmp_path, "决算审计报告.pdf"))
    page.fill("#id_audit-issuer", "山西正信会计师事务所")
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("chain-audit")).to_contain_text("山西正信会计师事务所出具")
    expect(page.get_by_test_id("leader-form")).to_have_count(0)  # not the office's step
    logout(page)

    # The leading group approves the conclusion.
    login(page, "leader")
    page.goto(application_url)
    page.fill("#id_leader-note", "同意验收小组意见，报县政府审核。")
    page.get_by_test_id("leader-approve").click()
    expect(page.get_by_test_id("chain-leader")).to_contain_text("审批通过")
    expect(page.get_by_test_id("chain-stage")).to_contain_text("待县政府审核")
    logout(page)

    # The office records the county government's review; the result notice starts.
    login(page, "office")
    page.goto(application_url)
    page.fill("#id_gov-document_number", "临政审〔2026〕23号")
    page.get_by_test_id("record-government").click()
    expect(page.get_by_test_id("chain-government")).to_contain_text("临政审〔2026〕23号")
    expect(page.get_by_test_id("chain-stage")).to_contain_text("结果公示中")
    application = AcceptanceApplication.objects.select_related("result_notice").get(etown=etown)
    notice = application.result_notice
    assert notice.workdays == 5
    expect(page.get_by_test_id("notice-wait")).to_contain_text(f"{notice.end_date.month}月{notice.end_date.day}日")
    expect(page.get_by_test_id("confirm-result")).to_have_count(0)

    # The notice ends with no objection: the day after, the office confirms the result.
    after = notice.end_date + datetime.timedelta(days=1)
    real_localdate = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: after if value is None else real_localdate(value, tz))
    page.goto(application_url)
    page.get_by_test_id("confirm-result").click()
    expect(page.get_by_test_id("chain-stage")).to_contain_text("已生效")
    expect(page.get_by_test_id("final-passed")).to_be_visible()
    contract.refresh_from_db()
    assert contract.final_acceptance_passed_on == after
    expect(page.get_by_test_id("filing")).to_contain_text("待报备")
    logout(page)

    # The contractor asks for the retention: the gates acceptance feeds now pass.
    login(page, "contractor")
    page.goto(page.base_url + f"/funds/etowns/{etown.pk}/requests/new/")
    page.select_option("#id_kind", "retention")
    page.fill("#id_amount", str(contract.retention_amount))
    page.fill("#id_purpose", "终期验收通过，申请拨付10%尾款。")
    page.locator("input[name=tasks]").first.check()
    page.click("main form button[type=submit]")
    gates = page.get_by_test_id("gates")
    for key in ("retention", "hub:acceptance", "hub:acceptance_basis", "hub:evaluation"):
        expect(gates.get_by_test_id(f"gate-{key}")).to_contain_text("满足")
    expect(gates.get_by_test_id("gate-retention")).to_contain_text("终验已于")
    assert contract.retention_amount == Decimal("500000.00")
    # With the materials 临猗资金办法第十二条 asks for, no gate blocks and it can be submitted.
    for kind in ("application_form", "contract", "invoice", "progress"):
        form = page.get_by_test_id("material-form")
        form.locator("select").select_option(kind)
        form.locator("input[type=file]").set_input_files(pdf_file(tmp_path, f"{kind}.pdf"))
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id("materials")).to_contain_text(f"{kind}.pdf")
    expect(page.get_by_test_id("blocked")).to_have_count(0)
    page.get_by_test_id("act-submit").click()
    expect(page.get_by_test_id("request-status")).to_contain_text("待办公室审核")
    request_url = page.url

    # The rest of the disbursement chain (walked in the browser by tests/e2e/test_funds.py),
    # then the retention is paid after its own notice.
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["office", "finance", "leader", "treasury"])}
    retention = DisbursementRequest.objects.get(kind="retention")
    for who in ("office", "finance", "leader"):
        retention.refresh_from_db()
        funds_services.disbursement_approve(request=retention, by=users[who], today=after)
    funds_services.disbursement_record_meeting(request=retention, meeting_date=after, minutes_number="临政常纪〔2026〕30号",
                                               by=users["office"], today=after)
    funds_services.disbursement_start_notice(request=retention, by=users["office"], today=after)
    retention.refresh_from_db()
    paid_on = retention.notice.end_date + datetime.timedelta(days=1)
    funds_services.disbursement_disburse(request=retention, disbursed_on=paid_on, amount=retention.amount,
                                         voucher_number="GK2026-1230-01", by=users["treasury"], today=paid_on)
    page.goto(request_url)
    expect(page.get_by_test_id("request-status")).to_have_text("已拨付")


def feedback_list(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "反馈问题", "整改措施", "责任单位", "责任人", "整改时限"])
    ws.append([1, "电商公共服务中心运营主体不明确", "明确运营主体，制定运营方案", "县商务局、承办企业", "陈涛", "2026年12月31日"])
    ws.append([2, "网货产品开发数量不足", "新开发网货产品3款", "承办企业", "陈涛", "2026-12-31"])
    path = tmp_path / "中期评价反馈问题.xlsx"
    wb.save(path)
    return str(path)


def test_it_records_an_evaluation_that_holds_money_and_an_auditor_downloads_the_dossier(page, e2e_demo, tmp_path):
    import io
    import zipfile

    from openpyxl import load_workbook

    from etown.models import ETown

    etown = ETown.objects.get(name="临猗新城涑水e镇")

    # The office records a 基本合格 evaluation with its report and imports its feedback list.
    login(page, "office")
    page.goto(page.base_url + etown.get_absolute_url())
    page.get_by_role("link", name="录入中期评价").click()
    page.select_option("#id_evaluator_kind", "province")
    page.fill("#id_evaluator_name", "山西省商务厅")
    page.fill("#id_evaluated_on", "2026-11-02")
    page.fill("#id_score", "76.5")
    page.select_option("#id_result", "basic")
    page.set_input_files("#id_report", pdf_file(tmp_path, "中期绩效评价报告.pdf"))
    page.check("#id_publish")
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("evaluation-result")).to_contain_text("基本合格")
    expect(page.get_by_test_id("evaluation-gate")).to_contain_text("尚未登记评价提出的整改事项")
    page.get_by_role("link", name="Excel 导入").click()
    page.set_input_files("#id_file", feedback_list(tmp_path))
    page.click("main form button[type=submit]")
    expect(page.get_by_test_id("evaluation-items")).to_contain_text("网货产品开发数量不足")
    expect(page.get_by_test_id("evaluation-gate")).to_contain_text("尚有 2 项未销号")
    logout(page)

    # Funds now holds a progress payment at the evaluation gate.
    login(page, "contractor")
    page.goto(page.base_url + f"/funds/etowns/{etown.pk}/requests/new/")
    page.select_option("#id_kind", "progress")
    page.fill("#id_amount", "300000")
    page.fill("#id_purpose", "物流仓储配送中心改造进度款")
    page.locator("input[name=tasks]").first.check()
    page.click("main form button[type=submit]")
    gate = page.get_by_test_id("gates").get_by_test_id("gate-hub:evaluation")
    expect(gate).to_contain_text("不满足")
    expect(gate).to_contain_text("基本合格")
    logout(page)

    # An auditor builds the dossier and downloads it.
    login(page, "auditor")
    page.goto(page.base_url + etown.get_absolute_url())
    page.get_by_test_id("dossier-link").click()
    page.get_by_test_id("dossier-request").click()
    expect(page.get_by_test_id("dossier-table")).to_contain_text("已生成")
    with page.expect_download() as download_info:
        page.get_by_test_id("dossier-download").first.click()
    data = open(download_info.value.path(), "rb").read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        ws = load_workbook(io.BytesIO(archive.read("档案目录.xlsx")), read_only=True).active
        listed = [row[3] for row in ws.iter_rows(min_row=4, values_only=True)]
        assert set(listed) == set(archive.namelist()) - {"档案目录.xlsx"}
        assert any(name.endswith("中期绩效评价报告.pdf") for name in listed)
    expect(page.get_by_test_id("notification-bell")).to_contain_text("1")


def test_it_shows_the_contractor_its_application_at_phone_width(phone_page, e2e_demo):
    from acceptance.services import applications as services_acceptance
    from etown.models import ETown

    from ..acceptance.conftest import materials

    etown = ETown.objects.get(name="临猗新城涑水e镇")
    contractor = etown.contracts.get().contractor.group.user_set.get()
    services_acceptance.acceptance_apply(
        etown=etown, contract=etown.contracts.get(), kind="final", summary="已完成", materials=materials(), by=contractor,
    )
    login(phone_page, "contractor")
    phone_page.goto(phone_page.base_url + "/acceptance/")
    row = phone_page.get_by_test_id("application-table").locator("tbody tr").first
    expect(row).to_contain_text("待验收")
    expect(row.locator("td[data-label='验收期限']")).to_be_visible()
    row.get_by_role("link").click()
    expect(phone_page.get_by_test_id("application-status")).to_contain_text("待验收")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


def test_it_returns_a_conclusion_to_the_review_group_which_resubmits_it(page, e2e_demo):
    """Issue 12 (return path) and issue 11 (each exception approved on its own): the leading
    group refuses an exception and returns the opinion with its reason; the review group
    revises and resubmits; the leading group approves each exception, then the conclusion."""
    import types

    from django.contrib.auth import get_user_model

    from acceptance.models import AcceptanceApplication, ResultStage
    from etown.models import County, ETown
    from tests.acceptance.conftest import apply, pass_review

    User = get_user_model()
    today = datetime.date.today()
    etown = ETown.objects.get(name="临猗新城涑水e镇")
    demo = types.SimpleNamespace(
        office=User.objects.get(username="office"), leader=User.objects.get(username="leader"),
        contractor=User.objects.get(username="contractor"), linyi=County.objects.get(name="临猗县"), etown=etown,
        contract=etown.contracts.get(),
    )
    application = apply(demo, kind=AcceptanceApplication.Kind.STAGE, stage_name="电商公共服务中心改造完成", today=today)
    pass_review(demo, application, reviewed_on=today)  # tasks short of 100 % passed as exceptions
    url = page.base_url + application.get_absolute_url()

    login(page, "leader")
    page.goto(url)
    expect(page.get_by_test_id("chain-exceptions")).to_have_class(re.compile("text-override"))  # red
    expect(page.get_by_test_id("chain-exception-status").first).to_contain_text("待领导小组批准")
    first = page.get_by_test_id("exception-form").first
    first.get_by_label("不予批准", exact=True).check()
    first.locator("input[type=text]").fill("进度差距较大，须说明替代措施")
    first.get_by_test_id("exception-decide").click()
    expect(page.get_by_test_id("chain-exception-status").first).to_contain_text("领导小组不予批准")
    page.locator("summary", has_text="退回验收小组修改").click()
    page.fill("#id_return-reason", "例外项理由不充分，请补充替代措施后重新报送")
    page.get_by_test_id("leader-return").click()
    expect(page.get_by_test_id("chain-stage")).to_contain_text("已退回验收小组修改")
    expect(page.get_by_test_id("chain-returns")).to_contain_text("例外项理由不充分")
    expect(page.get_by_test_id("leader-form")).to_have_count(0)
    logout(page)

    login(page, "office")
    page.goto(url)
    page.fill("#id_resubmit-opinion", "阶段建设内容基本完成；未达标任务已落实替代措施，限期补齐。")
    page.fill("#id_resubmit-note", "补充例外项的替代措施")
    page.get_by_test_id("resubmit").click()
    expect(page.get_by_test_id("chain-stage")).to_contain_text("待领导小组审批")
    expect(page.get_by_test_id("chain-returns")).to_contain_text("重新报送：补充例外项的替代措施")
    logout(page)

    login(page, "leader")
    page.goto(url)
    forms = page.get_by_test_id("exception-form")
    for left in range(forms.count(), 0, -1):
        forms.first.get_by_label("批准", exact=True).check()
        forms.first.get_by_test_id("exception-decide").click()
        expect(forms).to_have_count(left - 1)
    expect(page.get_by_test_id("chain-exceptions")).not_to_contain_text("待领导小组批准")
    page.fill("#id_leader-note", "同意验收小组修改后的意见，报县政府审核。")
    page.get_by_test_id("leader-approve").click()
    expect(page.get_by_test_id("chain-stage")).to_contain_text("待县政府审核")
    application.refresh_from_db()
    assert application.result_stage == ResultStage.GOVERNMENT and "替代措施" in application.reviews.get().opinion
