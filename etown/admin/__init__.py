"""The admin of the registry: base data, memberships, the security log (read-only), the
working-day calendar, and the three separated administrator groups (三权分立)."""
from . import accounts, calendar, registry  # noqa: F401  (register their ModelAdmins)
from .mixins import GovernmentOnlyAdminMixin, ReadOnlyAdminMixin, ReadOnlyTabularInline  # noqa: F401
