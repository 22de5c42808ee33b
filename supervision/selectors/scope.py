"""Per-contract scoping of supervision records (issue 11; 004 附件2 第十一条 allows more
than one contractor on an e-town).

The rule, one place for every page, service and export of this app:

- The e-town's shared facts stay visible to every contractor of it: the e-town page, its
  plan, tasks and targets, and its inspection records (an inspection is of the e-town:
  who inspected when, what was looked at, its conclusion).
- What concerns one contractor is that contractor's alone: its monthly reports
  (``MonthlyReport.contract``), the rectification items whose responsible units name its
  company (``Rectification.organizations``), the letters addressed to its company
  (``SupervisionLetter.addressee_org``) and, on an inspection page, the findings that
  became another contractor's items.
- Items naming no contractor (departments, a generic “承办企业” on a two-contractor
  e-town) and reports filed before any contract are the e-town's: visible to all.

Government roles and agencies see everything of the e-towns they may read: the scoping
only narrows what a contractor's staff see. Every ``scope_*`` is a filter of subqueries
(no query of its own) so that list pages keep their fixed query counts.
"""
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from etown.models import LIVE_CONTRACTS, Contract, Membership, Organization, Role
from etown.permissions import has_scope, memberships

from ..models import Rectification

# How government bodies' names end (县商务局, 工信局, 县人民政府, 发改委, 财政局, 县委办公室 …).
GOVERNMENT_SUFFIXES = ("局", "委", "委员会", "办公室", "政府", "人民政府", "厅", "部", "办")
# A name holding one of these is a business (XX公司项目部), whatever its ending.
BUSINESS_MARKS = ("公司", "企业", "合作社", "中心", "厂", "店")

# How a county's lists name "the contractor" without naming it.
GENERIC_CONTRACTOR_NAMES = ("承办企业", "项目承办企业", "承办单位", "项目承办单位", "实施主体", "项目实施主体")


def contractor_organizations(user):
    """The contractor companies a contract-scoped user works for, or an empty set for
    government roles and agencies (who see every record of the e-towns they may read)."""
    if not user.is_authenticated or has_scope(user):
        return set()
    return {m.organization_id for m in memberships(user) if m.role == Role.CONTRACTOR and m.organization_id}


def looks_governmental(name):
    """A name that reads as a government body's (ends like one, names no business)."""
    return name.endswith(GOVERNMENT_SUFFIXES) and not any(m in name for m in BUSINESS_MARKS)


# Monthly reports ------------------------------------------------------------------------


def scope_reports(qs, user):
    """A contractor's staff see the reports of their own company's contracts, and reports
    filed with no contract (none since issue 11). No query of its own."""
    orgs = contractor_organizations(user)
    if not orgs:
        return qs
    return qs.filter(Q(contract__isnull=True) | Q(contract__contractor_id__in=orgs))


def can_see_report(user, report):
    orgs = contractor_organizations(user)
    if not orgs or report.contract_id is None:
        return True
    return Contract.objects.filter(pk=report.contract_id, contractor_id__in=orgs).exists()


def own_contracts(user, etown):
    """The live contracts of ``etown`` held by the user's companies, oldest first."""
    orgs = contractor_organizations(user)
    return list(
        Contract.objects.filter(etown=etown, status__in=LIVE_CONTRACTS, contractor_id__in=orgs)
        .select_related("contractor").order_by("signed_on", "pk")
    )


# Rectification items ----------------------------------------------------------------------


def scope_items(qs, user):
    """An item linked to a company holding a contract on its e-town belongs to that
    company: it is left out for staff of the e-town's other contractor (unless it also
    names their own company). No query of its own."""
    orgs = contractor_organizations(user)
    if not orgs:
        return qs
    links = Rectification.organizations.through.objects.filter(rectification_id=OuterRef("pk"))
    theirs = links.filter(
        organization__kind=Organization.Kind.CONTRACTOR, organization__contracts__etown_id=OuterRef("etown_id"),
    ).exclude(organization_id__in=orgs)
    own = links.filter(organization_id__in=orgs)
    return qs.exclude(Exists(theirs) & ~Exists(own))


def scope_items_to_company(qs, organization_id):
    """The items that concern the company ``organization_id`` holding a contract on their
    e-town: those naming it, and those naming no contractor of the e-town (the e-town's,
    e.g. an unresolved unit or a generic “承办企业”); items naming only the e-town's
    other contractor are left out. What funds' rectification gate counts for one
    contract's request (004 附件2 第十二条3). No query of its own. ``organization_id``
    may be an ``OuterRef`` to a company annotated on each item (issue 16: many
    contracts' items in one query, ``rectification.blocking_items_by_contract``)."""
    links = Rectification.organizations.through.objects.filter(rectification_id=OuterRef("pk"))
    theirs = links.filter(
        organization__kind=Organization.Kind.CONTRACTOR, organization__contracts__etown_id=OuterRef("etown_id"),
    ).exclude(organization_id=organization_id)
    own = links.filter(organization_id=organization_id)
    return qs.exclude(Exists(theirs) & ~Exists(own))


def can_see_item(user, item):
    if not contractor_organizations(user):
        return True
    return scope_items(Rectification.objects.filter(pk=item.pk), user).exists()


def item_companies(items):
    """{item_id: [contractor organisation ids]}: the e-town contractors each item names
    (those among its linked organisations holding a contract on the item's e-town), in
    the order they were linked; [] for an item that names none. One query."""
    pairs = Rectification.organizations.through.objects.filter(
        rectification_id__in=[i.pk for i in items], organization__kind=Organization.Kind.CONTRACTOR,
    ).filter(Exists(Contract.objects.filter(etown_id=OuterRef("rectification__etown_id"),
                                            contractor_id=OuterRef("organization_id"))))
    companies = {i.pk: [] for i in items}
    for item_id, org_id in pairs.order_by("pk").values_list("rectification_id", "organization_id"):
        if org_id not in companies[item_id]:
            companies[item_id].append(org_id)
    return companies


