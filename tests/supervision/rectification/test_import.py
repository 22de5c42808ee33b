"""Importing a feedback list (反馈问题清单) from Excel: every row checked first, all or
nothing, dates in the forms offices write, several units or persons in one cell.

A real county's mid-term evaluation list has 17 problems with deadlines days apart
(DESIGN.md, acceptance/Evaluation); the rows below follow that shape.
"""
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from supervision.models import Rectification
from supervision.services.rectification_import import parse_deadline, read_feedback_rows, split_names
from supervision.services.rectification import rectifications_import

D = datetime.date
HEADERS = ["序号", "反馈问题", "整改措施", "责任单位", "责任人", "整改时限"]
PROBLEMS = [
    "电商公共服务中心功能分区不清晰", "物流仓储配送中心改造进度滞后", "跨境电商培训人次未达进度要求",
    "区域公用品牌推广不足", "网货产品开发数量不足", "商业带头人孵化台账不完整", "专项资金专账凭证不全",
    "资产台账未及时更新", "电商统计监测制度未建立", "研发机构引进未落实", "宣传推广活动记录缺失",
    "服务站点运营数据不实", "冷链设施闲置", "培训效果跟踪缺失", "招商引资项目未签约", "品牌展会未参加",
    "项目档案未分类归档", "直播基地使用率低", "网络零售额统计口径不一", "就业带动数据缺佐证",
]


def workbook_bytes(rows, *, title=None, merge=None, headers=HEADERS):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(content, name="整改清单.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def good_rows(n=20):
    return [
        [i, PROBLEMS[i - 1], f"措施{i}", "承办企业、县商务局" if i % 2 else "承办企业，县财政局", "陈涛、王立新", f"2023年10月{i + 5}日"]
        for i in range(1, n + 1)
    ]


# Dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("2023年10月15日", D(2023, 10, 15)),
    ("2023年10月5号", D(2023, 10, 5)),
    ("2023-10-15", D(2023, 10, 15)),
    ("2023/10/15", D(2023, 10, 15)),
    ("2023.10.15", D(2023, 10, 15)),
    ("2023 / 10 / 15", D(2023, 10, 15)),
    ("２０２３／１０／１５", D(2023, 10, 15)),  # full-width, as typed with a Chinese IME
    ("2023年10月15日前", D(2023, 10, 15)),
    ("2023年10月底", D(2023, 10, 31)),
    ("2023年10月", D(2023, 10, 31)),
])
def test_it_reads_the_date_forms_offices_write(text, expected):
    assert parse_deadline(text) == expected


def test_it_reads_month_ends_and_month_days_of_a_given_year():
    assert parse_deadline("10月底", year=2023) == D(2023, 10, 31)
    assert parse_deadline("2月底", year=2024) == D(2024, 2, 29)
    assert parse_deadline("11月末", year=2023) == D(2023, 11, 30)
    assert parse_deadline("12月20日", year=2023) == D(2023, 12, 20)


def test_it_reads_excel_date_cells_and_serial_numbers():
    assert parse_deadline(datetime.datetime(2023, 10, 15, 0, 0)) == D(2023, 10, 15)
    assert parse_deadline(D(2023, 10, 15)) == D(2023, 10, 15)
    assert parse_deadline(45214) == D(2023, 10, 15)  # a date typed into a number-formatted cell


@pytest.mark.parametrize("value, message", [
    ("10月底", "没有年份"),
    ("长期坚持", "无法识别"),
    ("立行立改", "无法识别"),
    ("2023-02-30", "不是有效日期"),
    ("2023年13月1日", "不是有效日期"),
    ("", "整改时限为空"),
    (None, "整改时限为空"),
    (12, "不是日期"),
])
def test_it_explains_a_deadline_it_cannot_read(value, message):
    with pytest.raises(ValidationError) as error:
        parse_deadline(value)
    assert message in error.value.messages[0]


def test_it_splits_units_and_persons_on_the_chinese_separators():
    assert split_names("县商务局、承办企业，县财政局") == ["县商务局", "承办企业", "县财政局"]
    assert split_names("张三,李四;王五\n赵六") == ["张三", "李四", "王五", "赵六"]
    assert split_names(" 、 ") == [] and split_names(None) == []


