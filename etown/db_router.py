"""Reads of heavy pages from a PostgreSQL replica (issue 16).

With ``DATABASE_REPLICA_URL`` set, etown/settings.py adds the ``replica`` database and
this router. Only views wrapped in ``replica_reads`` (dashboards, open data, the auditor's
change trail) read from
it, and only for a GET that has not written: every write goes to the primary, and once a
request writes, its later reads go to the primary too (read-after-write). A person who
changed something in the last ``REPLICA_LAG_SECONDS`` (the session remembers when) reads
the primary as well, so they never miss their own change because of replication lag.
Migrations run on the primary only."""
import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPLICA = "replica"
WROTE_AT = "_wrote_at"
_use_replica = ContextVar("etown_use_replica", default=False)


def lag_seconds():
    return getattr(settings, "REPLICA_LAG_SECONDS", 5)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _use_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        _use_replica.set(False)  # what this request reads next it reads from the primary
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def recently_wrote(request):
    session = getattr(request, "session", None)
    if session is None or not session.session_key:
        return False
    return time.time() - session.get(WROTE_AT, 0) < lag_seconds()


def replica_reads(view):
    """Let a heavy read page read from the replica (GET/HEAD, no recent write)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        token = _use_replica.set(request.method in ("GET", "HEAD") and not recently_wrote(request))
        try:
            return view(request, *args, **kwargs)
        finally:
            _use_replica.reset(token)

    wrapped.reads_replica = True  # for the test that lists the heavy pages
    return wrapped
