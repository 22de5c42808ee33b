"""Every write to the registry (counties, organisations, memberships, e-towns,
contracts, tasks and indicators) goes through these functions.

Each is atomic and records the acting user and the reason in the history tables
(django-simple-history reads ``_history_user`` and ``_change_reason`` off the instance).
Views, commands, tasks and tests all call them.
"""
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from ..models import CONTRACT_TERMS, Contract, County, ETown, Indicator, Membership, Organization, Role, Scope, Task
from ..signals import contract_terminated
from .access import access_changed, refuse_self_grant
from .common import save_with_history

CONTRACTOR_PERMS = ("etown.view_etown", "etown.report_etown")
AGENCY_PERMS = ("etown.view_etown", "etown.inspect_etown")

_save = save_with_history


def _apply(obj, fields):
    for name, value in fields.items():
        setattr(obj, name, value)


# Counties and organisations ---------------------------------------------------------


@transaction.atomic
def county_create(*, by, **fields):
    return _save(County(**fields), by=by, reason="登记区县")


@transaction.atomic
def organization_create(*, by, name, kind, county=None, reason="登记单位", **fields):
    group = Group.objects.create(name=f"org:{kind}:{county.pk if county else 'p'}:{name}"[:150])
    return _save(Organization(name=name, kind=kind, county=county, group=group, **fields), by=by, reason=reason)


@transaction.atomic
def organization_update(*, organization, by, reason, **fields):
    """Change an organisation's register entry (name, contact, credit code…), with who
    and why in its history. The kind stays while people or contracts hang on it: a
    contractor's staff hold the contractor role only in a contractor (_check_organization),
    and its group carries the e-towns' object permissions."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写修改单位信息的原因。")
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if "kind" in fields and fields["kind"] != organization.kind and (
        organization.memberships.exists() or organization.contracts.exists() or organization.assigned_etowns.exists()
    ):
        raise ValidationError({"kind": "该单位已有人员、合同或受托项目，不能变更单位类型。"})
    fields.pop("group", None)  # the permission group is the service's, never edited
    _apply(organization, fields)
    return _save(organization, by=by, reason=reason)


@transaction.atomic
def membership_grant(*, user, role, county, by, organization=None, title="", is_head=False, reason="授予角色",
                     scope=None, province="", city=""):
    """Give a user a role in a county, or (``scope``, issue 16) in a city (``province`` and
    ``city``), a province (``province``) or the whole country. Contractor and agency staff
    must belong to an organisation of that kind: its group carries their object permissions."""
    _check_organization(role, organization)
    refuse_self_grant(user=user, by=by)
    scope, province, city = _area(county=county, scope=scope, province=province, city=city, organization=organization)
    membership = Membership.objects.filter(
        user=user, role=role, county=county, scope=scope, province=province, city=city,
    ).first() or Membership(user=user, role=role, county=county, scope=scope, province=province, city=city)
    _apply(membership, {"organization": organization, "title": title, "is_head": is_head})
    _save(membership, by=by, reason=reason)
    access_changed(user=user, by=by, what=f"{reason}：{membership}")
    return membership


def _area(*, county, scope, province, city, organization):
    """(scope, province, city) of a new membership. Without a ``scope`` a county gives a
    county membership, a city a city one, and no county a province one (what a county-less
    membership always meant, 省级): of ``province``, else of the organisation's county,
    else of the one province the registered counties are in."""
    if scope is None:
        scope = Scope.COUNTY if county is not None else Scope.CITY if city else Scope.PROVINCE
    if scope != Scope.COUNTY and county is not None:
        raise ValidationError({"county": "地级市、省级和全国角色不填区县。"})
    if scope == Scope.NATIONAL:
        return scope, "", ""
    if scope == Scope.COUNTY:
        return scope, "", ""
    if not province and organization is not None and organization.county_id:
        province = organization.county.province
    if not province:
        provinces = list(County.objects.order_by().values_list("province", flat=True).distinct()[:2])
        province = provinces[0] if len(provinces) == 1 else ""
    if not province:
        raise ValidationError({"province": "请填写省份。"})
    if scope == Scope.CITY and not city:
        raise ValidationError({"city": "请填写地级市。"})
    return scope, province, city if scope == Scope.CITY else ""


def _check_organization(role, organization):
    expected_kind = {Role.CONTRACTOR: Organization.Kind.CONTRACTOR, Role.AGENCY: Organization.Kind.AGENCY}.get(role)
    if expected_kind and (organization is None or organization.kind != expected_kind):
        raise ValidationError({"organization": "承办企业和第三方机构人员须属于相应类型的单位。"})


@transaction.atomic
def membership_update(*, membership, by, reason="变更角色", **fields):
    """Change a membership (another company, county, role…): the old organisation's
    object permissions go and the new one's come in the same transaction, and the
    person's sessions end (issue 14)."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    refuse_self_grant(user=membership.user, by=by)
    _apply(membership, fields)
    _check_organization(membership.role, membership.organization)
    _save(membership, by=by, reason=reason)
    access_changed(user=membership.user, by=by, what=f"{reason}：{membership}")
    return membership


