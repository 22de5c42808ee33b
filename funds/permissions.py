"""Who may do what with special funds. Each ``can_<verb>(user, etown)`` returns an
``etown.permissions.Verdict`` (falsy with a Chinese reason), in the style of the registry.

Roles at each step of the disbursement chain, and where they come from:

- the contractor (承办企业) applies: 安泽办法 002 第十条; 临猗资金办法 004 附件2 第十二条第2项;
- the office (领导小组办公室) receives and reviews, reports to the leading group and
  submits to the county executive meeting: 002 第十条; it also records the meeting and
  starts the public notice (004 附件2 第十二条第3项, 第四条 the column it runs);
- the finance bureau (县财政局) reviews and disburses: 004 附件2 第三条 (审核方案及预算,
  按要求拨付专项资金) and 第六条 (国库集中支付). 002 第十二条 says only "由相关部门进行
  专项资金的拨付"; the county's finance department is configured in ``FundsPolicy``;
- the leading group (领导小组) approves: 002 第十条;
- an office head (办公室负责人, ``Membership.is_head``) may record a gate override.
"""
from etown.models import Role
from etown.permissions import (
    ALLOW,
    Verdict,
    can_edit_etown,
    can_inspect,
    can_report_for,
    can_view_etown,
    in_scope,
    memberships,
)

from .selectors.policy import finance_departments


def can_view_funds(user, etown):
    return can_view_etown(user, etown)


def can_apply(user, etown):
    """Draft, submit and withdraw disbursement, change and extension requests."""
    verdict = can_report_for(user, etown)
    return verdict if verdict else Verdict(False, "仅该项目的承办企业可以提出申请。")


def can_office_act(user, etown):
    """Review, record the executive meeting, start the notice, record objections,
    clawbacks and reductions: the county's office."""
    verdict = can_edit_etown(user, etown)
    return verdict if verdict else Verdict(False, "仅领导小组办公室可以办理此步骤。")


def finance_department_ids(user):
    """{county_id: organization_id} of the finance departments the user works in as a
    department reviewer (one query for the county policies, one for the fallback)."""
    cached = getattr(user, "_funds_finance", None)
    if cached is not None:
        return cached
    reviewer_orgs = {
        (m.county_id, m.organization_id) for m in memberships(user)
        if m.role == Role.REVIEWER and m.county_id and m.organization_id
    }
    result = {}
    if reviewer_orgs:
        departments = finance_departments({county for county, _ in reviewer_orgs})
        result = {county: org for county, org in reviewer_orgs if departments.get(county) == org}
    user._funds_finance = result
    return result


def can_finance_act(user, etown):
    """The finance bureau's review and the disbursement itself (004 附件2 第三条、第六条)."""
    if user.is_authenticated and etown.county_id in finance_department_ids(user):
        return ALLOW
    return Verdict(False, "仅本县财政局的审核人员可以办理此步骤。")


def can_lead(user, etown):
    if in_scope(user, etown.county_id, {Role.LEADER}):
        return ALLOW
    return Verdict(False, "仅本县领导小组成员可以审批。")


def can_override(user, etown):
    """Record a gate override: an office head of the county."""
    for m in memberships(user):
        if m.role == Role.OFFICE and m.is_head and (m.county_id is None or m.county_id == etown.county_id):
            return ALLOW
    return Verdict(False, "仅领导小组办公室负责人可以记录例外放行。")


def can_record_ledger(user, etown):
    verdict = can_report_for(user, etown)
    return verdict if verdict else Verdict(False, "仅该项目的承办企业可以登记专账和资产。")


def can_check_assets(user, etown):
    """Record an asset's state at an inspection: office staff or the assigned agency."""
    return can_inspect(user, etown)


def can_edit_policy(user, county_id):
    if in_scope(user, county_id, {Role.OFFICE}):
        return ALLOW
    return Verdict(False, "仅本县领导小组办公室可以修改专项资金设置。")
