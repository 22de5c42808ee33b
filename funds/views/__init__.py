"""Views of the funds app. A refusal raised by a service (a role that may not act at a
step) is written to the security audit log before it becomes a 403, like the refusals
of ``etown.permissions.authorize_etown``."""
import functools

from django.core.exceptions import PermissionDenied


def audit_refusals(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as error:
            from etown.audit import record_denied

            what = f"{view.__module__.rsplit('.', 1)[-1]}.{view.__name__}:" + ",".join(str(v) for v in kwargs.values())
            record_denied(request.user, what, str(error) or "无权操作", request=request)
            raise

    return wrapper
