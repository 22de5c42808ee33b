"""Who is told: the office staff of an e-town's county and the contractor's staff."""
from django.contrib.auth import get_user_model

from etown.models import Contract, Role


def office_users(etown):
    return list(
        get_user_model().objects.filter(
            is_active=True, memberships__role=Role.OFFICE, memberships__county_id=etown.county_id
        ).distinct()
    )


def contractor_users(etown):
    live = [Contract.Status.ACTIVE, Contract.Status.COMPLETED]
    return list(
        get_user_model().objects.filter(
            is_active=True,
            memberships__role=Role.CONTRACTOR,
            groups__organization__contracts__etown=etown,
            groups__organization__contracts__status__in=live,
        ).distinct()
    )
