"""Issue 14: the security audit log cannot be edited or deleted, also below the ORM.

On PostgreSQL a trigger refuses every UPDATE of ``etown_auditevent`` (except the user
link set to NULL when an account row is removed) and every DELETE of a row younger than
six months (网络安全法 第二十一条; prune_audit removes only older rows). TRUNCATE, which
only the test runner's flush and a restore use, is not a row event. Other databases rely
on the model's guard (AuditEvent.save/delete, AuditQuerySet).
"""
from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION etown_auditevent_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.user_id IS NULL AND OLD.user_id IS NOT NULL
           AND NEW.kind = OLD.kind AND NEW.at = OLD.at AND NEW.username = OLD.username
           AND NEW.ip_address IS NOT DISTINCT FROM OLD.ip_address
           AND NEW.path = OLD.path AND NEW.detail = OLD.detail THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '安全审计日志不能修改';
    END IF;
    IF OLD.at > now() - interval '183 days' THEN
        RAISE EXCEPTION '安全审计日志保存不少于六个月，不能删除';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS etown_auditevent_guard ON etown_auditevent;
CREATE TRIGGER etown_auditevent_guard BEFORE UPDATE OR DELETE ON etown_auditevent
    FOR EACH ROW EXECUTE FUNCTION etown_auditevent_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS etown_auditevent_guard ON etown_auditevent;
DROP FUNCTION IF EXISTS etown_auditevent_guard();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("etown", "0008_issue16_reminder_batch")]
    operations = [migrations.RunPython(forwards, backwards)]
