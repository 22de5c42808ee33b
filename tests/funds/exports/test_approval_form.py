"""The approval form PDF (拨付审批表) read back, with every step, actor and time, and
the override in it."""
import io

from pypdf import PdfReader

from etown.hub import Check
from funds import services
from funds.models import RequestStatus

from ..helpers import TODAY, advance, new_request, only_checks


def test_it_prints_every_step_actor_and_override_on_the_approval_form(demo, client_for):
    check = Check(group="disbursement", key="inspection", label="拨付前资金检查", func=lambda e, **c: (False, "本季度未检查"),
                  overridable=True)
    with only_checks(check):
        request = new_request(demo)
        services.gate_override_record(request=request, gate_key="hub:inspection", reason="县长批示先行拨付",
                                      by=demo.office, today=TODAY)
        advance(demo, request, RequestStatus.DISBURSED)
        response = client_for(demo.auditor).get(f"/funds/requests/{request.pk}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = text.replace(" ", "").replace("\n", "")
    assert "专项资金拨付审批表" in text
    for expected in ("陈涛", "王立新", "李晓芳", "张建国", "财政局审核通过", "常务会议审议通过", "发布拨付公示",
                     "例外放行", "县长批示先行拨付", "1,000,000.00"):
        assert expected in text, expected