@transaction.atomic
def membership_end(*, membership, by, reason="撤销角色"):
    """End a membership: its organisation's object permissions are revoked (unless
    another membership of the person still carries them), the person's sessions end,
    and the removal is recorded (history row and security log)."""
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    refuse_self_grant(user=membership.user, by=by)
    user, label = membership.user, str(membership)
    membership._history_user = by
    membership._change_reason = reason
    membership.delete()
    access_changed(user=user, by=by, what=f"{reason}：{label}")


# E-towns ----------------------------------------------------------------------------


@transaction.atomic
def etown_create(*, county, by, reason="登记项目", **fields):
    return _save(ETown(county=county, **fields), by=by, reason=reason)


@transaction.atomic
def etown_update(*, etown, by, reason, **fields):
    etown = ETown.objects.select_for_update().get(pk=etown.pk)
    _apply(etown, fields)
    return _save(etown, by=by, reason=reason)


@transaction.atomic
def etown_assign_agency(*, etown, agency, by, reason="委托第三方机构"):
    if agency.kind != Organization.Kind.AGENCY:
        raise ValidationError("只能委托第三方机构。")
    etown.agencies.add(agency)
    for perm in AGENCY_PERMS:
        assign_perm(perm, agency.group, etown)
    # The M2M change writes no history row of its own; record it on the e-town.
    return _save(etown, by=by, reason=f"{reason}：{agency.name}")


@transaction.atomic
def etown_unassign_agency(*, etown, agency, by, reason="解除第三方机构委托"):
    etown.agencies.remove(agency)
    for perm in AGENCY_PERMS:
        remove_perm(perm, agency.group, etown)
    return _save(etown, by=by, reason=f"{reason}：{agency.name}")


# Contracts --------------------------------------------------------------------------


def _grant_contractor(contract):
    for perm in CONTRACTOR_PERMS:
        assign_perm(perm, contract.contractor.group, contract.etown)


def _revoke_contractor_if_unused(etown, contractor):
    if not etown.contracts.filter(contractor=contractor).exclude(status=Contract.Status.TERMINATED).exists():
        for perm in CONTRACTOR_PERMS:
            remove_perm(perm, contractor.group, etown)


@transaction.atomic
def contract_create(*, etown, by, reason="登记合同", **fields):
    contract = Contract(etown=etown, **fields)
    if contract.contractor.kind != Organization.Kind.CONTRACTOR:
        raise ValidationError({"contractor": "合同相对方须为承办企业。"})
    _save(contract, by=by, reason=reason)
    _grant_contractor(contract)
    return contract


TERMS_LOCKED = (
    "本合同已提交拨付申请，合同金额、预付比例、尾款比例和履约期限只能通过经批准的变更申请"
    "（临猗资金办法第九条，须上级同意）或延期申请（第十条，须领导小组同意）调整。"
)


@transaction.atomic
def contract_update(*, contract, by, reason, **fields):
    """Edit a contract (the edit form, the admin, imports). Its money terms
    (``CONTRACT_TERMS``) are free only until the first disbursement request is submitted
    (``terms_locked_at``); after that a change to any of them is refused here, whoever
    calls, and goes through ``contract_change_terms`` from an approved change request."""
    contract = Contract.objects.select_for_update().select_related("etown", "contractor").get(pk=contract.pk)
    if contract.terms_locked_at:
        changed = [name for name in CONTRACT_TERMS if name in fields and fields[name] != getattr(contract, name)]
        if changed:
            raise ValidationError({name: TERMS_LOCKED for name in changed})
    previous_contractor = contract.contractor
    _apply(contract, fields)
    _save(contract, by=by, reason=reason)
    if contract.status != Contract.Status.TERMINATED:
        _grant_contractor(contract)
    if previous_contractor != contract.contractor or contract.status == Contract.Status.TERMINATED:
        _revoke_contractor_if_unused(contract.etown, previous_contractor)
    return contract


