"""Chinese error pages with DEBUG off (issue 13): a request too big gets a 413 page in
Chinese rather than Django's bare English "Bad Request (400)"; 400, 403, 404, 500 and a
refused CSRF check are Chinese too."""
import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_a_request_over_the_size_limit_with_a_chinese_413(settings):
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post(reverse("login"), {"username": "x", "password": "y" * 5000})
    body = response.content.decode()
    assert response.status_code == 413
    assert "提交的内容过大" in body and "Bad Request" not in body


def test_it_answers_too_many_fields_with_the_413_page(settings):
    settings.DEBUG = False
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = Client().post(reverse("login"), {f"f{i}": "1" for i in range(50)})
    assert response.status_code == 413 and "提交的内容过大" in response.content.decode()


def test_it_answers_a_bad_request_in_chinese(settings, rf):
    from django.core.exceptions import SuspiciousOperation

    from etown.views.errors import bad_request

    response = bad_request(rf.get("/"), SuspiciousOperation("bad"))
    assert response.status_code == 400 and "请求无效" in response.content.decode()


def test_it_answers_404_and_403_in_chinese(settings, demo, client_for):
    settings.DEBUG = False
    client = client_for(demo.contractor)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    denied = client.get(reverse("etown_create"))
    assert denied.status_code == 403 and "无权" in denied.content.decode()


def test_it_answers_a_server_error_in_chinese(rf):
    from django.urls import get_resolver

    from etown import urls
    from etown.views.errors import server_error

    assert urls.handler500 == "etown.views.errors.server_error"
    assert get_resolver().resolve_error_handler(500) is server_error
    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "系统错误" in response.content.decode()


def test_it_answers_a_refused_csrf_check_in_chinese(settings, demo):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.office)
    response = client.post(reverse("notification_read"))
    assert response.status_code == 403 and "页面已过期" in response.content.decode()
