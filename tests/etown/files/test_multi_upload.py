"""Issue 15: materials upload several at once (one input, ``multiple``), each checked by
content; one bad file refuses the whole batch with a message naming it."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from etown.uploads import DOCUMENTS, MultiUploadField

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_it_names_the_bad_file_in_a_batch():
    field = MultiUploadField(allowed=DOCUMENTS)
    good = SimpleUploadedFile("合同.pdf", PDF_BYTES)
    bad = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 an executable")
    with pytest.raises(ValidationError) as info:
        field.clean([good, bad])
    message = " ".join(info.value.messages)
    assert "发票.pdf" in message and "文件类型不符" in message and "合同.pdf" not in message
    assert field.clean([good]) == [good]


def test_it_offers_several_files_in_one_input_on_every_materials_form(demo):
    from acceptance.forms.applications import ApplicationForm
    from funds.forms.requests import MaterialForm
    from supervision.forms.rectification import EvidenceForm
    from supervision.forms.reports import ReportForm

    forms = [str(EvidenceForm()), str(MaterialForm(prefix="material")), str(ApplicationForm(etown=demo.etown))]
    assert all(" multiple" in html for html in forms)
    assert ReportForm.base_fields["attachments"].widget.allow_multiple_selected
