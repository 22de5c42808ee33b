"""The audit trail answers "who saw or changed what, from where" (issue 14 finding 8;
等保 2.0 安全审计; 网络安全法 第二十一条): sign-in, failure, lockout, sign-out, password
change, refusal (with address and path, once), download and write; nobody edits or
deletes it, and it is kept at least six months."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from etown.models import AuditEvent
from etown.models.audit import ImmutableAuditError

pytestmark = pytest.mark.django_db
K = AuditEvent.Kind


def test_it_records_a_lockout_as_such(demo):
    for _ in range(6):
        Client(REMOTE_ADDR="198.51.100.7").post(reverse("login"), {"username": "office", "password": "wrong"})
    locked = AuditEvent.objects.filter(kind=K.LOCKED, username="office")
    assert locked.exists() and locked.first().ip_address == "198.51.100.7"


def test_it_records_a_password_change(demo, client_for):
    c = Client(REMOTE_ADDR="203.0.113.4")
    c.force_login(demo.office)
    r = c.post(reverse("password_change"), {"old_password": "demo12345", "new_password1": "Xy-secret-2026",
                                              "new_password2": "Xy-secret-2026"})
    assert r.status_code == 302
    event = AuditEvent.objects.get(kind=K.PASSWORD_CHANGED, user=demo.office)
    assert event.ip_address == "203.0.113.4" and event.path == reverse("password_change")


def test_it_records_a_refusal_raised_in_a_view_once_with_address_and_path(demo):
    c = Client(REMOTE_ADDR="203.0.113.9")
    c.force_login(demo.contractor)
    assert c.get(reverse("organization_list")).status_code == 403
    denied = AuditEvent.objects.filter(kind=K.DENIED, user=demo.contractor)
    assert denied.count() == 1
    assert (denied.get().ip_address, denied.get().path) == ("203.0.113.9", reverse("organization_list"))
    # A refusal already recorded by the fetch-and-authorise helper is not recorded twice.
    url = reverse("etown_edit", args=[demo.etown.pk])
    assert c.get(url).status_code == 403
    again = AuditEvent.objects.filter(kind=K.DENIED, user=demo.contractor, path=url)
    assert again.count() == 1 and again.get().ip_address == "203.0.113.9"


def test_it_records_an_outsiders_404_with_address_and_path(demo):
    c = Client(REMOTE_ADDR="203.0.113.10")
    c.force_login(demo.contractor2)
    url = reverse("etown_detail", args=[demo.etown.pk])
    assert c.get(url).status_code == 404
    assert AuditEvent.objects.filter(kind=K.DENIED, user=demo.contractor2, path=url, ip_address="203.0.113.10").exists()


def test_it_records_every_write_with_its_outcome(demo, client_for):
    c = client_for(demo.office)
    c.post(reverse("notification_read"), {})
    write = AuditEvent.objects.get(kind=K.WRITE, user=demo.office)
    assert write.path == reverse("notification_read") and write.detail.startswith("POST ")


def test_it_lets_nobody_edit_or_delete_the_trail(demo, client_for):
    Client().post(reverse("login"), {"username": "office", "password": "wrong"})
    event = AuditEvent.objects.get(kind=K.LOGIN_FAILED)
    event.detail = "篡改"
    with pytest.raises(ImmutableAuditError):
        event.save()
    with pytest.raises(ImmutableAuditError):
        event.delete()
    with pytest.raises(ImmutableAuditError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="篡改")
    with pytest.raises(ImmutableAuditError):
        AuditEvent.objects.all().delete()
    root = get_user_model().objects.create_superuser("root", password="x")
    c = client_for(root)
    assert c.post(reverse("admin:etown_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code in (403, 302)
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()


def test_it_keeps_the_trail_six_months_whatever_the_setting(demo, settings):
    from django.core.management import call_command

    settings.AUDIT_RETENTION_DAYS = 30  # too short: six months hold all the same
    Client().post(reverse("login"), {"username": "office", "password": "wrong"})
    Client().post(reverse("login"), {"username": "office", "password": "wrong"})
    young, old = AuditEvent.objects.filter(kind=K.LOGIN_FAILED)
    # Age the rows below the ORM guard, as time would.
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:  # the database's own guard (migration 0009) refuses any UPDATE
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE etown_auditevent SET at = %s WHERE id = %s", [timezone.now() - timedelta(days=100), young.pk])
        cursor.execute("UPDATE etown_auditevent SET at = %s WHERE id = %s", [timezone.now() - timedelta(days=200), old.pk])
        if postgres:
            cursor.execute("SET LOCAL session_replication_role = origin")
    call_command("prune_audit")
    assert AuditEvent.objects.filter(pk=young.pk).exists()
    assert not AuditEvent.objects.filter(pk=old.pk).exists()


def test_it_guards_the_trail_in_the_database_too(demo):
    """On PostgreSQL (production and CI) a trigger refuses UPDATE and a DELETE of a young
    row even below the ORM."""
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the database trigger is PostgreSQL's; SQLite relies on the model's guard")
    Client().post(reverse("login"), {"username": "office", "password": "wrong"})
    event = AuditEvent.objects.get(kind=K.LOGIN_FAILED)
    for sql in ("UPDATE etown_auditevent SET detail = 'x' WHERE id = %s", "DELETE FROM etown_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()
