"""Who changed what, when and why, read from django-simple-history.

Two views of the same rows:

- ``changes_for_etown``: the change log of one e-town (its registry records and whatever
  other apps register), for everyone who may read the e-town;
- ``county_changes``: the auditor's trail across the county (004 §9(4): 县纪委、审计局等
  部门全程跟踪督查), filterable by user, kind of record, e-town and date, paged by a
  cursor so that every page costs the same few queries however long the history is.

Other apps register their records with ``register_history_source``.
"""
import datetime
import functools
from dataclasses import dataclass, field
from typing import Callable

from django.db import connections
from django.db.models import OuterRef, Q, Subquery, Value
from django.utils import timezone

HISTORY_SOURCES = []  # (label, callable(etown) -> historical queryset, TrailSource or None)


@dataclass(frozen=True)
class TrailSource:
    """A kind of record with history. ``county_lookup`` filters its historical rows to
    counties (e.g. ``"etown__county_id"``); ``etown_attr`` names the attribute of a row
    that holds its e-town's id (None: not tied to an e-town)."""

    label: str
    model: type  # the historical model
    county_lookup: str
    etown_attr: str | None = "etown_id"
    describe: Callable | None = None  # historical row -> str; default: its name/title
    related: tuple = ()  # select_related for ``describe``
    public_etown_log: bool = True  # shown in the per-e-town change log
    # Shown in that log to the e-town's contractor and agency too. Off unless a kind holds
    # nothing they must not read (draft letters, interviews, escalation to termination,
    # draft notices and documents are government-only).
    shared: bool = False
    # ``scope(historical queryset, user) -> queryset``: narrows a shared kind to what one
    # reader may see, e.g. a contractor's own contract's rows when two contractors share the
    # e-town (issue 11; 004 附件2 第十一条). Registered by the app that owns the records, so
    # etown imports none of them; it must add no query of its own.
    scope: Callable | None = None

    def record(self, row):
        if self.describe is not None:
            return self.describe(row)
        for attr in ("name", "title", "subject", "number"):
            value = getattr(row, attr, None)
            if value:
                return str(value)
        return f"{self.model._meta.verbose_name} #{row.id}"


def register_history_source(label, queryset_for_etown, *, county_lookup=None, describe=None, shared=False,
                            scope=None):
    """Apps above etown register the history of their records here.

    ``queryset_for_etown(etown)`` gives the historical rows of one e-town (its change
    log). For the county-wide trail the historical model is taken from that queryset and
    filtered on ``county_lookup`` (default ``"etown__county_id"``, right for any record
    with an ``etown`` foreign key). ``shared=True`` shows the kind in the e-town's log to
    its contractor and agency as well; otherwise only government roles see it there.
    ``scope(qs, user)`` then narrows the rows to what that reader may see (per contract)."""
    if label in {s[0] for s in HISTORY_SOURCES}:
        return
    from .models import ETown

    model = queryset_for_etown(ETown(pk=0)).model
    lookup = county_lookup or "etown__county_id"
    source = TrailSource(
        label, model, lookup, "etown_id" if _has_field(model, "etown") else None, describe, shared=shared,
        scope=scope,
    )
    HISTORY_SOURCES.append((label, queryset_for_etown, source))


def _has_field(model, name):
    try:
        model._meta.get_field(name)
        return True
    except Exception:
        return False


def _membership(row):
    user = row.user
    who = (user.get_full_name() or user.username) if user else f"用户 #{row.user_id}"
    return f"{who} · {row.get_role_display()}"


def _submission(row):
    return f"{row.get_kind_display()}：{row.subject}"


def _profile(row):
    return f"{row.etown.name if row.etown else '项目'} 公开专栏"


def trail_sources():
    """Every kind of record the county-wide trail covers, in a fixed order (the cursor
    refers to positions in this list)."""
    return [*_own_sources()] + [source for _, _, source in HISTORY_SOURCES]


@functools.cache
def _own_sources():
    """etown's own kinds, built once per process: ``Model.history`` makes a new manager
    class at every access (simple-history), and the trail's page and its filter form read
    these eleven kinds on every request (20 ms a page on a slow machine, issue 16)."""
    from .models import (
        Contract, County, ETown, Indicator, Membership, Notice, Organization, PublicDocument, PublicProfile,
        PublicSubmission, Task,
    )

    return (
        TrailSource("项目", ETown.history.model, "county_id", "id", shared=True),
        TrailSource("合同", Contract.history.model, "etown__county_id",
                    describe=lambda r: f"{r.title}（{r.number}）", shared=True),
        TrailSource("建设任务", Task.history.model, "etown__county_id", shared=True),
        TrailSource("绩效目标", Indicator.history.model, "etown__county_id", shared=True),
        TrailSource("专栏公示", Notice.history.model, "county_id"),
        TrailSource("公开专栏设置", PublicProfile.history.model, "etown__county_id", describe=_profile,
                    related=("etown",)),
        TrailSource("专栏公开文件", PublicDocument.history.model, "county_id"),
        # Not in the per-e-town log, which contractors read: reports are for auditors.
        TrailSource("意见与举报", PublicSubmission.history.model, "county_id", describe=_submission,
                    public_etown_log=False),
        TrailSource("区县", County.history.model, "id", None),
        TrailSource("单位", Organization.history.model, "county_id", None),
        TrailSource("用户角色", Membership.history.model, "county_id", None, describe=_membership,
                    related=("user",)),
    )


