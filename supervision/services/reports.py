"""Every write to the monthly reports.

States (临猗 004 annex 4 §1(2), 通城 001 §1(2): the contractor reports every month in
writing; the office checks): draft → submitted → accepted, or → returned (with a reason)
→ resubmitted → accepted or returned again. Only the contractor edits and submits; only
the county's office accepts or returns; an accepted report is frozen. Each transition is
one of the functions below: atomic, the report row locked, the actor and the reason
recorded in the history (``save_with_history``).

Acceptance makes the report the source of the registry's figures: the tasks' progress
and the targets' latest actual values (``etown.services.task_record_progress`` and
``indicator_record_actual``), unless a report of a later month was accepted before.
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from etown import services as registry
from etown.models import County, ETown, StoredFile
from etown.notifications import Due, notify, remind_many
from etown.permissions import require
from etown.recipients import contractor_users, office_users
from etown.services import save_with_history
from etown.uploads import DOCUMENTS, file_store

from ..models import MonthlyReport, MonthlyReportIndicatorLine, MonthlyReportTaskLine
from ..models.reports import add_months, first_of_month
from ..permissions import can_edit_report, can_file_reports, can_review_report, can_withdraw_report
from ..selectors.scope import own_contracts
from ..selectors.reports import (
    RATE_UNITS,
    contractor_users_by_contract,
    due_date_for,
    late_contracts,
    open_months,
)

MAX_ATTACHMENTS = 30
EDITABLE_FIELDS = ("work_summary", "fund_use", "next_plan")
# Overdue reminders look back this far: a sweep that missed days still catches up, and
# the first run after deployment does not flood a contractor with years of old months.
OVERDUE_WINDOW_DAYS = 62


def task_field(task_id, name):
    """The form field (and error key) of a task line's value: ``task_12_progress``."""
    return f"task_{task_id}_{name}"


def indicator_field(indicator_id, name):
    return f"ind_{indicator_id}_{name}"


def _filers(report):
    """The staff of the company whose report it is (issue 11), or of every contractor of
    the e-town for a report filed with no contract."""
    if report.contract_id:
        return contractor_users(contract=report.contract)
    return contractor_users(etown=report.etown)


def _lock(report):
    return MonthlyReport.objects.select_for_update().select_related("etown__county").get(pk=report.pk)


# Lines ------------------------------------------------------------------------------


def _sync_lines(report, *, by):
    """Give the report a line for every task and target of its e-town (those added after
    the draft was opened too). New task lines start from the task's current progress."""
    etown = report.etown
    have_tasks = set(report.task_lines.values_list("task_id", flat=True))
    have_indicators = set(report.indicator_lines.values_list("indicator_id", flat=True))
    new_tasks = [
        MonthlyReportTaskLine(report=report, task=t, progress=t.progress)
        for t in etown.tasks.exclude(pk__in=have_tasks)
    ]
    new_indicators = [
        MonthlyReportIndicatorLine(report=report, indicator=i, unit=i.unit, target=i.target)
        for i in etown.indicators.exclude(pk__in=have_indicators)
    ]
    if new_tasks:
        bulk_create_with_history(new_tasks, MonthlyReportTaskLine, default_user=by, default_change_reason="月报新增任务行")
    if new_indicators:
        bulk_create_with_history(
            new_indicators, MonthlyReportIndicatorLine, default_user=by, default_change_reason="月报新增指标行",
        )


def _previous_cumulative(report, indicator):
    """The base the month's figure adds to: the cumulative value of the latest accepted
    report before this one (of the same year for a yearly target). Zero at the start of
    a yearly target's year and in the first reporting month; None when unknown."""
    qs = MonthlyReportIndicatorLine.objects.filter(
        indicator=indicator, report__status=MonthlyReport.Status.ACCEPTED, report__period__lt=report.period,
        report__contract_id=report.contract_id, cumulative_value__isnull=False,
    )
    if indicator.period == indicator.Period.YEARLY:
        qs = qs.filter(report__period__year=report.period.year)
    previous = qs.order_by("-report__period").values_list("cumulative_value", flat=True).first()
    if previous is not None:
        return previous
    if indicator.period == indicator.Period.YEARLY and report.period.month == 1:
        return Decimal("0")
    if not MonthlyReport.objects.filter(
        etown_id=report.etown_id, contract_id=report.contract_id, period__lt=report.period,
    ).exists():
        return Decimal("0")
    return None


