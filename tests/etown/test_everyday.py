"""Issue 15, what a new user meets first: the way from the sign-in page to the public
column, a favicon, history rows whose user is gone, absolute links in mails, the unread
count on phones, the htmx configuration that keeps the CSP clean."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from etown.notifications import notify

pytestmark = pytest.mark.django_db


def test_it_links_the_sign_in_page_to_the_public_column(client, demo):
    body = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("public_index")}"' in body
    assert "公开专栏" in body


def test_it_leads_an_anonymous_visitor_at_the_root_to_the_public_column(client, demo):
    response = client.get("/", follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="{reverse("public_index")}"' in body
    # and the link works for the anonymous visitor
    assert client.get(reverse("public_index")).status_code == 200


def test_it_serves_a_favicon(client, demo):
    body = client.get(reverse("login")).content.decode()
    assert re.search(r'<link rel="icon"[^>]+href="/static/favicon', body)
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content[:4] == b"\x00\x00\x01\x00"  # an ICO file header


def test_it_turns_off_htmx_inline_indicator_styles(client, demo):
    """htmx inserts a <style> element unless told not to; the CSP (style-src 'self')
    refuses it and logs a violation on every page."""
    for response in (client.get(reverse("login")), client.get(reverse("public_index"))):
        body = response.content.decode()
        assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false}\'>' in body
    css = open("static/css/portal.css", encoding="utf-8").read()
    assert ".htmx-indicator" in css


def test_it_shows_notice_history_rows_whose_user_is_gone(demo, client_for):
    from tests.etown.public.conftest import running_notice

    notice = running_notice(demo.linyi, demo.office)
    notice.history.update(history_user=None)
    response = client_for(demo.office).get(reverse("notice_detail", args=[notice.pk]))
    assert response.status_code == 200
    assert "系统" in response.content.decode()


def test_it_puts_absolute_links_in_mails(demo, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://ezhen.example.gov.cn"
    demo.office.email = "office@example.gov.cn"
    demo.office.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[demo.office], title="待审核月报", body="请审核。", url="/supervision/reports/1/")
    assert "https://ezhen.example.gov.cn/supervision/reports/1/" in mail.outbox[-1].body
    # the in-app notification keeps the relative link (it opens on the same site)
    assert demo.office.notifications.latest("pk").url == "/supervision/reports/1/"


def test_it_shows_the_unread_count_outside_the_phone_menu(demo, client_for):
    notify(users=[demo.office], title="待审核月报", email=False)
    body = client_for(demo.office).get(reverse("dashboard")).content.decode()
    collapsed = body.split('id="mainnav"', 1)[0]
    assert 'data-testid="notification-bell-phone"' in collapsed
    assert re.search(r'data-testid="notification-bell-phone"[^>]*>.*?1', collapsed, re.S)


def test_it_keeps_the_user_of_the_history_when_the_account_is_deleted(demo, client_for):
    """A deleted account leaves history rows without a user (SET_NULL)."""
    from tests.etown.public.conftest import running_notice

    temp = get_user_model().objects.create_user("temp-office", password="x")
    notice = running_notice(demo.linyi, demo.office)
    notice.history.update(history_user=temp)
    temp.delete()
    assert client_for(demo.office).get(reverse("notice_detail", args=[notice.pk])).status_code == 200


def test_it_sums_up_a_forms_errors_at_the_top_with_links_to_the_fields(demo, client_for):
    from etown.models import ETown

    before = ETown.objects.count()
    response = client_for(demo.office).post(reverse("etown_create"), {"name": "", "planned_investment": "很多"})
    assert response.status_code == 200 and ETown.objects.count() == before
    body = response.content.decode()
    summary = body.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "提交未成功" in summary
    assert 'href="#id_name"' in summary
    # the summary comes before the first field
    assert body.index('data-testid="error-summary"') < body.index('id="id_name"')
    assert "js/etown/forms.js" in body
