from .registry import (  # noqa: F401
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
    Task,
    TaskCategory,
)
from .audit import AuditEvent  # noqa: F401
from .calendar import CalendarDay, WorkCalendarYear  # noqa: F401
from .files import StoredFile  # noqa: F401
from .notice import Notice  # noqa: F401
from .notify import Notification, Reminder  # noqa: F401
from .public import PublicDocument, PublicProfile, PublicRateHit, PublicSubmission  # noqa: F401