def _check_value(errors, key, value, *, rate):
    if value is None:
        return
    if not rate and value < 0:
        errors[key] = "数值不能为负数。"


def _apply_indicator_lines(report, values, *, errors):
    lines = list(report.indicator_lines.select_related("indicator"))
    changed = []
    for line in lines:
        data = values.get(line.indicator_id)
        indicator = line.indicator
        # Keep the unit and target the report is judged against until it is frozen.
        snapshot_changed = line.unit != indicator.unit or line.target != indicator.target
        line.unit, line.target = indicator.unit, indicator.target
        if data is None:
            if snapshot_changed:
                changed.append(line)
            continue
        month, cumulative = data.get("month_value"), data.get("cumulative_value")
        rate = indicator.unit.strip() in RATE_UNITS
        _check_value(errors, indicator_field(indicator.pk, "month_value"), month, rate=rate)
        _check_value(errors, indicator_field(indicator.pk, "cumulative_value"), cumulative, rate=rate)
        if cumulative is None and month is not None and not rate:
            base = _previous_cumulative(report, indicator)
            if base is not None:
                cumulative = base + month
        if cumulative is not None and month is not None and not rate and cumulative < month:
            errors[indicator_field(indicator.pk, "cumulative_value")] = "累计值不能小于本月值。"
        new = (month, cumulative, (data.get("note") or "").strip())
        if new != (line.month_value, line.cumulative_value, line.note) or snapshot_changed:
            line.month_value, line.cumulative_value, line.note = new
            changed.append(line)
    return changed


def _progress_baseline(report):
    """{task_id: progress} a report's progress is compared with: the accepted report of the
    month before it, not a later month accepted first (issue 15: a late October report
    filed after November's was asked to explain a 'drop' from November). With no accepted
    month before it, the registry's progress, unless that came from a later month."""
    accepted = MonthlyReport.objects.filter(
        etown_id=report.etown_id, contract_id=report.contract_id, status=MonthlyReport.Status.ACCEPTED,
    )
    previous = accepted.filter(period__lt=report.period).order_by("-period").first()
    if previous is not None:
        return {k: v for k, v in previous.task_lines.values_list("task_id", "progress") if v is not None}
    if accepted.filter(period__gt=report.period).exists():
        return {}
    return dict(report.etown.tasks.values_list("pk", "progress"))


def _apply_task_lines(report, values, *, errors):
    lines = list(report.task_lines.select_related("task"))
    baseline = _progress_baseline(report) if values else {}
    changed = []
    for line in lines:
        data = values.get(line.task_id)
        if data is None:
            continue
        progress, note = data.get("progress"), (data.get("note") or "").strip()
        key = task_field(line.task_id, "progress")
        if progress is not None and not 0 <= progress <= 100:
            errors[key] = "完成进度须在 0 到 100 之间。"
        elif progress is not None and progress < baseline.get(line.task_id, 0) and not note:
            # Progress once accepted does not go back silently (004 annex 4 §1(5): 避免数据弄虚作假).
            errors[task_field(line.task_id, "note")] = (
                f"进度低于已审核的 {baseline[line.task_id]}%，请在进展说明中写明原因。"
            )
        if (progress, note) != (line.progress, line.note):
            line.progress, line.note = progress, note
            changed.append(line)
    return changed


# Transitions ------------------------------------------------------------------------