# Whole files --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_a_good_file_of_twenty_rows(demo):
    content = workbook_bytes(good_rows(20), title="临猗新城涑水e镇中期绩效评价反馈问题整改清单")
    items = rectifications_import(etown=demo.etown, fileobj=io.BytesIO(content), source="evaluation", by=demo.office)
    assert len(items) == 20 == Rectification.objects.filter(etown=demo.etown).count()
    first = Rectification.objects.get(ref="1")
    assert first.problem == PROBLEMS[0] and first.measures == "措施1"
    assert first.unit_list == ["承办企业", "县商务局"] and first.person_list == ["陈涛", "王立新"]
    assert first.deadline == D(2023, 10, 6) and first.source == "evaluation" and first.created_by == demo.office
    assert Rectification.objects.get(ref="2").unit_list == ["承办企业", "县财政局"]
    assert first.history.get().history_change_reason == "由整改清单导入"


@pytest.mark.django_db
def test_it_fills_merged_cells_and_skips_blank_rows(demo):
    rows = good_rows(4)
    rows[1][3] = None
    rows.insert(2, [None, None, None, None, None, None])
    # 责任单位 merged over the first two items and the blank row after them (sheet rows 2-4).
    content = workbook_bytes(rows, merge="D2:D4")
    items = rectifications_import(etown=demo.etown, fileobj=io.BytesIO(content), source="evaluation", by=demo.office)
    assert len(items) == 4
    assert [i.units for i in items[:2]] == ["承办企业、县商务局"] * 2


@pytest.mark.django_db
@pytest.mark.parametrize("field, value, message", [
    (1, "", "第 4 行：反馈问题为空。"),
    (3, " ", "第 4 行：责任单位为空。"),
    (5, "长期坚持", "第 4 行：整改时限“长期坚持”无法识别"),
    (5, "10月底", "第 4 行：整改时限“10月底”没有年份"),
    (5, "2023-02-30", "第 4 行：整改时限“2023-02-30”不是有效日期"),
    (5, None, "第 4 行：整改时限为空。"),
])
def test_it_rejects_the_whole_file_for_one_bad_row(demo, field, value, message):
    rows = good_rows(5)
    rows[2][field] = value  # the third data row is sheet row 4
    with pytest.raises(ValidationError) as error:
        rectifications_import(etown=demo.etown, fileobj=io.BytesIO(workbook_bytes(rows)), source="evaluation",
                              by=demo.office)
    assert len(error.value.messages) == 1
    assert error.value.messages[0].startswith(message)
    assert not Rectification.objects.exists()


@pytest.mark.django_db
def test_it_names_every_bad_row_at_once(demo):
    rows = good_rows(6)
    rows[0][1] = ""
    rows[3][5] = "明年"
    rows[3][3] = ""
    with pytest.raises(ValidationError) as error:
        rectifications_import(etown=demo.etown, fileobj=io.BytesIO(workbook_bytes(rows)), source="audit", by=demo.office)
    assert error.value.messages == [
        "第 2 行：反馈问题为空。",
        "第 5 行：责任单位为空；整改时限“明年”无法识别：请写成 2023年10月15日、2023-10-15、2023/10/15 或 10月底。",
    ]
    assert not Rectification.objects.exists()


@pytest.mark.django_db
def test_it_explains_a_file_without_the_columns_or_not_excel_at_all(demo):
    no_header = workbook_bytes([["a", "b"]], headers=["名称", "说明"])
    with pytest.raises(ValidationError, match="未找到表头"):
        read_feedback_rows(io.BytesIO(no_header))
    missing_deadline = workbook_bytes([[1, "问题", "措施", "单位"]], headers=["序号", "反馈问题", "整改措施", "责任单位"])
    with pytest.raises(ValidationError, match="缺少列：整改时限"):
        read_feedback_rows(io.BytesIO(missing_deadline))
    with pytest.raises(ValidationError, match="无法读取该文件"):
        read_feedback_rows(io.BytesIO(b"\xe5\xba\x8f\xe5\x8f\xb7,\xe9\x97\xae\xe9\xa2\x98\n1,x\n"))
    with pytest.raises(ValidationError, match="没有整改事项"):
        read_feedback_rows(io.BytesIO(workbook_bytes([])))


