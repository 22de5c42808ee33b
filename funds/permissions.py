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
from django.db.models import Q

from etown.models import Role
from etown.permissions import (
    ALLOW,
    Verdict,
    can_edit_etown,
    can_inspect,
    can_report_for,
    can_view_etown,
    has_scope,
    in_scope,
    memberships,
)

from .models import Asset, AssetInspection, ChangeRequest, DisbursementRequest, LedgerEntry, RequestMaterial
from .selectors.policy import finance_departments


def can_view_funds(user, etown):
    return can_view_etown(user, etown)


def can_apply(user, etown):
    """Draft, submit and withdraw disbursement, change and extension requests."""
    verdict = can_report_for(user, etown)
    return verdict if verdict else Verdict(False, "仅该项目的承办企业可以提出申请。")


def contractor_organizations(user):
    """The contractor companies the user works for (their contractor memberships)."""
    return {m.organization_id for m in memberships(user) if m.role == Role.CONTRACTOR and m.organization_id}


def contract_scoped(user):
    """The contractor companies whose contracts alone the user sees, or None when the
    user sees every contract of the e-towns they may read (government roles, agencies).
    004 附件2 第十一条 allows more than one contractor on an e-town: each one's staff see
    and act on their own contract's money only."""
    if not user.is_authenticated or has_scope(user):
        return None
    orgs = contractor_organizations(user)
    return orgs or None


def can_see_contract(user, contract):
    orgs = contract_scoped(user)
    if orgs is None or contract.contractor_id in orgs:
        return ALLOW
    return Verdict(False, "这是本项目另一家承办企业的合同。")


def can_apply_for(user, contract):
    """Apply on ``contract``: the e-town's contractor, and the contract's own company."""
    verdict = can_apply(user, contract.etown)
    if not verdict:
        return verdict
    if contract.contractor_id not in contractor_organizations(user):
        return Verdict(False, "只能就本企业承担的合同提出申请。")
    return ALLOW


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
        if m.role == Role.OFFICE and m.is_head and m.county_id == etown.county_id:  # county heads only (issue 16)
            return ALLOW
    return Verdict(False, "仅领导小组办公室负责人可以记录例外放行。")


def can_change_chain(user, county_id):
    """Change the county's disbursement chain (issue 12): an office head of the county."""
    for m in memberships(user):
        if m.role == Role.OFFICE and m.is_head and m.county_id == county_id:
            return ALLOW
    return Verdict(False, "仅本县领导小组办公室负责人可以修改拨付程序。")


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


# Files (issue 11) -----------------------------------------------------------------------------


def file_guard(user, stored):
    """The download rule for funds' files, registered with ``hub.register_file_guard``: a
    disbursement request's materials and payment voucher, a ledger entry's invoice and
    payee contract, an asset's and an asset inspection's photo and a change request's
    documents follow their record's contract (``can_see_contract``; 004 附件2 第十一条:
    two contractors on one e-town). True when the file belongs to a record the user may
    see, False when only to another contractor's, None when it is not funds' or the user
    is not narrowed by contract (government roles, agencies). One query (a UNION)."""
    orgs = contract_scoped(user)
    if orgs is None:
        return None
    sources = [
        RequestMaterial.objects.filter(file=stored).values_list("request__contract__contractor_id"),
        DisbursementRequest.objects.filter(voucher_file=stored).values_list("contract__contractor_id"),
        LedgerEntry.objects.filter(Q(invoice_file=stored) | Q(payee_contract=stored)).values_list("contract__contractor_id"),
        Asset.objects.filter(photo=stored).values_list("contract__contractor_id"),
        AssetInspection.objects.filter(photo=stored).values_list("asset__contract__contractor_id"),
        ChangeRequest.objects.filter(Q(application_file=stored) | Q(higher_approval_file=stored))
        .values_list("contract__contractor_id"),
    ]
    first, *rest = [qs.order_by() for qs in sources]
    owners = {owner for (owner,) in first.union(*rest)}
    if not owners:
        return None
    # An asset registered with no contract is the e-town's (visible to its contractors).
    return None in owners or bool(owners & orgs)