def _filing_contract(etown, by, contract):
    """The contract a report is filed under: ``contract`` when given (one of the filer's
    company's), else the filer's company's live contract on the e-town (the oldest when
    it holds several). Each contractor of an e-town files its own report (issue 11; 004
    附件2 第十一条)."""
    own = own_contracts(by, etown)
    if contract is None:
        if not own:
            raise PermissionDenied("您所在企业在本项目没有履行中的合同，不能填报月度报告。")
        return own[0]
    if contract.pk not in {c.pk for c in own}:
        raise PermissionDenied("只能就本企业承担的合同填报月度报告。")
    return contract


@transaction.atomic
def monthly_report_create(*, etown, period, by, today=None, contract=None):
    """Open the draft of ``period``'s report of the filer's contract, with a line for
    every task and target."""
    today = today or timezone.localdate()
    # Lock the e-town so that two clicks make one report, not an IntegrityError.
    etown = ETown.objects.select_for_update().select_related("county").get(pk=etown.pk)
    require(can_file_reports(by, etown))
    contract = _filing_contract(etown, by, contract)
    period = first_of_month(period)
    if period not in open_months(etown, today):
        raise ValidationError({"period": f"{period.year}年{period.month}月不在本项目的填报期内（自项目实施之月起至本月）。"})
    if MonthlyReport.objects.filter(etown=etown, contract=contract, period=period).exists():
        raise ValidationError({"period": f"{period.year}年{period.month}月的月报已存在。"})
    report = MonthlyReport(
        etown=etown, contract=contract, period=period, due_date=due_date_for(etown.county, period), created_by=by,
    )
    save_with_history(report, by=by, reason="创建月报草稿")
    _sync_lines(report, by=by)
    return report


