"""Every write to the registry (counties, organisations, memberships, e-towns,
contracts, tasks and indicators) goes through these functions.

Each is atomic and records the acting user and the reason in the history tables
(django-simple-history reads ``_history_user`` and ``_change_reason`` off the instance).
Views, commands, tasks and tests all call them.
"""
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from ..models import Contract, County, ETown, Indicator, Membership, Organization, Role, Task
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
def membership_grant(*, user, role, county, by, organization=None, title="", is_head=False, reason="授予角色"):
    """Give a user a role in a county. Contractor and agency staff must belong to an
    organisation of that kind: its group carries their object permissions."""
    expected_kind = {Role.CONTRACTOR: Organization.Kind.CONTRACTOR, Role.AGENCY: Organization.Kind.AGENCY}.get(role)
    if expected_kind and (organization is None or organization.kind != expected_kind):
        raise ValidationError({"organization": "承办企业和第三方机构人员须属于相应类型的单位。"})
    membership = Membership.objects.filter(user=user, role=role, county=county).first() or Membership(
        user=user, role=role, county=county
    )
    _apply(membership, {"organization": organization, "title": title, "is_head": is_head})
    _save(membership, by=by, reason=reason)
    if organization is not None:
        user.groups.add(organization.group)
    return membership


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


@transaction.atomic
def contract_update(*, contract, by, reason, **fields):
    contract = Contract.objects.select_for_update().select_related("etown", "contractor").get(pk=contract.pk)
    previous_contractor = contract.contractor
    _apply(contract, fields)
    _save(contract, by=by, reason=reason)
    if contract.status != Contract.Status.TERMINATED:
        _grant_contractor(contract)
    if previous_contractor != contract.contractor or contract.status == Contract.Status.TERMINATED:
        _revoke_contractor_if_unused(contract.etown, previous_contractor)
    return contract


@transaction.atomic
def contract_record_final_acceptance(*, contract, passed_on, by, reason="终验通过"):
    """The one way the acceptance app records a passed final acceptance; funds reads it
    to release the retention (尾款)."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    contract.final_acceptance_passed_on = passed_on
    return _save(contract, by=by, reason=reason)


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
