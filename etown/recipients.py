"""Who is told: the one set of recipient helpers every app uses for its notifications.

One rule, fixed by tests/etown/test_recipients.py:
- government staff of a role are the active users whose membership with that role covers
  the e-town's county: a membership of the county, or of its city or province, since
  city and province staff supervise every e-town of their city or province; national
  (商务部) staff read the whole country and are not told of each county's business;
- contractor staff are the active users with a contractor membership in the organisation
  that holds a live contract (``LIVE_CONTRACTS``) of the e-town, found through their
  memberships (the record of who works where), never through permission groups.

Every function returns a list of users without duplicates, in a fixed number of queries.
"""
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from .models import LIVE_CONTRACTS, Contract, County, Membership, Role, Scope


def staff(*, county_id, role, organization_id=None):
    """Active users holding ``role`` for the county (a county, city or province membership),
    optionally only those of one organisation (e.g. the finance bureau's reviewers)."""
    county = County.objects.filter(pk=county_id)
    q = Q(role=role) & (
        Q(scope=Scope.COUNTY, county_id=county_id)
        | Q(scope=Scope.CITY) & Exists(county.filter(province=OuterRef("province"), city=OuterRef("city")))
        | Q(scope=Scope.PROVINCE) & Exists(county.filter(province=OuterRef("province")))
    )
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


def staff_by_county(county_ids, role, organization_by_county=None):
    """{county_id: [users]}: the active users holding ``role`` for each county (county,
    city or province membership, as ``staff``), in two queries whatever their number,
    for the reminder sweeps (issue 16). ``organization_by_county`` ({county_id:
    organization_id}) keeps, for each county, only the staff of that organisation (e.g.
    the county's finance bureau)."""
    counties = list(County.objects.filter(pk__in=list(county_ids)).values_list("pk", "province", "city"))
    if not counties:
        return {}
    provinces = {p for _, p, _ in counties}
    members = Membership.objects.filter(
        Q(role=role, user__is_active=True) & (
            Q(scope=Scope.COUNTY, county_id__in=[pk for pk, _, _ in counties])
            | Q(scope=Scope.CITY, province__in=provinces, city__in={c for _, _, c in counties if c})
            | Q(scope=Scope.PROVINCE, province__in=provinces)
        )
    ).select_related("user").order_by("user_id")
    result = {pk: {} for pk, _, _ in counties}
    for m in members:
        for pk, province, city in counties:
            if organization_by_county is not None and m.organization_id != organization_by_county.get(pk):
                continue
            if (m.scope == Scope.COUNTY and m.county_id == pk) or (
                m.scope == Scope.CITY and (m.province, m.city) == (province, city)
            ) or (m.scope == Scope.PROVINCE and m.province == province):
                result[pk][m.user_id] = m.user
    return {pk: list(users.values()) for pk, users in result.items()}


def agency_users_by_etown(etown_ids):
    """{etown_id: [users]}: staff of the third-party agencies assigned to each e-town, in
    two queries whatever their number."""
    from .models import ETown

    pairs = list(ETown.agencies.through.objects.filter(etown_id__in=list(etown_ids)).values_list("etown_id", "organization_id"))
    by_organization = {}
    for m in Membership.objects.filter(
        role=Role.AGENCY, organization_id__in={o for _, o in pairs}, user__is_active=True,
    ).select_related("user"):
        by_organization.setdefault(m.organization_id, {})[m.user_id] = m.user
    result = {}
    for etown_id, organization_id in pairs:
        result.setdefault(etown_id, {}).update(by_organization.get(organization_id, {}))
    return {etown_id: list(users.values()) for etown_id, users in result.items()}