# The command ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_from_the_command_line(demo, tmp_path):
    path = tmp_path / "清单.xlsx"
    path.write_bytes(workbook_bytes(good_rows(17)))
    out = io.StringIO()
    call_command("import_rectifications", str(demo.etown.pk), str(path), stdout=out)
    assert "导入 17 项整改事项（操作人：office）" in out.getvalue()  # the county office's head by default
    assert Rectification.objects.filter(etown=demo.etown, source="evaluation", created_by=demo.office).count() == 17


@pytest.mark.django_db
def test_it_refuses_a_bad_file_from_the_command_line_and_imports_nothing(demo, tmp_path):
    rows = good_rows(3)
    rows.append([4, "新增问题", "措施", "承办企业", "陈涛", "10月底"])
    path = tmp_path / "清单.xlsx"
    path.write_bytes(workbook_bytes(rows))
    with pytest.raises(CommandError) as error:
        call_command("import_rectifications", str(demo.etown.pk), str(path))
    assert "第 5 行：整改时限“10月底”没有年份" in str(error.value)
    assert not Rectification.objects.exists()
    call_command("import_rectifications", str(demo.etown.pk), str(path), "--year", "2023", "--source", "audit",
                 "--user", "office", stdout=io.StringIO())
    assert Rectification.objects.get(ref="4").deadline == D(2023, 10, 31)
    with pytest.raises(CommandError, match="不存在"):
        call_command("import_rectifications", "999999", str(path))


# The page ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_imports_from_the_page_and_lists_bad_rows_when_refused(demo, client_for):
    c = client_for(demo.office)
    url = f"/supervision/etowns/{demo.etown.pk}/rectifications/import/"
    assert c.get(url).status_code == 200
    rows = good_rows(3)
    rows[1][1] = ""
    response = c.post(url, {"file": upload(workbook_bytes(rows)), "source": "evaluation", "year": 2023})
    assert response.status_code == 200
    assert "文件未导入" in response.content.decode() and "第 3 行：反馈问题为空。" in response.content.decode()
    assert not Rectification.objects.exists()
    # The 2023 deadlines are past: the page imports them only once confirmed (issue 15,
    # tests/supervision/rectification/test_import_ledger_page.py).
    response = c.post(url, {"file": upload(workbook_bytes(good_rows(3))), "source": "evaluation", "year": 2023,
                            "confirm_past": "on"})
    assert response.status_code == 302 and response["Location"].endswith(f"/etowns/{demo.etown.pk}/rectifications/")
    assert Rectification.objects.filter(etown=demo.etown).count() == 3


@pytest.mark.django_db
def test_it_refuses_a_non_excel_upload_on_the_page(demo, client_for):
    c = client_for(demo.office)
    fake = SimpleUploadedFile("清单.xlsx", b"%PDF-1.4 not a workbook", content_type="application/pdf")
    response = c.post(f"/supervision/etowns/{demo.etown.pk}/rectifications/import/",
                      {"file": fake, "source": "evaluation", "year": 2023})
    assert response.status_code == 200 and "文件类型不符" in response.content.decode()
    assert not Rectification.objects.exists()


@pytest.mark.django_db
def test_it_keeps_the_import_to_the_office(demo, client_for):
    url = f"/supervision/etowns/{demo.etown.pk}/rectifications/import/"
    for who in ("contractor", "finance", "auditor", "agency"):
        assert client_for(getattr(demo, who)).get(url).status_code == 403
    assert client_for(demo.contractor2).get(url).status_code == 404
    response = client_for(demo.contractor).post(url, {"file": upload(workbook_bytes(good_rows(2))), "source": "audit",
                                                      "year": 2023})
    assert response.status_code == 403 and not Rectification.objects.exists()


@pytest.mark.django_db
def test_it_offers_a_template_that_imports_as_it_is(demo, client_for):
    response = client_for(demo.contractor).get("/supervision/rectifications/template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    items = rectifications_import(etown=demo.etown, fileobj=io.BytesIO(content), source="evaluation", by=demo.office,
                                  year=2026)
    assert [i.deadline for i in items] == [D(2026, 10, 15), D(2026, 10, 31)]
