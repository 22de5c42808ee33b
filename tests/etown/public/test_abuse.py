"""The public windows and the sign-in behind a reverse proxy (issue 14 finding 7): one
setting (TRUSTED_PROXY_HOPS) gives the client's address to axes, the security log and the
rate limit; form stamps are single-use; refused (oversize) uploads count; reports reach
the duty auditor in one digest."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from etown import ratelimit
from etown.models import AuditEvent, Notification, PublicSubmission

pytestmark = pytest.mark.django_db


def _login(client, password, forwarded):
    return client.post(reverse("login"), {"username": "office", "password": password}, HTTP_X_FORWARDED_FOR=forwarded)


def test_it_locks_out_the_attacker_not_everyone_behind_the_proxy(demo, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.1"
    for _ in range(5):
        _login(Client(REMOTE_ADDR=proxy), "wrong", "198.51.100.66")
    assert _login(Client(REMOTE_ADDR=proxy), "demo12345", "198.51.100.66").status_code in (403, 429)
    # The real office, from its own address through the same proxy, still signs in.
    assert _login(Client(REMOTE_ADDR=proxy), "demo12345", "203.0.113.5").status_code == 302
    failed = AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, username="office")
    assert set(failed.values_list("ip_address", flat=True)) == {"198.51.100.66"}
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN, user=demo.office).ip_address == "203.0.113.5"


def test_it_ignores_a_forwarded_header_without_a_trusted_proxy(demo, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    for n in range(5):
        _login(Client(REMOTE_ADDR="203.0.113.77"), "wrong", f"198.51.100.{n}")
    assert _login(Client(REMOTE_ADDR="203.0.113.77"), "demo12345", "198.51.100.200").status_code in (403, 429)
    assert set(AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED).values_list("ip_address", flat=True)) == {
        "203.0.113.77"}


def _post(client, county, stamp, **extra):
    data = {"subject": "建议", "content": "希望多开培训。", "stamp": stamp}
    data.update(extra)
    return client.post(reverse("public_submit", args=[county.pk, "opinion"]), data)


def test_it_takes_one_message_per_form_stamp(column):
    stamp = ratelimit.form_stamp()
    assert _post(Client(), column.linyi, stamp).status_code == 302
    replay = _post(Client(), column.linyi, stamp)
    assert replay.status_code == 400 and "已提交过" in replay.content.decode()
    assert PublicSubmission.objects.count() == 1


def test_it_counts_an_oversize_upload_against_the_limit(column, settings, monkeypatch):
    settings.PUBLIC_RATE_LIMITS = {"submit": (2, 3600)}
    monkeypatch.setattr("etown.forms.submissions.PUBLIC_MAX_BYTES", 1024)
    client = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(2):
        big = SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")
        page = _post(client, column.linyi, ratelimit.form_stamp(), attachment=big).content.decode()
        assert "文件过大：" in page
    assert _post(client, column.linyi, ratelimit.form_stamp()).status_code == 429


def test_it_tells_the_duty_auditor_of_reports_in_one_digest(column, django_capture_on_commit_callbacks):
    from django.contrib.auth import get_user_model

    from etown import services

    second = get_user_model().objects.create_user("auditor2", password="x", email="a2@demo.invalid")
    services.membership_grant(user=second, role="auditor", county=column.linyi, by=column.system)
    duty = get_user_model().objects.create_user("duty", password="x", email="duty@demo.invalid")
    services.membership_grant(user=duty, role="auditor", county=column.linyi, by=column.system, is_head=True)
    from django.core import mail

    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            r = Client().post(reverse("public_submit", args=[column.linyi.pk, "report"]),
                              {"subject": f"举报{n}", "content": "培训签到表造假。", "stamp": ratelimit.form_stamp()})
        assert r.status_code == 302
    digests = Notification.objects.filter(kind="public_report")
    assert list(digests.values_list("user__username", "title")) == [("duty", "举报窗口有 3 件新举报待办理")]
    assert len([m for m in mail.outbox if "duty@demo.invalid" in m.to]) == 1
    assert not [m for m in mail.outbox if "a2@demo.invalid" in m.to]
