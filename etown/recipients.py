"""Who is told: the one set of recipient helpers every app uses for its notifications.

One rule, fixed by tests/etown/test_recipients.py:
- government staff of a role are the active users whose membership with that role covers
  the e-town's county: a membership of the county, or a province-wide one (no county),
  since province-wide office staff supervise every e-town of their province;
- contractor staff are the active users with a contractor membership in the organisation
  that holds a live contract (``LIVE_CONTRACTS``) of the e-town, found through their
  memberships (the record of who works where), never through permission groups.

Every function returns a list of users without duplicates, in a fixed number of queries.
"""
from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import LIVE_CONTRACTS, Contract, Membership, Role


def staff(*, county_id, role, organization_id=None):
    """Active users holding ``role`` for the county (county or province-wide membership),
    optionally only those of one organisation (e.g. the finance bureau's reviewers)."""
    q = Q(role=role) & (Q(county_id=county_id) | Q(county__isnull=True))
    if organization_id is not None:
        q &= Q(organization_id=organization_id)
    members = Membership.objects.filter(q).values("user_id")
    return list(get_user_model().objects.filter(pk__in=members, is_active=True).order_by("pk"))


def office_users(county_id):
    """The office staff who supervise the county's e-towns."""
    return staff(county_id=county_id, role=Role.OFFICE)


def contractor_users(*, etown=None, contract=None):
    """Staff of the contractor of one contract, or of every live contract of an e-town."""
    if contract is not None:
        organization_ids = [contract.contractor_id]
    else:
        organization_ids = Contract.objects.filter(etown=etown, status__in=LIVE_CONTRACTS).values("contractor_id")
    members = Membership.objects.filter(role=Role.CONTRACTOR, organization_id__in=organization_ids).values("user_id")
    return list(get_user_model().objects.filter(pk__in=members, is_active=True).order_by("pk"))


def contractor_users_by_etown(etown_ids):
    """{etown_id: [users]} for many e-towns at once (two queries whatever their number),
    for the reminder sweeps."""
    pairs = list(
        Contract.objects.filter(etown_id__in=etown_ids, status__in=LIVE_CONTRACTS).values_list("etown_id", "contractor_id")
    )
    by_organization = {}
    for m in Membership.objects.filter(
        role=Role.CONTRACTOR, organization_id__in={c for _, c in pairs}, user__is_active=True,
    ).select_related("user"):
        by_organization.setdefault(m.organization_id, {})[m.user_id] = m.user
    result = {}
    for etown_id, contractor_id in pairs:
        result.setdefault(etown_id, {}).update(by_organization.get(contractor_id, {}))
    return {etown_id: list(users.values()) for etown_id, users in result.items()}