@transaction.atomic
def monthly_report_update(
    *, report, by, task_values=None, indicator_values=None, add_files=(), remove_files=(), reason="保存月报", **fields,
):
    """Change an open report (draft or returned). ``task_values``: {task_id: {"progress",
    "note"}}; ``indicator_values``: {indicator_id: {"month_value", "cumulative_value",
    "note"}} (a blank cumulative value with a month value is the previous accepted
    cumulative plus the month); ``fields``: work_summary, fund_use, next_plan."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {', '.join(sorted(unknown))}")
    report = _lock(report)
    require(can_edit_report(by, report))
    errors = {}
    if fields.get("fund_use") is not None and fields["fund_use"] < 0:
        errors["fund_use"] = "资金使用金额不能为负数。"
    _sync_lines(report, by=by)
    task_changes = _apply_task_lines(report, task_values or {}, errors=errors)
    indicator_changes = _apply_indicator_lines(report, indicator_values or {}, errors=errors)
    remove_ids = {f.pk if hasattr(f, "pk") else int(f) for f in remove_files}
    current = set(report.attachments.values_list("pk", flat=True))
    if len(current - remove_ids) + len(add_files) > MAX_ATTACHMENTS:
        errors["attachments"] = f"每份月报最多 {MAX_ATTACHMENTS} 个附件。"
    if errors:
        raise ValidationError(errors)
    for line in task_changes + indicator_changes:
        save_with_history(line, by=by, reason=reason)
    for name, value in fields.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    if remove_ids & current:
        report.attachments.remove(*(remove_ids & current))
    stored = [
        file_store(
            upload=f, county=report.etown.county, etown=report.etown, by=by, access=StoredFile.Access.ETOWN,
            purpose="月报附件", allowed=DOCUMENTS,
        )
        for f in add_files
    ]
    if stored:
        report.attachments.add(*stored)
    note = reason
    if stored or remove_ids & current:
        note = f"{reason}（附件 +{len(stored)} / -{len(remove_ids & current)}）"
    return save_with_history(report, by=by, reason=note)


def _missing_for_submission(report):
    errors = {}
    if not report.work_summary.strip():
        errors["work_summary"] = "请填写本月工作总结。"
    if report.fund_use is None:
        errors["fund_use"] = "请填写本月专项资金使用金额（没有支出请填 0）。"
    for line in report.task_lines.all():
        if line.progress is None:
            errors[task_field(line.task_id, "progress")] = "请填写完成进度。"
    for line in report.indicator_lines.all():
        if line.cumulative_value is None:
            errors[indicator_field(line.indicator_id, "cumulative_value")] = "请填写累计值。"
    return errors


@transaction.atomic
def monthly_report_submit(*, report, by, today=None):
    """Send the report to the office: draft → submitted, returned → resubmitted. The
    first submission's date decides whether it was late; the due date is worked out
    again then, so a calendar corrected meanwhile (a year's holidays entered) counts."""
    today = today or timezone.localdate()
    report = _lock(report)
    require(can_edit_report(by, report))
    _sync_lines(report, by=by)
    errors = _missing_for_submission(report)
    if errors:
        raise ValidationError(errors)
    resubmission = report.status == MonthlyReport.Status.RETURNED
    report.status = MonthlyReport.Status.RESUBMITTED if resubmission else MonthlyReport.Status.SUBMITTED
    if report.first_submitted_on is None:
        report.due_date = due_date_for(report.etown.county, report.period)
        report.first_submitted_on = today
    report.submitted_at = timezone.now()
    report.submitted_by = by
    save_with_history(report, by=by, reason="重新报送月报" if resubmission else "报送月报")
    notify(
        users=office_users(report.etown.county_id),
        title=f"{report.etown.name}{report.period_label}月报{'已重新报送' if resubmission else '已报送'}，待审核",
        body=f"报送人：{by.get_full_name() or by.get_username()}。",
        url=report.get_absolute_url(),
        kind="monthly_report_submitted",
    )
    return report


@transaction.atomic
def monthly_report_return(*, report, by, reason):
    """Send the report back to the contractor with the reason (what to correct)."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请填写退回原因，说明需要补充或更正的内容。"})
    report = _lock(report)
    require(can_review_report(by, report))
    report.status = MonthlyReport.Status.RETURNED
    report.return_reason = reason
    report.return_count += 1
    report.reviewed_at = timezone.now()
    report.reviewed_by = by
    save_with_history(report, by=by, reason=f"退回：{reason}")
    notify(
        users=_filers(report),
        title=f"{report.etown.name}{report.period_label}月报被退回",
        body=f"退回原因：{reason}",
        url=report.get_absolute_url(),
        kind="monthly_report_returned",
    )
    return report


@transaction.atomic
def monthly_report_withdraw(*, report, by):
    """The contractor takes back a submitted report before the office reviews it: it goes
    back to draft (a resubmission back to returned); the first submission date, which
    decides lateness, stays (issue 15)."""
    report = _lock(report)
    require(can_withdraw_report(by, report))
    if report.status not in MonthlyReport.WAITING:
        raise ValidationError(
            f"只有已报送、尚未审核的月报可以撤回；该月报当前状态为“{report.get_status_display()}”。"
        )
    resubmitted = report.status == MonthlyReport.Status.RESUBMITTED
    report.status = MonthlyReport.Status.RETURNED if resubmitted else MonthlyReport.Status.DRAFT
    return save_with_history(report, by=by, reason="承办企业撤回报送")


@transaction.atomic
def monthly_report_accept(*, report, by, note=""):
    """Accept (and freeze) the report; its figures become the registry's latest ones."""
    report = _lock(report)
    require(can_review_report(by, report))
    note = (note or "").strip()
    report.status = MonthlyReport.Status.ACCEPTED
    report.review_note = note
    report.reviewed_at = timezone.now()
    report.reviewed_by = by
    save_with_history(report, by=by, reason=f"审核通过：{note}" if note else "审核通过")
    _record_figures(report, by=by)
    _recompute_later_cumulatives(report, by=by)
    notify(
        users=_filers(report),
        title=f"{report.etown.name}{report.period_label}月报已审核通过",
        body=note,
        url=report.get_absolute_url(),
        kind="monthly_report_accepted",
    )
    return report


def _chain_base(month, indicator, *, skip=None, original=None):
    """The cumulative value ``month`` adds to: the latest accepted month before it (the same
    year for a yearly target), leaving out report ``skip``, reading ``original`` values
    ({(report_id, indicator_id): value}) where given."""
    qs = MonthlyReportIndicatorLine.objects.filter(
        indicator=indicator, report__status=MonthlyReport.Status.ACCEPTED, report__period__lt=month.period,
        report__contract_id=month.contract_id, cumulative_value__isnull=False,
    )
    if skip is not None:
        qs = qs.exclude(report_id=skip)
    if indicator.period == indicator.Period.YEARLY:
        qs = qs.filter(report__period__year=month.period.year)
    row = qs.order_by("-report__period").values_list("report_id", "cumulative_value").first()
    if row is None:
        return None
    return (original or {}).get((row[0], indicator.pk), row[1])


def _recompute_later_cumulatives(report, *, by):
    """A month accepted after later months (a late report, issue 15): a later accepted
    month whose cumulative was the previous accepted month's plus its own month value
    (the chain that skipped the late month) becomes the new chain's sum, month by month,
    so the later months add up again; a cumulative the contractor stated otherwise is left
    as stated. The registry takes the newest figures."""
    later = list(
        MonthlyReport.objects.select_for_update()
        .filter(etown_id=report.etown_id, contract_id=report.contract_id, status=MonthlyReport.Status.ACCEPTED,
                period__gt=report.period)
        .order_by("period")
    )
    if not later:
        return
    lines = {
        month.pk: [
            line for line in month.indicator_lines.select_related("indicator").filter(month_value__isnull=False)
            if line.indicator.unit.strip() not in RATE_UNITS
        ]
        for month in later
    }
    original = {(line.report_id, line.indicator_id): line.cumulative_value for ls in lines.values() for line in ls}
    reason = f"{report.period_label}月报补报审核通过，重算累计值"
    for month in later:
        changed = False
        for line in lines[month.pk]:
            old_base = _chain_base(month, line.indicator, skip=report.pk, original=original)
            if old_base is None or line.cumulative_value != old_base + line.month_value:
                continue  # not the skipped chain's sum: the contractor's own figure
            new_value = _chain_base(month, line.indicator) + line.month_value
            if new_value != line.cumulative_value:
                line.cumulative_value = new_value
                save_with_history(line, by=by, reason=reason)
                changed = True
        if changed:
            _record_figures(month, by=by)


def _record_figures(report, *, by):
    """Copy the accepted figures to the registry. An older month accepted after a newer
    one does not overwrite the newer figures."""
    reason = f"{report.period_label}月报审核通过"
    newest = (
        MonthlyReport.objects.filter(etown_id=report.etown_id, status=MonthlyReport.Status.ACCEPTED)
        .exclude(pk=report.pk)
        .aggregate(p=Max("period"))["p"]
    )
    if newest is None or report.period >= newest:
        for line in report.task_lines.select_related("task"):
            if line.progress is not None and line.progress != line.task.progress:
                registry.task_record_progress(task=line.task, progress=line.progress, by=by, reason=reason)
    as_of = report.period_end
    for line in report.indicator_lines.select_related("indicator").filter(cumulative_value__isnull=False):
        indicator = line.indicator
        if indicator.actual_as_of is not None and indicator.actual_as_of > as_of:
            continue
        if (indicator.actual, indicator.actual_as_of) != (line.cumulative_value, as_of):
            registry.indicator_record_actual(
                indicator=indicator, value=line.cumulative_value, as_of=as_of, by=by, reason=reason,
            )


# Reminders --------------------------------------------------------------------------


def reminder_workdays():
    """N of "due within N working days" (setting REPORT_REMINDER_WORKDAYS, default 3),
    read at call time."""
    return getattr(settings, "REPORT_REMINDER_WORKDAYS", 3)


def sweep_monthly_reports(today, calendar):
    """The monthly-report reminders, run by the one reminder sweep (etown.notifications):
    for every county and each of the last months, the e-towns whose report is not yet
    received are reminded when the due date is at most N working days away ("due soon")
    and once it has passed ("overdue"). Each reminder goes out once per (contract, kind,
    due date) whatever the number of runs (``remind_many``). The key is the e-town and the
    due date, not a report row, because a contractor who never opened the month's report
    has no row to key on; the due date names the month. Since issue 11 the key is the
    live contract (each contractor of an e-town files its own report)."""
    n = reminder_workdays()
    this_month = first_of_month(today)
    # Counties share a handful of report days: one read of the e-towns per (report day,
    # month) that is due soon or overdue, not one per county (issue 16).
    counties_by_day = {}
    for county_id, day in County.objects.order_by("pk").values_list("pk", "report_due_day"):
        counties_by_day.setdefault(day, []).append(county_id)
    dues = []
    for day, county_ids in counties_by_day.items():
        for period in (add_months(this_month, -2), add_months(this_month, -1), this_month):
            due = due_date_for(day, period, calendar=calendar)
            if today <= due:
                if calendar.workdays_between(today, due) > n:
                    continue
                kind = "monthly_report_due_soon"
            elif (today - due).days <= OVERDUE_WINDOW_DAYS:
                kind = "monthly_report_overdue"
            else:
                continue
            # Each live contract of an e-town owes its own report (issue 11, 004 附件2
            # 第十一条): its company is reminded of its own, not of the other's.
            contracts = late_contracts(ETown.objects.filter(county_id__in=county_ids), period)
            if not contracts:
                continue
            users = contractor_users_by_contract(contracts)
            label = f"{period.year}年{period.month}月"
            for contract in contracts:
                etown = contract.etown
                if kind == "monthly_report_due_soon":
                    title = f"{etown.name}{label}月报请于{due.month}月{due.day}日前报送"
                    body = f"报送期限：{due:%Y-%m-%d}。请在系统中填写并报送月度报告（{contract.title}）。"
                else:
                    title = f"{etown.name}{label}月报已逾期未报送"
                    body = f"报送期限为 {due:%Y-%m-%d}，至今未收到（{contract.title}）。请尽快填写并报送。"
                dues.append(Due.of(
                    contract, kind=kind, due_date=due, users=users.get(contract.pk, []), title=title, body=body,
                    url=reverse("report_mine") + f"?etown={etown.pk}",
                ))
    return remind_many(dues)



# The departments' monthly workbook as a background job (issue 13) ------------------------


def monthly_workbook_queue(*, month, county, include_pending, by):
    """Queue the departments' workbook of ``month`` (``county`` None: every county the
    user reads) for a worker; the user follows it on 我的导出 (etown jobs page)."""
    from etown.models.jobs import REPORT_WORKBOOK
    from etown.services.jobs import job_enqueue

    from ..exports.reports import workbook_filename

    return job_enqueue(
        kind=REPORT_WORKBOOK, by=by, county=county, title=workbook_filename(month, county),
        args=[by.pk, month.isoformat(), county.pk if county else None, bool(include_pending)],
    )


def monthly_workbook_store(*, user_id, month, county_id, include_pending):
    """Build the workbook into a temporary file and store it (government access) for the
    user who asked; returns the StoredFile (the job's result)."""
    import datetime
    import tempfile

    from django.contrib.auth import get_user_model
    from django.core.files import File

    from etown.uploads import SPREADSHEETS

    from ..exports.reports import workbook_filename, write_monthly_workbook
    from ..selectors.reports import visible_counties

    user = get_user_model().objects.get(pk=user_id)
    month = datetime.date.fromisoformat(month)
    county = County.objects.get(pk=county_id) if county_id else None
    home = county or visible_counties(user).order_by("pk").first()
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        write_monthly_workbook(handle, user=user, month=month, county=county, include_pending=include_pending)
        handle.seek(0)
        with transaction.atomic():
            return file_store(upload=File(handle, name=workbook_filename(month, county)), county=home, by=user,
                              access=StoredFile.Access.GOVERNMENT, purpose="导出：月度数据报表", allowed=SPREADSHEETS)
