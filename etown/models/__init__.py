from .registry import (  # noqa: F401
    COUNTY_WIDE_ROLES,
    Contract,
    County,
    ETown,
    ETownGroupObjectPermission,
    ETownUserObjectPermission,
    Indicator,
    Membership,
    Organization,
    Role,
    Task,
    TaskCategory,
)
from .audit import AuditEvent  # noqa: F401
from .calendar import CalendarDay, WorkCalendarYear  # noqa: F401
