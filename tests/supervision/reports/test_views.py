"""Monthly-report pages: who gets in (404 for another e-town's contractor, 403 for a role
that may not act), the form with its uploads, and the review queue's fixed query count."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etown import services as registry
from etown.models import StoredFile
from supervision.services import reports as services
from supervision.models import MonthlyReport

from .support import (
    EXE_BYTES,
    NOVEMBER,
    OCTOBER,
    PDF_BYTES,
    PNG_BYTES,
    D,
    filled_report,
    submitted_report,
)

pytestmark = pytest.mark.django_db


def _form_data(report, **overrides):
    """A complete POST of the report form, every task at 80% and every target at 10 / 100."""
    data = {"work_summary": "完成公共服务中心装修并投入运营。", "fund_use": "150000.00", "next_plan": "开展培训。"}
    for line in report.task_lines.select_related("task"):
        data[f"task_{line.task_id}_progress"] = str(max(80, line.task.progress))
        data[f"task_{line.task_id}_note"] = "按计划推进"
    for line in report.indicator_lines.all():
        data[f"ind_{line.indicator_id}_month_value"] = "10"
        data[f"ind_{line.indicator_id}_cumulative_value"] = "100"
        data[f"ind_{line.indicator_id}_note"] = ""
    data.update(overrides)
    return data


# Contractor's pages -----------------------------------------------------------------


def test_it_lists_the_contractors_months_with_due_dates_and_states(demo, client_for, today):
    submitted_report(demo.etown, demo.contractor, OCTOBER)

    response = client_for(demo.contractor).get(reverse("report_mine"))

    assert response.status_code == 200
    rows = [(r.etown.name, r.period, r.due, r.report.status if r.report else None, r.late) for r in response.context["page"]]
    assert rows == [
        ("临猗新城涑水e镇", D(2026, 11, 1), D(2026, 12, 7), None, False),
        ("临猗新城涑水e镇", D(2026, 10, 1), D(2026, 11, 5), "submitted", True),  # submitted on the 23rd
        ("临猗新城涑水e镇", D(2026, 9, 1), D(2026, 10, 8), None, True),
        ("临猗新城涑水e镇", D(2026, 8, 1), D(2026, 9, 7), None, True),
        ("临猗新城涑水e镇", D(2026, 7, 1), D(2026, 8, 5), None, True),
    ]
    assert "月报审核" not in response.content.decode()  # contractors get "月度报告" in the nav, not the queue
    assert "月度报告" in response.content.decode()


def test_it_shows_the_office_the_queue_not_the_contractors_page(demo, client_for):
    assert client_for(demo.office).get(reverse("report_mine")).status_code == 403
    page = client_for(demo.office).get(reverse("report_queue")).content.decode()
    assert 'href="/supervision/reports/"' in page and "月报审核" in page


def test_it_opens_a_draft_from_the_list_and_refuses_a_month_out_of_range(demo, client_for, today):
    client = client_for(demo.contractor)
    url = reverse("report_create", args=[demo.etown.pk])

    refused = client.post(url, {"month": "2026-12"})
    response = client.post(url, {"month": "2026-10"})

    assert refused.status_code == 200
    assert "该月份不在填报期内，或月报已存在。" in refused.content.decode()
    report = MonthlyReport.objects.get()
    assert response.url == reverse("report_edit", args=[report.pk])
    assert report.period == OCTOBER


def test_it_saves_the_form_and_submits_it(demo, client_for, today):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    client = client_for(demo.contractor)
    url = reverse("report_edit", args=[report.pk])

    saved = client.post(url, {**_form_data(report), "action": "save"})
    submitted = client.post(url, {**_form_data(report), "action": "submit"})

    assert saved.status_code == 302 and saved.url == url
    assert submitted.status_code == 302 and submitted.url == report.get_absolute_url()
    report.refresh_from_db()
    assert (report.status, report.fund_use, report.submitted_by) == ("submitted", Decimal("150000.00"), demo.contractor)
    assert set(report.indicator_lines.values_list("cumulative_value", flat=True)) == {Decimal("100.00")}


def test_it_keeps_the_draft_and_marks_the_missing_fields_when_submission_is_refused(demo, client_for, today):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    data = _form_data(report, work_summary="")
    employment = demo.etown.indicators.get(code="employment")
    data[f"ind_{employment.pk}_cumulative_value"] = ""
    data[f"ind_{employment.pk}_month_value"] = ""

    response = client_for(demo.contractor).post(reverse("report_edit", args=[report.pk]), {**data, "action": "submit"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "草稿已保存，但尚不能报送" in page
    assert "请填写本月工作总结。" in page
    assert f'data-testid="error-ind_{employment.pk}_cumulative_value">请填写累计值。' in page
    report.refresh_from_db()
    assert (report.status, report.fund_use) == ("draft", Decimal("150000.00"))


def test_it_shows_a_chinese_message_for_a_bad_number_and_changes_nothing(demo, client_for, today):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    task = report.task_lines.first().task
    data = _form_data(report, fund_use="十五万", **{f"task_{task.pk}_progress": "120"})

    response = client_for(demo.contractor).post(reverse("report_edit", args=[report.pk]), {**data, "action": "save"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写数字（如 1200.50），不要带单位或汉字。" in page
    assert f'data-testid="error-task_{task.pk}_progress">请填写 0 到 100 之间的整数。' in page
    report.refresh_from_db()
    assert (report.fund_use, report.work_summary) == (None, "")


# Uploads ----------------------------------------------------------------------------


def _upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_it_stores_attachments_under_server_names_and_serves_them_to_the_etowns_readers(demo, client_for, today, settings):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    data = {**_form_data(report), "action": "save",
            "attachments": [_upload("现场照片.png", PNG_BYTES, "image/png"), _upload("进度表.pdf", PDF_BYTES)]}

    client_for(demo.contractor).post(reverse("report_edit", args=[report.pk]), data)

    files = list(report.attachments.order_by("original_name"))
    assert [f.original_name for f in files] == ["现场照片.png", "进度表.pdf"]
    assert all(f.path.endswith((".png", ".pdf")) and "现场" not in f.path and f.purpose == "月报附件" for f in files)
    assert all((settings.MEDIA_ROOT / f.path).read_bytes() in (PNG_BYTES, PDF_BYTES) for f in files)
    download = reverse("file_download", args=[files[0].pk])
    assert client_for(demo.office).get(download).status_code == 200
    assert client_for(demo.contractor2).get(download).status_code == 404


@pytest.mark.parametrize("upload, message", [
    (_upload("进度照片.pdf", EXE_BYTES), "文件类型不符"),  # a Windows program renamed .pdf
    (_upload("C:\\Users\\chen\\..\\进度.pdf", PDF_BYTES), "文件名不能包含路径或特殊字符"),
])
def test_it_refuses_an_unsafe_attachment_and_changes_nothing(demo, client_for, today, upload, message):
    from supervision.forms.reports import ReportForm

    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    upload.seek(0)

    form = ReportForm({**_form_data(report)}, {"attachments": [upload]}, report=report)

    assert not form.is_valid()
    assert message in form.errors["attachments"][0]


def test_it_refuses_a_renamed_exe_through_the_page(demo, client_for, today):
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    data = {**_form_data(report), "action": "save", "attachments": [_upload("照片.jpg", EXE_BYTES, "image/jpeg")]}
    files_before = StoredFile.objects.count()

    response = client_for(demo.contractor).post(reverse("report_edit", args=[report.pk]), data)

    assert response.status_code == 200
    assert "文件类型不符：只接受 PDF、JPEG 图片、PNG 图片、Excel（.xlsx）、Word（.docx）" in response.content.decode()
    assert StoredFile.objects.count() == files_before and not report.attachments.exists()
    report.refresh_from_db()
    assert report.work_summary == ""  # the rest of the form was not saved either


def test_it_refuses_an_oversize_attachment(demo, client_for, today, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    big = _upload("扫描件.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 512 * 1024))
    files_before = StoredFile.objects.count()

    response = client_for(demo.contractor).post(
        reverse("report_edit", args=[report.pk]), {**_form_data(report), "action": "save", "attachments": [big]},
    )

    assert "文件过大：1.5 MB，上限 1 MB。" in response.content.decode()
    assert StoredFile.objects.count() == files_before
    assert not report.attachments.exists()


def test_it_keeps_a_path_sent_in_the_file_name_out_of_the_stored_path(demo, client_for, today, settings):
    """Django's multipart parser already drops the directories of a sent file name; what
    is left is stored under a server-generated name inside MEDIA_ROOT."""
    report = services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)
    boundary = "BoUnDaRy"
    fields = {**_form_data(report), "action": "save"}
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ) + (
        f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="../../etc/cron.d/x.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF_BYTES + f"\r\n--{boundary}--\r\n".encode()

    client_for(demo.contractor).generic(
        "POST", reverse("report_edit", args=[report.pk]), body, content_type=f"multipart/form-data; boundary={boundary}",
    )

    stored = report.attachments.get()
    assert stored.original_name == "x.pdf"
    assert (settings.MEDIA_ROOT / stored.path).resolve().is_relative_to(settings.MEDIA_ROOT.resolve())
    assert ".." not in stored.path and "cron" not in stored.path


# Refusals ---------------------------------------------------------------------------


def test_it_hides_another_etowns_report_and_attachment_from_contractor2(demo, client_for, today):
    report = filled_report(demo.etown, demo.contractor)
    services.monthly_report_update(report=report, by=demo.contractor, add_files=[_upload("a.pdf", PDF_BYTES)])
    services.monthly_report_submit(report=report, by=demo.contractor, today=today)
    attachment = report.attachments.get()
    outsider = client_for(demo.contractor2)

    for url in [
        reverse("report_detail", args=[report.pk]),
        reverse("report_edit", args=[report.pk]),
        reverse("file_download", args=[attachment.pk]),
        reverse("report_create", args=[demo.etown.pk]),
    ]:
        assert outsider.get(url).status_code == 404, url
    for url in [reverse("report_submit", args=[report.pk]), reverse("report_accept", args=[report.pk])]:
        assert outsider.post(url).status_code == 404, url
    assert outsider.post(reverse("report_return", args=[report.pk]), {"reason": "x"}).status_code == 404
    report.refresh_from_db()
    assert report.status == "submitted"


def test_it_refuses_a_read_only_role_with_403(demo, client_for, today):
    report = submitted_report(demo.etown, demo.contractor)

    for persona in ("finance", "auditor", "leader", "agency"):
        client = client_for(getattr(demo, persona))
        assert client.get(reverse("report_detail", args=[report.pk])).status_code == 200, persona
        assert client.post(reverse("report_accept", args=[report.pk])).status_code == 403, persona
        assert client.post(reverse("report_return", args=[report.pk]), {"reason": "不合格"}).status_code == 403, persona
        assert client.get(reverse("report_edit", args=[report.pk])).status_code == 403, persona
    assert client_for(demo.agency).get(reverse("report_queue")).status_code == 403
    assert client_for(demo.contractor).post(reverse("report_accept", args=[report.pk])).status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


def test_it_refuses_to_edit_an_accepted_report_in_the_browser(demo, client_for, today):
    report = submitted_report(demo.etown, demo.contractor)
    services.monthly_report_accept(report=report, by=demo.office)

    response = client_for(demo.contractor).post(
        reverse("report_edit", args=[report.pk]), {**_form_data(report), "work_summary": "偷偷修改", "action": "save"},
    )

    assert response.status_code == 403
    assert "该月报已审核通过并冻结，不能再修改。" in response.content.decode()
    report.refresh_from_db()
    assert report.work_summary == "本月完成公共服务中心装修。"


def test_it_returns_with_a_reason_and_refuses_an_empty_one(demo, client_for, today):
    report = submitted_report(demo.etown, demo.contractor)
    client = client_for(demo.office)
    url = reverse("report_return", args=[report.pk])

    empty = client.post(url, {"reason": ""})
    report.refresh_from_db()
    assert (empty.status_code, report.status) == (400, "submitted")
    assert "请填写退回原因，说明需要补充或更正的内容。" in empty.content.decode()

    client.post(url, {"reason": "请补充培训签到表。"})
    report.refresh_from_db()
    assert (report.status, report.return_reason) == ("returned", "请补充培训签到表。")
    page = client_for(demo.contractor).get(reverse("report_edit", args=[report.pk])).content.decode()
    assert "请补充培训签到表。" in page and "保存并重新报送" in page


def test_it_accepts_and_the_etown_page_shows_the_figures(demo, client_for, today):
    report = submitted_report(demo.etown, demo.contractor, cumulative=Decimal("2600"))

    client_for(demo.office).post(reverse("report_accept", args=[report.pk]), {"note": "核对无误"})

    page = client_for(demo.office).get(demo.etown.get_absolute_url())
    tracking = next(p for p in page.context["panels"] if p["panel"].key == "indicator_tracking")["context"]
    retail = next(t for t in tracking["tracks"] if t.indicator.code == "online_retail")
    assert (retail.indicator.actual, retail.label) == (Decimal("2600.00"), "进度正常")
    series = next(s for s in tracking["chart"]["series"] if s["name"] == "年网络零售额")
    assert (tracking["chart"]["months"], series["values"], series["target"]) == (["2026-10"], [2600.0], 3000.0)
    html = page.content.decode()
    assert 'id="indicator-chart-data"' in html and "js/supervision/reports_chart.js" in html


# The review queue ---------------------------------------------------------------------


def _more_etowns(demo, n):
    """``n`` extra e-towns of 临猗县 under the demo contractor, each with a submitted
    October report (made through the services, as the pages would)."""
    for i in range(n):
        etown = registry.etown_create(
            county=demo.linyi, by=demo.office, name=f"测试e镇{i:02d}", leading_industries="苹果",
            planned_investment=Decimal("1000000"), implementation_start=D(2026, 7, 1),
        )
        registry.contract_create(
            etown=etown, by=demo.office, contractor=demo.contract.contractor, number=f"T-{i}", title="合同",
            amount=Decimal("100000"), signed_on=D(2026, 6, 1),
        )
        submitted_report(etown, demo.contractor, OCTOBER)


@pytest.mark.parametrize("n", [3, 30])
def test_it_runs_a_fixed_number_of_queries_on_the_waiting_tab(demo, client_for, today, n, django_assert_num_queries):
    _more_etowns(demo, n)
    client = client_for(demo.office)

    # session, user, memberships, COUNT of waiting reports, unread notifications (base
    # template), the page of reports (e-town, county, submitter, reviewer joined),
    # savepoint + session update + release (SESSION_SAVE_EVERY_REQUEST).
    with django_assert_num_queries(9):
        response = client.get(reverse("report_queue"))
    assert len(response.context["page"]) == min(n, 25)


@pytest.mark.parametrize("n", [3, 30])
def test_it_runs_a_fixed_number_of_queries_on_the_overdue_tab(demo, client_for, today, n, django_assert_num_queries):
    _more_etowns(demo, n)
    # All these e-towns miss September: no report at all.
    client = client_for(demo.office)

    # session, user, memberships, visible counties (their report days), the working
    # calendar (one query for the years needed), COUNT, the page of e-towns (reporting
    # start, draft, received count and contractor as subqueries), COUNT of waiting
    # reports, unread notifications, savepoint + session update + release.
    with django_assert_num_queries(12):
        response = client.get(reverse("report_queue") + "?tab=overdue&month=2026-09")
    rows = response.context["page"]
    assert len(rows) == min(n + 2, 25)
    first = next(e for e in rows if e.name == "临猗新城涑水e镇")
    assert (first.due, first.missing_months, first.draft_id) == (D(2026, 10, 8), 3, None)  # July–September


@pytest.mark.parametrize("n", [3, 30])
def test_it_runs_a_fixed_number_of_queries_on_the_all_tab(demo, client_for, today, n, django_assert_num_queries):
    _more_etowns(demo, n)
    client = client_for(demo.office)

    # session, user, memberships, COUNT, COUNT of waiting reports, unread notifications,
    # the page of reports (e-town, county, submitter, reviewer joined), savepoint +
    # session update + release.
    with django_assert_num_queries(10):
        response = client.get(reverse("report_queue") + "?tab=all&late=1")
    assert len(response.context["page"]) == min(n, 25)


def test_it_lists_the_overdue_months_with_drafts_and_never_reported_etowns(demo, client_for, today):
    services.monthly_report_create(etown=demo.etown, period=OCTOBER, by=demo.contractor, today=today)

    response = client_for(demo.office).get(reverse("report_queue") + "?tab=overdue")

    rows = {e.name: e for e in response.context["page"]}
    assert response.context["month"] == OCTOBER  # the newest month already due on 23 November
    assert set(rows) == {"临猗新城涑水e镇", "临猗县电子商务进农村综合示范项目"}  # 临猗县 only: the office's county
    assert rows["临猗新城涑水e镇"].draft_id is not None
    assert rows["临猗县电子商务进农村综合示范项目"].missing_months == 8  # March–October, nothing received
    assert rows["临猗新城涑水e镇"].workdays_late == 12  # 6 Nov … 23 Nov


def test_it_shows_the_dashboard_card_to_office_and_contractor(demo, client_for, today):
    submitted_report(demo.etown, demo.contractor, OCTOBER)

    office = client_for(demo.office).get(reverse("dashboard"))
    card = next(c for c in office.context["cards"] if c["panel"].key == "monthly_reports")["context"]
    assert (card["counts"]["waiting"], card["counts"]["overdue"], card["counts"]["late_this_month"]) == (1, 1, 1)

    contractor = client_for(demo.contractor).get(reverse("dashboard"))
    rows = next(c for c in contractor.context["cards"] if c["panel"].key == "monthly_reports")["context"]["rows"]
    assert [r.period for r in rows] == [D(2026, 7, 1), D(2026, 8, 1), D(2026, 9, 1), OCTOBER, NOVEMBER]


@pytest.mark.parametrize("n", [3, 30])
def test_it_runs_a_fixed_number_of_queries_on_the_contractors_months(demo, client_for, today, n, django_assert_num_queries):
    _more_etowns(demo, n)
    client = client_for(demo.contractor)

    # session, user, memberships, the e-towns the contractor reports for (permission
    # check inside the query), their reports (one query), the working calendar, unread
    # notifications, savepoint + session update + release.
    with django_assert_num_queries(10):
        response = client.get(reverse("report_mine"))
    assert response.context["page"].paginator.count == 5 * (n + 1)  # July–November for each e-town


def test_it_shows_the_office_which_figures_were_changed_after_a_return(demo, client_for, today):
    report = submitted_report(demo.etown, demo.contractor, cumulative=Decimal("1234.5"))
    services.monthly_report_return(report=report, by=demo.office, reason="网络零售额有误")
    retail = demo.etown.indicators.get(code="online_retail")
    services.monthly_report_update(
        report=report, by=demo.contractor, reason="按平台后台数据更正",
        indicator_values={retail.pk: {"month_value": Decimal("12"), "cumulative_value": Decimal("1300")}},
    )

    response = client_for(demo.office).get(reverse("report_detail", args=[report.pk]))

    change = response.context["figure_changes"][0]
    assert (change.item, change.field, change.old, change.new, change.user, change.reason) == (
        "年网络零售额", "累计值", Decimal("1234.50"), Decimal("1300.00"), demo.contractor, "按平台后台数据更正",
    )
    assert "按平台后台数据更正" in response.content.decode()


def test_it_prints_the_monthly_report_as_a_pdf_from_its_page(demo, client_for, today, tmp_path):
    """Issue 15: a printable monthly report (通城 001 §1(2): 形成书面材料), linked from the
    report's page; the other e-town's contractor gets 404."""
    import subprocess

    from .support import OCTOBER, submitted_report

    report = submitted_report(demo.etown, demo.contractor, OCTOBER)
    url = f"/supervision/reports/{report.pk}/pdf/"
    page = client_for(demo.contractor).get(report.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page
    response = client_for(demo.office).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.replace(" ", "")
    assert "临猗新城涑水e镇" in text and "2026年10月" in text and "本月完成公共服务中心装修" in text
    assert demo.etown.tasks.first().title[:8] in text.replace("\n", "")
    assert client_for(demo.contractor2).get(url).status_code == 404


def test_it_lets_the_contractor_withdraw_a_report_not_yet_reviewed(demo, client_for, today):
    """Issue 15: a contractor who spots a mistake after submitting could not take the
    report back; now it can until the office reviews it (the first submission date, which
    decides lateness, stays)."""
    from .support import OCTOBER, submitted_report

    report = submitted_report(demo.etown, demo.contractor, OCTOBER)
    first = report.first_submitted_on
    url = f"/supervision/reports/{report.pk}/withdraw/"
    assert 'data-testid="withdraw-report"' in client_for(demo.contractor).get(report.get_absolute_url()).content.decode()
    assert client_for(demo.office).post(url).status_code == 403
    assert client_for(demo.contractor2).post(url).status_code == 404
    assert client_for(demo.contractor).post(url).status_code == 302
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.DRAFT and report.first_submitted_on == first
    assert report.history.first().history_change_reason == "承办企业撤回报送"
    again = client_for(demo.contractor).post(url, follow=True)
    assert "只有已报送、尚未审核的月报可以撤回" in again.content.decode()
