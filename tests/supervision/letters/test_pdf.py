"""The 督办函 PDF: GB/T 9704-2012 letter format (DESIGN.md "Official documents").

The text is read back with pypdf (number, addressee, deadline present; no replacement
glyph), the fonts embedded are the ones the stylesheet names, and one page is rendered
to PNG with pdftoppm to check where the red is: the authority's name and the double
rule at the top, the second rule 20 mm from the bottom.
"""
import datetime
import io
import shutil
import subprocess

import pytest
from django.utils import timezone
from pypdf import PdfReader

from supervision.exports.letters import chinese_ordinal, letter_pdf_bytes, title_lines
from supervision.models import SupervisionLetter
from etown.documents import issuer_size_class, official_date, signature_offsets, uncovered_characters
from supervision.services.letters import letter_draft, letter_issue, letter_update
from supervision.services.rectification import rectification_create

TODAY = timezone.localdate()
D = datetime.timedelta
TOFU = {"\ufffd", "\u25a1", "\u25af"}  # replacement character, white square, rectangle


@pytest.fixture
def letter(demo, django_capture_on_commit_callbacks):
    items = [
        rectification_create(etown=demo.etown, source="evaluation", problem=problem, measures=measures,
                             units=["临猗县涑水电子商务运营有限公司", "临猗县商务局"], persons=["陈涛"],
                             deadline=TODAY - D(days=3), by=demo.office)
        for problem, measures in [
            ("电商公共服务中心2000平方米改造仅完成约60%，进度滞后。", "倒排工期，增加施工力量。"),
            ("专项资金专账记账凭证不完整，部分支出无发票。", "补齐凭证，规范专账管理。"),
        ]
    ]
    draft = letter_draft(etown=demo.etown, kind=SupervisionLetter.Kind.FIRST, items=items, by=demo.office)
    draft = letter_update(letter=draft, by=demo.office, deadline=TODAY + D(days=14), contact_phone="0359-4021234")
    with django_capture_on_commit_callbacks(execute=True):
        letter_issue(letter=draft, by=demo.office)
    draft.refresh_from_db()
    return draft


def pdf_of(letter):
    from etown.uploads import file_path

    return file_path(letter.pdf).read_bytes()


@pytest.mark.django_db
def test_it_prints_number_addressee_and_deadline_with_no_boxes(letter):
    content = pdf_of(letter)
    assert content.startswith(b"%PDF-") and len(content) < 200 * 1024
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = text.replace(" ", "").replace("\n", "")
    assert f"临乡村e镇办督〔{TODAY.year}〕1号" in flat
    assert "临猗县涑水电子商务运营有限公司：" in flat
    assert official_date(letter.deadline) in flat
    assert "关于督促临猗新城涑水e镇项目问题整改的督办函" in flat
    # The deadline in the requirements is the letter's, filled in when printed.
    assert f"于{official_date(letter.deadline)}前整改到位" in flat and "【整改期限】" not in flat
    assert "临猗县乡村e镇工作领导小组办公室" in flat and official_date(TODAY) in flat
    assert "抄送：" in flat
    assert not (set(text) & TOFU)


@pytest.mark.django_db
def test_it_embeds_the_fonts_the_stylesheet_names(letter):
    reader = PdfReader(io.BytesIO(pdf_of(letter)))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    assert fonts, "no font embedded"
    assert any("SungtiL" in f for f in fonts)  # the GB2312 face the body and title fall back to
    assert all(("CJK" in f or "AR" in f or "UKai" in f or "Sungti" in f) for f in fonts), fonts  # no DejaVu stand-in