@transaction.atomic
def contract_lock_terms(*, contract, by, reason="首次提交拨付申请，合同金额等条款锁定"):
    """The contract's first disbursement request was submitted (funds calls this under
    its contract lock): its money terms now change only through
    ``contract_change_terms``. Idempotent."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.terms_locked_at is None:
        contract.terms_locked_at = timezone.now()
        _save(contract, by=by, reason=reason)
    return contract


@transaction.atomic
def contract_change_terms(*, contract, by, reason, floor=None, **terms):
    """Write new money terms approved by a change request (004 附件2 第九条: 报请上级同意)
    or an extension (第十条: 经领导小组同意); the history row names the request in
    ``reason``. ``floor``: the least contract amount the caller's payments allow (what
    has been paid, plus any reduction): no change brings the cap below what was paid."""
    unknown = set(terms) - set(CONTRACT_TERMS)
    if unknown:
        raise ValueError(f"not contract terms: {unknown}")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status == Contract.Status.TERMINATED:
        raise ValidationError("合同已终止，不能调整条款。")
    _apply(contract, terms)
    if floor is not None and contract.amount < floor:
        raise ValidationError({"amount": f"调整后的合同金额 {contract.amount:,.2f} 元低于已拨付（含核减）的 {floor:,.2f} 元。"})
    return _save(contract, by=by, reason=reason)


@transaction.atomic
def contract_record_final_acceptance(*, contract, passed_on, by, reason="终验通过"):
    """The one way the acceptance app records a passed final acceptance; funds reads it
    to release the retention (尾款)."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    contract.final_acceptance_passed_on = passed_on
    return _save(contract, by=by, reason=reason)


CONTRACT_END_BASES = {
    "termination": "县人民政府决定终止合同（临猗日常监管制度 004 附件4 第二条）",
    "disqualification": "取消承办资格（高平 000 第一条（三）；通城 001 第一条（四））",
    "qualification_cancelled": "中期绩效评价不合格，取消培育资格（安泽办法 002 第十八条）",
}


@transaction.atomic
def contract_terminate(*, contract, by, basis, reason, decided_on, document_number="", source=None):
    """End ``contract`` on a decision (the one way a decision ends a contract; the
    supervision and acceptance services that record the decision call it).

    The contract becomes 已终止, so funds' non-overridable gate ``contract_active``
    refuses every request on it, new or already in flight, at every later step. Its
    contractor's staff keep reading the e-town but can no longer report or apply for it
    (read-only), unless their organisation holds another live contract of the e-town.
    ``contract_terminated`` is sent inside the transaction: funds proposes the clawback
    of what was paid, and a receiver's failure undoes the decision."""
    if basis not in CONTRACT_END_BASES:
        raise ValueError(f"unknown basis {basis}")
    contract = Contract.objects.select_for_update().select_related("etown", "contractor").get(pk=contract.pk)
    if contract.status == Contract.Status.TERMINATED:
        raise ValidationError("该合同已终止。")
    contract.status = Contract.Status.TERMINATED
    number = f"（{document_number}）" if document_number else ""
    _save(contract, by=by, reason=f"{CONTRACT_END_BASES[basis]}{number}：{reason}")
    if not contract.etown.contracts.filter(contractor=contract.contractor_id).exclude(
        status=Contract.Status.TERMINATED
    ).exists():
        remove_perm("etown.report_etown", contract.contractor.group, contract.etown)
    contract_terminated.send(
        sender=Contract, contract=contract, by=by, basis=basis, reason=reason, decided_on=decided_on,
        document_number=document_number, source=source,
    )
    return contract


# Tasks and indicators ---------------------------------------------------------------


@transaction.atomic
def task_create(*, etown, by, reason="新增建设任务", **fields):
    return _save(Task(etown=etown, **fields), by=by, reason=reason)


@transaction.atomic
def task_update(*, task, by, reason, **fields):
    task = Task.objects.select_for_update().get(pk=task.pk)
    _apply(task, fields)
    return _save(task, by=by, reason=reason)


@transaction.atomic
def indicator_create(*, etown, by, reason="新增绩效目标", **fields):
    return _save(Indicator(etown=etown, **fields), by=by, reason=reason)


@transaction.atomic
def indicator_update(*, indicator, by, reason, **fields):
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    _apply(indicator, fields)
    return _save(indicator, by=by, reason=reason)


@transaction.atomic
def indicator_record_actual(*, indicator, value, as_of, by, reason):
    """Latest actual value of a target, written by the monthly-report review."""
    indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
    indicator.actual = value
    indicator.actual_as_of = as_of
    return _save(indicator, by=by, reason=reason)


@transaction.atomic
def task_record_progress(*, task, progress, by, reason):
    task = Task.objects.select_for_update().get(pk=task.pk)
    task.progress = progress
    return _save(task, by=by, reason=reason)
