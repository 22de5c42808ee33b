"""Browser test of the inspection-to-closure cycle on the demo county (issue 4):
office records an inspection with a finding → turns it into a rectification item → the
deadline passes → office issues a 督办函 and downloads its PDF → the contractor
acknowledges and submits evidence → office closes the item (销号)."""
import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.e2e.conftest import login, logout

pytestmark = pytest.mark.e2e
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_it_runs_an_inspection_to_closure_with_a_letter(page, e2e_demo, tmp_path):
    from etown.models import ETown
    from supervision.models import Rectification, SupervisionLetter

    etown = ETown.objects.get(name="临猗新城涑水e镇")
    base = page.base_url

    # 1. The office records an inspection with a finding, from the e-town page.
    login(page, "office")
    page.goto(f"{base}/etowns/{etown.pk}/")
    page.get_by_test_id("panel-inspections").get_by_role("link", name="记录检查").click()
    page.select_option("#id_category", "construction")
    page.get_by_label("实地考察").check()
    page.get_by_label("查看材料").check()
    page.select_option("#id_construction_result", "problem")
    page.fill("#id_construction_remarks", "物流仓储配送中心改造滞后")
    page.fill("#id_findings", "物流仓储配送中心500平方米改造尚未开工")
    page.get_by_role("button", name="保存检查记录").click()
    page.wait_for_url("**/supervision/inspections/*/")
    assert page.get_by_test_id("finding-1").inner_text().find("尚未开工") >= 0

    # 2. One step: the finding becomes a rectification item.
    page.get_by_test_id("rectify-toggle").click()
    form = page.get_by_test_id("rectify-form")
    form.locator("textarea[name=rectify-measures]").fill("6月底前完成改造")
    form.locator("input[name=rectify-persons]").fill("陈涛")
    form.get_by_role("button", name="登记整改事项并通知承办企业").click()
    page.wait_for_url("**/supervision/rectifications/*/")
    item = Rectification.objects.get()
    assert page.get_by_test_id("item-status").inner_text() == "待整改"

    # 3. The deadline passes (the clock moves: the item was due a week ago).
    week_ago = timezone.localdate() - datetime.timedelta(days=7)
    Rectification.objects.filter(pk=item.pk).update(deadline=week_ago, due_date=week_ago)
    page.reload()
    assert page.get_by_test_id("item-overdue").is_visible()

    # 4. The office drafts, issues and downloads the 督办函.
    page.get_by_test_id("escalate").click()
    page.wait_for_url("**/letters/new/**")
    assert page.get_by_test_id("choices-items").locator("input:checked").count() == 1
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_url("**/supervision/letters/*/")
    page.get_by_label("已预览并核对文书内容").check()
    page.get_by_test_id("letter-issue").click()
    page.wait_for_load_state()
    letter = SupervisionLetter.objects.get()
    assert letter.status == "issued"
    assert page.get_by_test_id("letter-number").inner_text() == letter.number
    page.reload()  # the PDF task ran after the commit
    with page.expect_download() as download:
        page.get_by_test_id("letter-pdf").click()
    saved = tmp_path / "letter.pdf"
    download.value.save_as(saved)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages).replace(" ", "")
    assert letter.number in text and "临猗县涑水电子商务运营有限公司：" in text
    logout(page)

    # 5. The contractor acknowledges the letter and answers with evidence.
    login(page, "contractor")
    page.goto(f"{base}/supervision/letters/")
    page.get_by_test_id("letter-table").get_by_role("link", name="查看").first.click()
    page.get_by_test_id("letter-acknowledge").click()
    assert "已签收" in page.get_by_test_id("letter-ack").inner_text()
    answer = page.get_by_test_id("answer-form")
    answer.locator("textarea[name=text]").fill("物流仓储配送中心已开工，附现场照片")
    evidence = tmp_path / "现场照片.png"
    evidence.write_bytes(PNG)
    answer.locator("input[type=file]").set_input_files(str(evidence))
    answer.get_by_role("button", name="提交答复").click()
    page.wait_for_load_state()
    item.refresh_from_db()
    assert item.status == "submitted" and item.responses.get().files.count() == 1
    logout(page)

    # 6. The office verifies and closes the item.
    login(page, "office")
    page.goto(f"{base}/supervision/rectifications/{item.pk}/")
    assert "现场照片.png" in page.get_by_test_id("responses").inner_text()
    page.get_by_test_id("close-form").get_by_role("button", name="核验通过，销号").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("item-status").inner_text() == "已销号"
    item.refresh_from_db()
    assert item.status == "closed" and item.escalation_level == 1
    # The ladder on the e-town page says who escalated when.
    page.goto(f"{base}/etowns/{etown.pk}/")
    ladder = page.get_by_test_id("ladder-table").inner_text()
    assert letter.number in ladder and "王立新" in ladder


def test_it_imports_a_feedback_list_and_refuses_a_bad_one_whole(page, e2e_demo, tmp_path):
    from openpyxl import Workbook

    from etown.models import ETown
    from supervision.models import Rectification

    etown = ETown.objects.get(name="临猗新城涑水e镇")

    def sheet(rows, name):
        wb = Workbook()
        ws = wb.active
        ws.append(["序号", "反馈问题", "整改措施", "责任单位", "责任人", "整改时限"])
        for row in rows:
            ws.append(row)
        path = tmp_path / name
        wb.save(path)
        return str(path)

    # Future deadlines: a list with past ones is held for confirmation (issue 15).
    good = [[i, f"问题{i}", "措施", "承办企业、县商务局", "陈涛", f"2099/12/{i}"] for i in range(1, 18)]
    bad = good[:5] + [[6, "问题6", "措施", "承办企业", "陈涛", "长期坚持"]]
    login(page, "office")
    page.goto(f"{page.base_url}/supervision/etowns/{etown.pk}/rectifications/import/")
    page.set_input_files("#id_file", sheet(bad, "bad.xlsx"))
    page.get_by_role("button", name="检查并导入").click()
    errors = page.get_by_test_id("import-errors").inner_text()
    assert "第 7 行" in errors and "长期坚持" in errors
    assert not Rectification.objects.exists()
    page.set_input_files("#id_file", sheet(good, "good.xlsx"))
    page.get_by_role("button", name="检查并导入").click()
    page.wait_for_url("**/rectifications/")
    assert Rectification.objects.filter(etown=etown).count() == 17
    assert page.get_by_test_id("ledger-table").locator("tbody tr").count() == 17