@dataclass
class Change:
    at: object
    user: object
    kind: str  # 新增 / 修改 / 删除
    label: str  # what kind of record
    record: str  # which one
    reason: str
    fields: list  # [(verbose name, old, new)]
    etown_id: int | None = None
    cursor: str = field(default="", repr=False)


TYPE_LABELS = {"+": "新增", "~": "修改", "-": "删除"}
MAX_ROWS = 2000


def _display(record, field_name, value):
    model_field = record.instance_type._meta.get_field(field_name)
    if model_field.choices and value not in (None, ""):
        return dict(model_field.flatchoices).get(value, value)
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "—"
    return value


def _field_changes(row, before):
    if before is None or row.history_type != "~":
        return []
    fields = []
    # Every tracked field, the non-editable ones included (simple-history's diff skips
    # them): they are the ones only services set, such as an indicator's actual value or
    # a contract's final acceptance date, and an auditor must see them change.
    for model_field in row.tracked_fields:
        if model_field.name == "id":
            continue
        old, new = getattr(before, model_field.attname), getattr(row, model_field.attname)
        if old != new:
            fields.append((
                str(row.instance_type._meta.get_field(model_field.name).verbose_name),
                _display(row, model_field.name, old),
                _display(row, model_field.name, new),
            ))
    return fields


def _is_noise(row, before, fields):
    """A save that changed nothing and gave no reason."""
    return row.history_type == "~" and before is not None and not fields and not row.history_change_reason


# One e-town's change log ------------------------------------------------------------------


def _etown_sources(etown, full=True, viewer=None):
    """(source, historical queryset of this e-town): etown's own kinds filtered on the
    e-town, and each registered source's own queryset; only the shared kinds unless
    ``full`` (a government reader), each narrowed by its ``scope`` to what ``viewer`` may
    see."""
    registered = {s.label: qs_for for _, qs_for, s in HISTORY_SOURCES}
    sources = []
    for source in trail_sources():
        if not full and not source.shared:
            continue
        if source.label in registered:
            qs = registered[source.label](etown)
            if viewer is not None and source.scope is not None:
                qs = source.scope(qs, viewer)
            sources.append((source, qs))
        elif source.public_etown_log and source.etown_attr is not None:
            lookup = "id" if source.etown_attr == "id" else "etown_id"
            sources.append((source, source.model.objects.filter(**{lookup: etown.pk})))
    return sources


def changes_for_etown(etown, *, user_id=None, full=True, viewer=None):
    """All changes, newest first, of the kinds ``viewer`` may read (see ``_etown_sources``).
    One query per source whatever the number of rows;
    the diff of each row against the previous version of the same record is computed
    in Python from the rows already loaded."""
    changes = []
    for source, qs in _etown_sources(etown, full, viewer):
        if user_id:
            qs = qs.filter(Q(history_user_id=user_id))
        rows = list(
            qs.select_related("history_user", *source.related).order_by("id", "history_date", "history_id")[:MAX_ROWS]
        )
        previous = {}
        for row in rows:
            before = previous.get(row.id)
            fields = _field_changes(row, before)
            previous[row.id] = row
            if _is_noise(row, before, fields):
                continue
            changes.append(
                Change(
                    at=row.history_date, user=row.history_user, kind=TYPE_LABELS.get(row.history_type, row.history_type),
                    label=source.label, record=source.record(row), reason=row.history_change_reason or "",
                    fields=fields, etown_id=etown.pk,
                )
            )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes


# The county-wide trail ----------------------------------------------------------------------


def _parse_cursor(text):
    """``"<iso datetime>|<source index>|<history id>"`` → tuple, or None."""
    try:
        at, index, history_id = (text or "").split("|")
        return datetime.datetime.fromisoformat(at), int(index), int(history_id)
    except ValueError:
        return None


