"""The county's funds settings (FundsPolicy) and its finance department (县财政局, 004
附件2 第三条、第六条): the permissions read the latter to know who acts as the finance
bureau, so this module depends on the models only."""
from etown.models import Organization

from ..models import FundsPolicy


def policy_for(county):
    """The county's FundsPolicy, or an unsaved one with the defaults."""
    policy = FundsPolicy.objects.filter(county=county).select_related("finance_department").first()
    return policy or FundsPolicy(county=county)


def policies_for(county_ids):
    """{county id: what ``policy_for`` gives} for many counties in one query (issue 16:
    the disbursement sweep)."""
    county_ids = set(county_ids)
    found = {p.county_id: p for p in FundsPolicy.objects.filter(county_id__in=county_ids)} if county_ids else {}
    return {pk: found.get(pk) or FundsPolicy(county_id=pk) for pk in county_ids}


def finance_departments(county_ids):
    """{county_id: organization_id} of each county's finance department: the one set in
    its FundsPolicy, else its department whose name contains “财政局” (two queries)."""
    result = {
        p["county_id"]: p["finance_department_id"]
        for p in FundsPolicy.objects.filter(county_id__in=county_ids, finance_department__isnull=False).values(
            "county_id", "finance_department_id"
        )
    }
    missing = set(county_ids) - set(result)
    if missing:
        for org in (
            Organization.objects.filter(county_id__in=missing, kind=Organization.Kind.DEPARTMENT, name__contains="财政局")
            .order_by("pk")
            .values("county_id", "pk")
        ):
            result.setdefault(org["county_id"], org["pk"])
    return result
