from .registry import (  # noqa: F401
    CONTRACT_TERMS,
    COUNTY_WIDE_ROLES,
    Contract,
    County,
    ETown,
    ETownGroupObjectPermission,
    ETownUserObjectPermission,
    Indicator,
    LIVE_CONTRACTS,
    Membership,
    Organization,
    Role,
    Scope,
    Task,
    TaskCategory,
    WIDE_SCOPES,
)
from .audit import AuditEvent  # noqa: F401
from .calendar import CalendarDay, WorkCalendarYear  # noqa: F401
from .files import StoredFile  # noqa: F401
from .notice import Notice  # noqa: F401
from .notify import Notification, Reminder  # noqa: F401
from .public import PublicDocument, PublicProfile, PublicRateHit, PublicSubmission  # noqa: F401
from .jobs import Job  # noqa: F401
from .filing import PlanFiling  # noqa: F401
