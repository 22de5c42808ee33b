"""Who may do what with monthly reports.

Only the e-town's contractor fills in and submits its report (通城 001 §1(2), 临猗 004
annex 4 §1(2): "项目承办企业要按要求每月定期上报"); only the county's office accepts or
returns it (004 annex 4 §1(3): "日常监督检查工作由县商务局负责"). Everyone who may read the
e-town may read its reports. Each ``can_*`` returns an ``etown.permissions.Verdict``
carrying the Chinese reason when it refuses.
"""
from etown.models import COUNTY_WIDE_ROLES, Role
from etown.permissions import ALLOW, Verdict, can_report_for, has_scope, in_scope, has_role

from .models import MonthlyReport


def can_file_reports(user, etown):
    """Create a report for the e-town (the e-town's contractor)."""
    verdict = can_report_for(user, etown)
    return verdict if verdict else Verdict(False, "仅该项目的承办企业可以填报月度报告。")


def can_edit_report(user, report):
    verdict = can_file_reports(user, report.etown)
    if not verdict:
        return verdict
    if report.status == MonthlyReport.Status.ACCEPTED:
        return Verdict(False, "该月报已审核通过并冻结，不能再修改。")
    if report.status in MonthlyReport.WAITING:
        return Verdict(False, "该月报已报送，正在等待办公室审核，暂不能修改。")
    return ALLOW


# Submitting follows the same rule as editing: the contractor, in draft or returned.
can_submit_report = can_edit_report


def can_review_reports(user, etown):
    """Accept or return reports of the e-town: the office of its county."""
    if in_scope(user, etown.county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅领导小组办公室可以审核月度报告。")


def can_review_report(user, report):
    verdict = can_review_reports(user, report.etown)
    if not verdict:
        return verdict
    if report.status not in MonthlyReport.WAITING:
        return Verdict(False, f"该月报当前状态为“{report.get_status_display()}”，不在待审核状态。")
    return ALLOW


def can_see_review_queue(user):
    """The county-wide roles see the queue; only the office acts on it."""
    if has_scope(user, COUNTY_WIDE_ROLES):
        return ALLOW
    return Verdict(False, "仅政府部门人员可以查看月报审核队列。")


def can_export_monthly_data(user):
    """The monthly data workbook goes to the departments (高平 000 §5(2): 按月将有关数据报送至
    发改、工信、商务、科技部门): any county-wide role may download it."""
    verdict = can_see_review_queue(user)
    return verdict if verdict else Verdict(False, "仅政府部门人员可以导出月度数据报表。")


def is_contractor(user):
    return has_role(user, Role.CONTRACTOR)
