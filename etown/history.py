"""The change log of an e-town: who changed what, when and why, across its registry
records (and whatever other apps register), read from django-simple-history."""
from dataclasses import dataclass

from django.db.models import Q

HISTORY_SOURCES = []  # (label, callable(etown) -> historical queryset)


def register_history_source(label, queryset_for_etown):
    """Apps above etown register the history of their records of an e-town here."""
    if label not in {s[0] for s in HISTORY_SOURCES}:
        HISTORY_SOURCES.append((label, queryset_for_etown))


@dataclass
class Change:
    at: object
    user: object
    kind: str  # 新增 / 修改 / 删除
    label: str  # what kind of record
    record: str  # which one
    reason: str
    fields: list  # [(verbose name, old, new)]


TYPE_LABELS = {"+": "新增", "~": "修改", "-": "删除"}
MAX_ROWS = 2000


def _display(record, field_name, value):
    field = record.instance_type._meta.get_field(field_name)
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if value in (None, ""):
        return "—"
    return value


def _registry_sources(etown):
    from .models import Contract, ETown, Indicator, Task

    return [
        ("项目", ETown.history.filter(id=etown.pk)),
        ("合同", Contract.history.filter(etown_id=etown.pk)),
        ("建设任务", Task.history.filter(etown_id=etown.pk)),
        ("绩效目标", Indicator.history.filter(etown_id=etown.pk)),
    ] + [(label, source(etown)) for label, source in HISTORY_SOURCES]


def changes_for_etown(etown, *, user_id=None):
    """All changes, newest first. One query per source whatever the number of rows;
    the diff of each row against the previous version of the same record is computed
    in Python from the rows already loaded."""
    changes = []
    for label, qs in _registry_sources(etown):
        if user_id:
            qs = qs.filter(Q(history_user_id=user_id))
        rows = list(qs.select_related("history_user").order_by("id", "history_date", "history_id")[:MAX_ROWS])
        previous = {}
        for row in rows:
            before = previous.get(row.id)
            fields = []
            if before is not None and row.history_type == "~":
                delta = row.diff_against(before)
                for change in delta.changes:
                    verbose = str(row.instance_type._meta.get_field(change.field).verbose_name)
                    fields.append(
                        (verbose, _display(row, change.field, change.old), _display(row, change.field, change.new))
                    )
            previous[row.id] = row
            if row.history_type == "~" and before is not None and not fields and not row.history_change_reason:
                continue  # a save that changed nothing
            changes.append(
                Change(
                    at=row.history_date,
                    user=row.history_user,
                    kind=TYPE_LABELS.get(row.history_type, row.history_type),
                    label=label,
                    record=str(row.instance),
                    reason=row.history_change_reason or "",
                    fields=fields,
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
