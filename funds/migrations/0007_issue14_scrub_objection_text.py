"""Issue 14: a citizen's objection text stays with those who handle it (the office and
auditors, on ``Objection``). Before this fix the text was also copied into the request's
approval trail (``RequestStep.note``) and its history reason, which the contractor and
the agency read. New objections write a fixed note (``OBJECTION_NOTE``); this migration
replaces the copies already written, so an upgraded deployment leaks nothing either."""
from django.db import migrations

# Frozen copies of funds.services.requests.OBJECTION_NOTE and the action's label: a
# migration must not import the live code, which may change.
OBJECTION_NOTE = "收到公示异议，申请暂停，待办公室核查处理"
OBJECTION_LABEL = "收到公示异议"


def scrub(apps, schema_editor):
    RequestStep = apps.get_model("funds", "RequestStep")
    RequestStep.objects.filter(action="objection").exclude(note=OBJECTION_NOTE).update(note=OBJECTION_NOTE)
    History = apps.get_model("funds", "HistoricalDisbursementRequest")
    prefix = f"{OBJECTION_LABEL}："
    (History.objects.filter(history_change_reason__contains=prefix)
     .exclude(history_change_reason__endswith=f"{prefix}{OBJECTION_NOTE}")
     .update(history_change_reason=f"{prefix}{OBJECTION_NOTE}"))


class Migration(migrations.Migration):
    dependencies = [("funds", "0006_issue12_county_chain")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
