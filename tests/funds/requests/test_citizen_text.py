"""What a citizen writes is seen only by those who handle it (issue 14 finding 2;
004 附件3 第九条: 对举报人、异议人信息保密). An objection to a payment notice stops the
request; the contractor and the agency see that it stopped and the office's summary,
never the text (which may carry a name, ID number or phone)."""
import datetime

import pytest
from django.urls import reverse

from etown.signals import notice_objected
from funds import services
from funds.models import RequestStatus

from ..helpers import TODAY, advance, new_request

SECRET = "举报人张三，身份证140821199001011234，电话13912345678：物流中心未建成"
RESOLUTION = "经现场核查，物流中心已建成投用，异议不成立。"


class _Submission:
    pk = 4242


def _objected(demo):
    request = advance(demo, new_request(demo), RequestStatus.IN_NOTICE)
    notice_objected.send(sender=None, notice=request.notice, text=SECRET, by=None, submission=_Submission())
    request.refresh_from_db()
    return request


def _pages(request):
    return [
        reverse("funds:request_detail", args=[request.pk]),
        reverse("etown_history", args=[request.etown_id]),
        reverse("funds:etown", args=[request.etown_id]),
        reverse("notification_list"),
    ]


@pytest.mark.parametrize("who", ["contractor", "agency"])
def test_it_hides_the_objection_text_from_the_contractor_and_the_agency(demo, client_for, who):
    request = _objected(demo)
    services.disbursement_resume_notice(request=request, resolution=RESOLUTION, by=demo.office,
                                        start_date=datetime.date(2026, 11, 30), today=TODAY)
    c = client_for(getattr(demo, who))
    seen_detail = False
    for url in _pages(request):
        r = c.get(url)
        if r.status_code != 200:
            continue
        page = r.content.decode()
        assert "13912345678" not in page and "张三" not in page, url
        if url == _pages(request)[0]:
            seen_detail = True
            assert "收到公示异议" in page and RESOLUTION in page
    assert seen_detail or who == "agency"


@pytest.mark.parametrize("who", ["office", "auditor"])
def test_it_shows_the_objection_text_to_the_office_and_the_auditors(demo, client_for, who):
    request = _objected(demo)
    page = client_for(getattr(demo, who)).get(reverse("funds:request_detail", args=[request.pk])).content.decode()
    assert "13912345678" in page


def test_it_scrubs_objection_texts_copied_before_the_fix(demo):
    """An upgraded deployment: trail lines and history reasons written by the old code
    carried the citizen's text. The data migration replaces them with the fixed note."""
    import importlib

    from django.apps import apps

    from funds.models import DisbursementRequest, RequestStep
    from funds.services import OBJECTION_NOTE

    from ..helpers import new_request

    leaked = "张三 身份证 140000199001011234 电话 13800000000 反映虚报"
    request = new_request(demo)
    RequestStep.objects.create(request=request, action="objection", note=leaked)
    request.status = request.status  # a history row in the old format
    request._change_reason = f"收到公示异议：{leaked}"
    request.save()
    other = DisbursementRequest.history.filter(id=request.pk).exclude(history_change_reason__contains=leaked).count()

    migration = importlib.import_module("funds.migrations.0007_issue14_scrub_objection_text")
    migration.scrub(apps, None)

    assert not RequestStep.objects.filter(note__contains="13800000000").exists()
    assert RequestStep.objects.filter(request=request, action="objection").get().note == OBJECTION_NOTE
    history = DisbursementRequest.history.filter(id=request.pk)
    assert not history.filter(history_change_reason__contains="13800000000").exists()
    assert history.filter(history_change_reason=f"收到公示异议：{OBJECTION_NOTE}").count() == 1
    assert history.exclude(history_change_reason=f"收到公示异议：{OBJECTION_NOTE}").count() == other  # others untouched
