"""The opinion window and the report window (002 art. 16: 意见窗口和举报窗口; 004 annex 3
art. 7: 征求意见窗口和纪检监察举报窗口): anyone may write, anonymously or not; the
anti-abuse needs no third party (DESIGN.md, security baseline: rate-limited, honeypot);
a tracking code answers "what became of my message"."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from etown import ratelimit
from etown.services import notices
from etown.models import Notification, PublicRateHit, PublicSubmission, StoredFile
from etown.services import submissions as services
from etown.signals import notice_objected

from .conftest import pdf_upload, running_notice

pytestmark = pytest.mark.django_db


def window(county, kind="opinion"):
    return reverse("public_submit", args=[county.pk, kind])


def post(client, county, kind="opinion", **fields):
    data = {"subject": "建议增加直播培训", "content": "希望电商公共服务中心每月开一次直播带货培训。", "stamp": ratelimit.form_stamp()}
    data.update(fields)
    return client.post(window(county, kind) + fields.pop("query", ""), data)


def test_it_takes_an_anonymous_opinion_and_gives_a_tracking_code_once(column):
    client = Client()
    response = post(client, column.linyi)
    assert response.status_code == 302 and response["Location"] == reverse("public_receipt")
    submission = PublicSubmission.objects.get()
    assert submission.kind == "opinion" and submission.is_anonymous and submission.status == "new"
    assert submission.channel == "web" and submission.address_hash  # the address as a keyed hash only
    receipt = client.get(reverse("public_receipt")).content.decode()
    code = receipt.split('data-testid="tracking-code">')[1].split("<")[0]
    assert len(services.normalize_code(code)) == services.TRACKING_LENGTH
    assert code not in str(PublicSubmission.objects.values_list().get())  # only its hash is stored
    assert submission.tracking_hash == services.tracking_hash(code)
    # Shown once: a reload does not show it again (nor send the message twice).
    assert client.get(reverse("public_receipt")).status_code == 302
    assert PublicSubmission.objects.count() == 1
    # The office is told, in-app.
    assert Notification.objects.filter(user=column.office, kind="public_opinion").exists()


def test_it_takes_a_named_report_with_an_attachment(column):
    client = Client()
    response = post(client, column.linyi, "report", subject="虚列培训人次", content="培训签到表造假。",
                    name="王五", contact="13512345678", etown=column.etown.pk, attachment=pdf_upload())
    assert response.status_code == 302
    report = PublicSubmission.objects.get()
    assert (report.kind, report.name, report.contact, report.etown) == ("report", "王五", "13512345678", column.etown)
    assert report.attachment.access == StoredFile.Access.DISCIPLINE
    # The auditors are told that a report arrived, never what it says.
    note = Notification.objects.get(user=column.auditor)
    assert "培训签到表" not in note.title + note.body and "王五" not in note.title + note.body
    assert not Notification.objects.filter(user=column.office).exists()


@pytest.mark.parametrize("fields, field, message", [
    ({"subject": ""}, "subject", "请填写标题"),
    ({"content": ""}, "content", "请填写内容"),
    ({"content": "长" * 2001}, "content", "2000"),
    ({"etown": "999999"}, "etown", "选择一个有效的选项"),
])
def test_it_refuses_bad_input_in_chinese_and_stores_nothing(column, fields, field, message):
    response = post(Client(), column.linyi, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'data-testid="error-{field}"' in response.content.decode()
    assert PublicSubmission.objects.count() == 0


def test_it_refuses_an_unpublished_etown(column):
    response = post(Client(), column.linyi, etown=column.other_etown.pk)
    assert 'data-testid="error-etown"' in response.content.decode()
    with pytest.raises(services.ValidationError):
        services.submission_create(county=column.linyi, kind="opinion", subject="x", content="y",
                                   etown=column.other_etown)
    assert PublicSubmission.objects.count() == 0


def test_it_checks_the_attachment_by_content_and_size(column, settings):
    fake = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    response = post(Client(), column.linyi, attachment=fake)
    assert "文件类型不符" in response.content.decode()
    big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    response = post(Client(), column.linyi, attachment=big)
    assert "文件过大" in response.content.decode()
    assert PublicSubmission.objects.count() == 0 and StoredFile.objects.filter(purpose="意见附件").count() == 0


def test_it_refuses_a_filled_honeypot_and_counts_the_attempt(column):
    response = post(Client(), column.linyi, **{ratelimit.HONEYPOT_FIELD: "http://spam.example"})
    assert response.status_code == 400
    assert "提交未通过校验" in response.content.decode()
    assert PublicSubmission.objects.count() == 0
    assert PublicRateHit.objects.filter(bucket="submit").count() == 1
    # The text comes back, with the trap emptied, so a person caught by mistake can resend.
    assert "希望电商公共服务中心" in response.content.decode()


def test_it_hides_the_honeypot_from_people(column):
    page = Client().get(window(column.linyi)).content.decode()
    assert f'name="{ratelimit.HONEYPOT_FIELD}"' in page
    assert 'class="hp-field" aria-hidden="true"' in page


def test_it_refuses_a_form_sent_back_faster_than_a_person_types(column, settings):
    settings.PUBLIC_FORM_MIN_SECONDS = 3
    response = post(Client(), column.linyi, stamp=ratelimit.form_stamp())
    assert response.status_code == 400 and "提交过快" in response.content.decode()
    old = ratelimit.form_stamp(now=timezone.now() - timedelta(seconds=10))
    assert post(Client(), column.linyi, stamp=old).status_code == 302
    forged = post(Client(), column.linyi, stamp="1700000000:forged")
    assert forged.status_code == 400 and "表单校验未通过" in forged.content.decode()
    assert PublicSubmission.objects.count() == 1


def test_it_limits_submissions_per_address(column, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": (3, 3600)}
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert post(client, column.linyi).status_code == 302
    refused = post(client, column.linyi)
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert PublicSubmission.objects.count() == 3
    # Another address is not affected.
    assert post(Client(REMOTE_ADDR="198.51.100.9"), column.linyi).status_code == 302


def test_it_forgets_hits_outside_the_window(column, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": (1, 3600)}
    client = Client(REMOTE_ADDR="203.0.113.8")
    assert post(client, column.linyi).status_code == 302
    assert post(client, column.linyi).status_code == 429
    PublicRateHit.objects.update(at=timezone.now() - timedelta(hours=2))
    assert post(client, column.linyi).status_code == 302
    # Rows older than a day are pruned as new ones come.
    PublicRateHit.objects.update(at=timezone.now() - timedelta(days=2))
    post(Client(REMOTE_ADDR="203.0.113.9"), column.linyi)
    # (the used form stamps, single-use since issue 14, live in the same table)
    assert PublicRateHit.objects.exclude(bucket=ratelimit.STAMP_BUCKET).count() == 1


def test_it_counts_the_forwarded_address_only_behind_a_declared_proxy(column, settings):
    settings.PUBLIC_RATE_LIMITS = {"submit": (1, 3600)}
    spoofing = Client(REMOTE_ADDR="203.0.113.10")
    assert post(spoofing, column.linyi, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 302
    # Without TRUSTED_PROXY_HOPS a forged header changes nothing: same REMOTE_ADDR, refused.
    assert spoofing.post(window(column.linyi), {"subject": "a", "content": "b", "stamp": ratelimit.form_stamp()},
                         HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    ok = proxy.post(window(column.linyi), {"subject": "a", "content": "b", "stamp": ratelimit.form_stamp()},
                    HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert ok.status_code == 302


def test_it_finds_a_message_by_its_tracking_code_and_shows_the_reply(column):
    submission, code = services.submission_create(county=column.linyi, kind="opinion", subject="路灯不亮",
                                                  content="物流中心门口路灯不亮。", contact="13800001111")
    client = Client()
    page = client.post(reverse("public_track"), {"code": code.lower().replace("-", " ")}).content.decode()
    assert "路灯不亮" in page and "待受理" in page and "13800001111" not in page
    services.submission_reply(submission=submission, reply="已安排维修。", by=column.office)
    page = client.post(reverse("public_track"), {"code": code}).content.decode()
    assert "已答复" in page and "已安排维修。" in page


def test_it_says_when_a_code_matches_nothing(column):
    page = Client().post(reverse("public_track"), {"code": "ABCD-EFGH-JKLM-NPQR"}).content.decode()
    assert 'data-testid="track-not-found"' in page
    assert services.submission_lookup("short") is None


def test_it_limits_tracking_lookups_per_address(column, settings):
    settings.PUBLIC_RATE_LIMITS = {"lookup": (3, 600)}
    client = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(3):
        assert client.post(reverse("public_track"), {"code": "ABCD-EFGH-JKLM-NPQR"}).status_code == 200
    refused = client.post(reverse("public_track"), {"code": "ABCD-EFGH-JKLM-NPQR"})
    assert refused.status_code == 429 and "查询过于频繁" in refused.content.decode()


def test_it_makes_codes_that_differ(column):
    codes = {services.new_tracking_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(set(services.normalize_code(c)) <= set(services.TRACKING_ALPHABET) for c in codes)


# Objections to a running notice (004 annex 2 art. 12(3): 公示无异议后，方可拨付) ---------------


def test_it_sends_an_objection_to_a_running_notice(column):
    notice = running_notice(column.linyi, column.office, etown=column.etown)
    received = []

    def receiver(sender, notice, text, by, submission, **kwargs):
        received.append((notice.pk, text, by, submission.pk))

    notice_objected.connect(receiver, dispatch_uid="test-objection")
    try:
        detail = Client().get(reverse("public_notice", args=[notice.pk])).content.decode()
        assert 'data-testid="object-notice"' in detail
        response = post(Client(), column.linyi, query=f"?notice={notice.pk}", notice=str(notice.pk),
                        subject="异议", content="该项目建设进度与公示不符。")
        assert response.status_code == 302
    finally:
        notice_objected.disconnect(dispatch_uid="test-objection")
    submission = PublicSubmission.objects.get()
    assert submission.notice == notice
    assert received == [(notice.pk, "该项目建设进度与公示不符。", None, submission.pk)]


def test_it_refuses_an_objection_outside_the_notice_period(column):
    start = timezone.localdate() + timedelta(days=30)
    notice = notices.notice_create(county=column.linyi, title="未来的公示", body="正文", start_date=start,
                                   by=column.office)
    with pytest.raises(services.ValidationError) as error:
        services.submission_create(county=column.linyi, kind="opinion", subject="异议", content="有异议",
                                   notice=notice)
    assert "不在公示期内" in str(error.value)
    # And the report window does not carry objections (their text would reach the office).
    running = running_notice(column.linyi, column.office)
    with pytest.raises(services.ValidationError) as error:
        services.submission_create(county=column.linyi, kind="report", subject="异议", content="有异议",
                                   notice=running)
    assert "意见窗口" in str(error.value)
    assert PublicSubmission.objects.count() == 0


def test_it_rolls_the_message_back_when_the_objection_cannot_be_recorded(column):
    notice = running_notice(column.linyi, column.office)

    def failing(sender, **kwargs):
        raise RuntimeError("funds is down")

    notice_objected.connect(failing, dispatch_uid="test-failing")
    try:
        with pytest.raises(RuntimeError):
            services.submission_create(county=column.linyi, kind="opinion", subject="异议", content="有异议",
                                       notice=notice)
    finally:
        notice_objected.disconnect(dispatch_uid="test-failing")
    # Nothing half-done: no message, so the citizen is not told "received" while the
    # disbursement goes on.
    assert PublicSubmission.objects.count() == 0