def _after_cursor(index, cursor):
    """Rows of source ``index`` that come after ``cursor`` in the order (date desc,
    source index asc, history id desc)."""
    at, cursor_index, cursor_id = cursor
    if index < cursor_index:
        return Q(history_date__lt=at)
    if index > cursor_index:
        return Q(history_date__lte=at)
    return Q(history_date__lt=at) | Q(history_date=at, history_id__lt=cursor_id)


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def county_changes(*, county_ids, user_id=None, label="", etown_id=None, date_from=None, date_to=None, cursor="",
                   per_page=50, user_ids=None, etown_ids=None):
    """One page of the trail across ``county_ids`` (None: the whole country), newest
    first. Returns (changes, next_cursor or "").

    ``user_ids`` and ``etown_ids`` (ids, or a queryset of them) narrow it like
    ``user_id`` and ``etown_id``, for a search by name over a wide scope.

    Two passes, so that a page loads 50 history rows and not 50 per kind of record (26
    kinds: 1,326 wide rows for a national auditor's page, issue 16): the dates and ids of
    each kind's newest rows (one UNION ALL on PostgreSQL, one query per kind on SQLite),
    merged into the page; then, per kind on the page, its rows (with the id of each row's
    previous version as a subquery) and, when some are edits, those previous versions.
    At most 1 + 2 × the number of kinds on PostgreSQL, whatever the row count."""
    position = _parse_cursor(cursor)
    sources = trail_sources()
    newest = []  # per kind: the dates and ids of its newest rows
    for index, source in enumerate(sources):
        if label and source.label != label:
            continue
        if (etown_id or etown_ids is not None) and source.etown_attr is None:
            continue
        qs = source.model.objects.all()
        if county_ids is not None:
            qs = qs.filter(**{f"{source.county_lookup}__in": county_ids})
        etown_field = "id" if source.etown_attr == "id" else "etown_id"
        if etown_id:
            qs = qs.filter(**{etown_field: etown_id})
        if etown_ids is not None:
            qs = qs.filter(**{f"{etown_field}__in": etown_ids})
        if user_id:
            qs = qs.filter(history_user_id=user_id)
        if user_ids is not None:
            qs = qs.filter(history_user_id__in=user_ids)
        if date_from:
            qs = qs.filter(history_date__gte=_day_start(date_from))
        if date_to:
            qs = qs.filter(history_date__lt=_day_start(date_to + datetime.timedelta(days=1)))
        if position:
            qs = qs.filter(_after_cursor(index, position))
        newest.append(
            qs.annotate(source_index=Value(index)).order_by("-history_date", "-history_id")
            .values_list("history_date", "source_index", "history_id")[: per_page + 1]
        )
    if newest and connections[newest[0].db].features.supports_slicing_ordering_in_compound:
        # PostgreSQL: every kind's newest rows in one UNION ALL of ordered, limited parts.
        candidates = list(newest[0].union(*newest[1:], all=True)) if len(newest) > 1 else list(newest[0])
    else:  # SQLite cannot limit the parts of a compound statement: one query per kind
        candidates = [row for qs in newest for row in qs]
    candidates = [(at, index, history_id) for at, index, history_id in candidates]
    # Newest first; ties broken by source position, then newest history row.
    candidates.sort(key=lambda c: (c[0], -c[1], c[2]), reverse=True)
    page, more = candidates[:per_page], len(candidates) > per_page

    on_page = {}
    for _at, index, history_id in page:
        on_page.setdefault(index, set()).add(history_id)
    rows = {}
    for index, ids in on_page.items():
        model = sources[index].model
        previous = model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by("-history_id")
        for row in model.objects.filter(history_id__in=ids).select_related(
            "history_user", *sources[index].related
        ).annotate(previous_id=Subquery(previous.values("history_id")[:1])):
            rows[(index, row.history_id)] = row

    wanted = {}
    for (index, _history_id), row in rows.items():
        if row.history_type == "~" and row.previous_id:
            wanted.setdefault(index, set()).add(row.previous_id)
    before_rows = {}
    for index, ids in wanted.items():
        for prev in sources[index].model.objects.filter(history_id__in=ids):
            before_rows[(index, prev.history_id)] = prev

    changes = []
    for _at, index, history_id in page:
        source, row = sources[index], rows[(index, history_id)]
        before = before_rows.get((index, row.previous_id))
        fields = _field_changes(row, before)
        etown = getattr(row, source.etown_attr) if source.etown_attr else None
        changes.append(
            Change(
                at=row.history_date, user=row.history_user, kind=TYPE_LABELS.get(row.history_type, row.history_type),
                label=source.label, record=source.record(row), reason=row.history_change_reason or "",
                fields=fields, etown_id=etown, cursor=f"{row.history_date.isoformat()}|{index}|{row.history_id}",
            )
        )
    return changes, (changes[-1].cursor if more and changes else "")
