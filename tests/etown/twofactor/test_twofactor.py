"""A second factor for office heads and the three administrators (issue 14 finding 10;
等保 2.0 三级 身份鉴别 a: 采用口令、密码技术、生物技术等两种或两种以上组合的鉴别技术):
TOTP with recovery codes; off in the DEBUG demo."""
import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from etown.admin.roles import AUDIT_ADMIN
from etown.models import AuditEvent

pytestmark = pytest.mark.django_db


def code(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _signed_in(username):
    c = Client()
    assert c.post(reverse("login"), {"username": username, "password": "demo12345"}).status_code == 302
    return c


def _unthrottle():
    from django_otp.plugins.otp_static.models import StaticDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def test_it_is_off_in_the_demo_by_default(demo, settings):
    from etown import settings as real

    assert real.TWO_FACTOR_REQUIRED == (not real.DEBUG)
    assert _signed_in("office").get(reverse("dashboard")).status_code == 200  # tests run with DEBUG=1


def test_it_makes_an_office_head_enrol_then_verify_at_every_sign_in(demo, required):
    c = _signed_in("office")  # 王立新 is the office head
    r = c.get(reverse("etown_list"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("twofactor_setup"))
    page = c.get(reverse("twofactor_setup")).content.decode()
    assert "data:image/svg+xml;base64," in page and "两步验证" in page
    device = TOTPDevice.objects.get(user=demo.office, confirmed=False)
    wrong = c.post(reverse("twofactor_setup"), {"token": "000000" if code(device) != "000000" else "111111"})
    assert "验证码不正确" in wrong.content.decode()
    _unthrottle()  # django-otp slows down guessing after a failure; the test does not wait
    done = c.post(reverse("twofactor_setup"), {"token": code(device)})
    codes = done.content.decode().split('data-testid="recovery-codes">')[1].split("</ul>")[0]
    recovery = [line.split(">")[1].split("<")[0] for line in codes.split("<li") if ">" in line and "</li>" in line]
    assert len(recovery) == 10
    assert c.get(reverse("etown_list")).status_code == 200
    # The next sign-in asks for a code; the password alone is not enough.
    c = _signed_in("office")
    r = c.get(reverse("etown_list"))
    assert r["Location"].startswith(reverse("twofactor_verify"))
    assert "验证码不正确" in c.post(reverse("twofactor_verify"), {"token": "12345"}).content.decode()
    _unthrottle()
    ok = c.post(reverse("twofactor_verify"), {"token": recovery[0], "next": reverse("etown_list")})
    assert ok.status_code == 302 and ok["Location"] == reverse("etown_list")
    assert c.get(reverse("etown_list")).status_code == 200
    # A recovery code works once.
    c = _signed_in("office")
    assert c.post(reverse("twofactor_verify"), {"token": recovery[0]}).status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN, user=demo.office, detail__contains="恢复码").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOGIN_FAILED, user=demo.office, detail__contains="两步验证").exists()


def test_it_requires_it_of_administrators_but_not_of_contractors(demo, required):
    assert _signed_in("contractor").get(reverse("etown_list")).status_code == 200
    demo.finance.groups.add(Group.objects.get(name=AUDIT_ADMIN))
    r = _signed_in("finance").get(reverse("etown_list"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("twofactor_setup"))


def test_it_links_the_enrolment_page_from_the_user_menu(demo, client_for):
    assert reverse("twofactor_setup") in client_for(demo.contractor).get(reverse("dashboard")).content.decode()


def test_it_names_the_same_administrator_groups_as_the_admin():
    from etown.admin.roles import ADMIN_GROUPS
    from etown.services.twofactor import ADMIN_GROUP_NAMES

    assert tuple(ADMIN_GROUP_NAMES) == tuple(ADMIN_GROUPS)