def item_owners(items):
    """{item_id: contractor organisation id or None}: the first e-town contractor each
    item names, for addressing letters. One query."""
    return {pk: (orgs[0] if orgs else None) for pk, orgs in item_companies(items).items()}


@dataclass
class Resolution:
    """Responsible units resolved to registered organisations (``organizations``), and the
    names that matched none and do not read as a government department (``unresolved``)."""

    organizations: list = field(default_factory=list)
    unresolved: list = field(default_factory=list)


def resolve_units(names, etown, *, resolver=None):
    """Match each unit name to a registered organisation of the e-town's county (or a
    province-wide one) by full name, else by a known short name (``Organization.aliases``);
    a generic “承办企业” means the e-town's contractor when it has exactly one live contract.
    Two queries (none with a ``resolver`` from ``unit_resolver`` for many rows). A name
    that matches several organisations is left unresolved (ambiguous)."""
    return (resolver or unit_resolver(etown))(names)


def unit_resolver(etown):
    """``resolve(names) -> Resolution`` for many lists of names of one e-town, reading the
    organisations and the live contracts once (two queries)."""
    orgs = list(Organization.objects.filter(Q(county_id=etown.county_id) | Q(county__isnull=True)).order_by("pk"))
    by_name, by_alias = {}, {}
    for org in orgs:
        by_name.setdefault(org.name, []).append(org)
        for alias in org.alias_list:
            by_alias.setdefault(alias, []).append(org)
    companies = {
        c.contractor_id: c.contractor
        for c in Contract.objects.filter(etown_id=etown.pk, status__in=LIVE_CONTRACTS).select_related("contractor")
        .order_by("signed_on", "pk")
    }

    def resolve(names):
        result = Resolution()
        for name in dict.fromkeys(n.strip() for n in names):
            if not name:
                continue
            found = by_name.get(name) or by_alias.get(name) or []
            if not found and name in GENERIC_CONTRACTOR_NAMES:
                if len(companies) > 1:  # two contractors: which one is meant?
                    result.unresolved.append(name)
                    continue
                found = list(companies.values())
                if not found:  # no contractor yet: the e-town's
                    continue
            if len({o.pk for o in found}) == 1:
                if found[0] not in result.organizations:
                    result.organizations.append(found[0])
            elif found or not looks_governmental(name):
                result.unresolved.append(name)
        return result

    return resolve


# Inspections -------------------------------------------------------------------------------


def scope_findings(qs, user):
    """An inspection record is the e-town's shared fact (who inspected when, what, the
    conclusion, its photos): every contractor of the e-town reads it. Its findings are the
    office's notes until they become rectification items; a finding turned into another
    contractor's item is that contractor's and is left out for this one. No query of its
    own."""
    if not contractor_organizations(user):
        return qs
    return qs.filter(Q(rectification__isnull=True) | Q(rectification__in=scope_items(Rectification.objects.all(), user)))


def item_contractor_ids(item):
    """The companies an item is addressed to: the contractors named among its units that
    hold a contract on its e-town, or [] when it names none (then every contractor of the
    e-town is the addressee). One query."""
    return list(
        item.organizations.filter(kind=Organization.Kind.CONTRACTOR, contracts__etown_id=item.etown_id)
        .values_list("pk", flat=True).distinct()
    )


def staff_of_companies(organization_ids):
    """The active contractor staff of the given companies (one query)."""
    members = Membership.objects.filter(role=Role.CONTRACTOR, organization_id__in=list(organization_ids))
    return list(get_user_model().objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("pk"))


def staff_by_company(organization_ids):
    """{organization_id: [active contractor staff]} in one query, for the sweeps."""
    result = {}
    for m in Membership.objects.filter(
        role=Role.CONTRACTOR, organization_id__in=list(organization_ids), user__is_active=True,
    ).select_related("user").order_by("user_id"):
        result.setdefault(m.organization_id, {})[m.user_id] = m.user
    return {org: list(users.values()) for org, users in result.items()}


# Letters ---------------------------------------------------------------------------------


def scope_letters(qs, user):
    """A contractor's staff see the letters addressed to their own company. A letter
    addressed to no registered organisation is the e-town's (visible to its contractors).
    No query of its own."""
    orgs = contractor_organizations(user)
    if not orgs:
        return qs
    return qs.filter(Q(addressee_org__isnull=True) | Q(addressee_org_id__in=orgs))


def can_see_letter(user, letter):
    orgs = contractor_organizations(user)
    return not orgs or letter.addressee_org_id is None or letter.addressee_org_id in orgs


def letters_q(user, prefix=""):
    """The same rule as a Q over a model pointing at a letter through ``prefix``."""
    orgs = contractor_organizations(user)
    if not orgs:
        return Q()
    return Q(**{f"{prefix}addressee_org__isnull": True}) | Q(**{f"{prefix}addressee_org_id__in": orgs})


__all__ = [
    "GENERIC_CONTRACTOR_NAMES", "looks_governmental", "Resolution", "can_see_item", "can_see_letter",
    "can_see_report", "contractor_organizations", "item_companies", "item_contractor_ids", "item_owners", "letters_q", "own_contracts", "resolve_units", "unit_resolver",
    "scope_findings", "scope_items", "scope_letters", "scope_reports", "staff_by_company", "staff_of_companies",
]