@pytest.mark.django_db
def test_it_is_an_a4_letter_with_red_rules_where_the_standard_puts_them(letter, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image

    content = pdf_of(letter)
    page = PdfReader(io.BytesIO(content)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in points
    (tmp_path / "letter.pdf").write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "letter.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    image = Image.open(tmp_path / "page.png").convert("RGB")
    width, height = image.size  # 60 dpi: 1 mm ≈ 2.36 px

    def red_rows(top_mm, bottom_mm):
        rows = []
        for y in range(int(top_mm * height / 297), int(bottom_mm * height / 297)):
            reds = sum(1 for x in range(width) if _is_red(image.getpixel((x, y))))
            if reds:
                rows.append((y, reds))
        return rows

    name = red_rows(28, 41)  # the authority's name, its top edge 30 mm from the top
    assert name and max(n for _, n in name) < width * 0.8
    rule = [(y, n) for y, n in red_rows(38, 48) if n > 170 / 210 * width * 0.9]  # 170 mm long
    assert rule, "no red double rule under the authority's name"
    bottom = [(y, n) for y, n in red_rows(272, 280) if n > 170 / 210 * width * 0.9]
    assert bottom, "no red double rule 20 mm from the bottom"
    body = red_rows(60, 250)
    assert not body, "the body must be black"


def _is_red(pixel):
    r, g, b = pixel
    return r > 180 and g < 110 and b < 110


@pytest.mark.django_db
def test_it_previews_a_draft_marked_unnumbered(demo):
    item = rectification_create(etown=demo.etown, source="audit", problem="资产台账未及时更新", measures="",
                                units=["承办企业"], persons=[], deadline=TODAY, by=demo.office)
    draft = letter_draft(etown=demo.etown, kind=SupervisionLetter.Kind.FIRST, items=[item], by=demo.office)
    text = PdfReader(io.BytesIO(letter_pdf_bytes(draft))).pages[0].extract_text().replace(" ", "")
    assert "草稿" in text and "不得印发" in text and "〔" not in text


def test_it_lays_out_dates_ordinals_and_the_signature():
    assert official_date(datetime.date(2026, 4, 3)) == "2026年4月3日"  # no leading zeros
    assert [chinese_ordinal(n) for n in (1, 10, 11, 17, 20, 21)] == ["一", "十", "十一", "十七", "二十", "二十一"]
    assert issuer_size_class("临猗县乡村e镇工作领导小组办公室") == "s26"
    assert issuer_size_class("安泽县连翘产业乡村e镇工作领导小组办公室") == "s22"
    # A long signature is centred on the date, then pushed left to keep two characters free.
    assert signature_offsets("临猗县乡村e镇工作领导小组办公室", "2026年4月3日") == ("mr-4", "mr-14")
    assert signature_offsets("县商务局", "2026年11月23日") == ("mr-11", "mr-8")


def test_it_breaks_a_long_title_where_the_meaning_allows():
    """GB/T 9704 §7.3.2: 20 characters of 2号 a line, broken with the words whole."""
    assert title_lines("关于督促临猗新城涑水e镇项目问题整改的督办函") == ["关于督促临猗新城涑水e镇项目", "问题整改的督办函"]
    assert title_lines("关于督促整改的督办函") == ["关于督促整改的督办函"]
    assert all(len(line) <= 20 for line in title_lines("关于" + "很长的项目名称" * 6 + "的督办函"))


@pytest.mark.django_db
def test_it_refuses_requirements_without_the_deadline(demo):
    item = rectification_create(etown=demo.etown, source="audit", problem="资产台账未及时更新", measures="",
                                units=["承办企业"], persons=[], deadline=TODAY, by=demo.office)
    draft = letter_draft(etown=demo.etown, kind=SupervisionLetter.Kind.FIRST, items=[item], by=demo.office)
    letter_update(letter=draft, by=demo.office, requirements="请尽快整改。")
    with pytest.raises(Exception) as error:
        letter_issue(letter=draft, by=demo.office)
    assert "整改要求中须写明整改期限" in str(error.value)
    letter_update(letter=draft, by=demo.office, requirements=f"请于{official_date(draft.deadline)}前整改。")
    assert letter_issue(letter=draft, by=demo.office).status == "issued"


def test_it_finds_characters_no_installed_font_draws():
    assert uncovered_characters("临猗〔2026〕3号：、；（一）—") == set()
    assert uncovered_characters("𠀀") == {"𠀀"}


def _page_texts(content, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page.replace(" ", "") for page in out.split("\f") if page.strip()]


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 1, 3, 5])
def test_it_keeps_the_signature_with_the_last_paragraph(demo, tmp_path, extra, django_capture_on_commit_callbacks):
    """GB/T 9704-2012 §7.3.5: the signature and date must not stand alone on a page; the
    walkthrough found them alone on page 2 of every letter (issue 15)."""
    items = [
        rectification_create(etown=demo.etown, source="inspection", problem=f"第{n + 1}项问题：电商公共服务中心改造进度滞后，"
                             "装修仅完成约60%，物流仓储配送中心分拣设备未安装到位。", measures="倒排工期，增加施工力量。",
                             units=["临猗县涑水电子商务运营有限公司"], persons=["陈涛"], deadline=TODAY - D(days=3), by=demo.office)
        for n in range(2 + extra)
    ]
    draft = letter_draft(etown=demo.etown, kind=SupervisionLetter.Kind.FIRST, items=items, by=demo.office)
    draft = letter_update(letter=draft, by=demo.office, deadline=TODAY + D(days=14), contact_phone="0359-4021234")
    with django_capture_on_commit_callbacks(execute=True):
        letter_issue(letter=draft, by=demo.office)
    draft.refresh_from_db()
    pages = _page_texts(pdf_of(draft), tmp_path)
    signature = draft.signature.replace(" ", "")
    page = [p for p in pages if signature in p][-1]  # the issuer's name on page 1 reads the same
    before_signature = page.rsplit(signature, 1)[0]
    # the page carries body text, not only the signature and the date (and the page number)
    assert "联系电话" in before_signature or "整改到位" in before_signature, page
