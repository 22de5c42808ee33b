"""Anti-abuse for the public windows without a third-party service (DESIGN.md, security
baseline: "public forms: rate-limited, with a honeypot").

- A rate limit per address, counted in the ``PublicRateHit`` table so that every web
  process and replica sees the same count (the default cache is per process).
- A honeypot field that people never see and bots fill in.
- A signed time stamp put in the form when it is shown: a form sent back faster than
  a person can type, or older than a day, is refused.

Addresses are stored only as keyed hashes.
"""
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import PublicRateHit


@dataclass(frozen=True)
class Limit:
    bucket: str
    count: int
    seconds: int


def _limit(bucket, default):
    """Read at call time so deployments (and tests) can tune it in settings:
    ``PUBLIC_RATE_LIMITS = {"submit": (5, 3600), "lookup": (20, 600)}``."""
    count, seconds = getattr(settings, "PUBLIC_RATE_LIMITS", {}).get(bucket, default)
    return Limit(bucket, count, seconds)


def submit_limit():
    # Five messages an hour from one address: plenty for a person, little for a script.
    return _limit("submit", (5, 3600))


def lookup_limit():
    # Tracking-code look-ups: bounded so codes cannot be guessed by brute force.
    return _limit("lookup", (20, 600))


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's address, or None, from ONE setting for the whole portal (issue 14):
    ``TRUSTED_PROXY_HOPS`` reverse proxies stand in front of the app, so the address is
    the N-th from the right of X-Forwarded-For (what our own proxy appended); with 0
    hops X-Forwarded-For is ignored and REMOTE_ADDR, which a client cannot forge, is the
    address. Used by the rate limit, the security log and django-axes
    (``AXES_CLIENT_IP_CALLABLE``), so a lockout counts the citizen, not the proxy."""
    if request is None:
        return None
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", getattr(settings, "PUBLIC_PROXY_HOPS", 0)) or 0
    if hops:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            found = _valid_ip(forwarded[-hops])
            if found:
                return found
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def client_address(request):
    """``client_ip`` for keys and hashes ("unknown" when there is none)."""
    return client_ip(request) or "unknown"


def address_hash(request):
    # The salt names the module's old path (etown.public.ratelimit); changing it would
    # make every stored address hash and rate-limit count unmatchable.
    return salted_hmac("etown.public.address", client_address(request)).hexdigest()


def is_limited(key, limit, *, now=None):
    """True when ``key`` has used up ``limit`` in its window (one COUNT query)."""
    now = now or timezone.now()
    since = now - timedelta(seconds=limit.seconds)
    return PublicRateHit.objects.filter(bucket=limit.bucket, key=key, at__gt=since).count() >= limit.count


@transaction.atomic
def record_hit(key, limit, *, now=None):
    """Count one use, and prune the rows that have left every window (so the table
    stays as small as the traffic of the last day)."""
    now = now or timezone.now()
    PublicRateHit.objects.filter(at__lt=now - timedelta(days=1)).delete()
    PublicRateHit.objects.create(bucket=limit.bucket, key=key, at=now)


def retry_minutes(limit):
    return max(1, limit.seconds // 60)


# Honeypot and time trap --------------------------------------------------------------

HONEYPOT_FIELD = "homepage"
STAMP_SALT = "etown.public.form-stamp"  # the old path, kept: forms already shown carry stamps signed with it
MAX_FORM_AGE = 24 * 3600


def min_form_seconds():
    # A person needs more than a few seconds to write a message.
    return getattr(settings, "PUBLIC_FORM_MIN_SECONDS", 3)


STAMP_BUCKET = "stamp"


def _stamp_key(stamp):
    return hashlib.sha256((stamp or "").encode()).hexdigest()


def form_stamp(now=None):
    """A signed time stamp for a freshly shown form; single-use (``stamp_use``). A random
    nonce makes two forms shown in the same second carry different stamps."""
    now = now or timezone.now()
    return signing.dumps([int(now.timestamp()), secrets.token_hex(8)], salt=STAMP_SALT)


def stamp_problem(stamp, now=None):
    """None when the stamp is valid, old enough and not used before; otherwise why it is
    refused (issue 14: one stamp, one message, not a day of replays)."""
    now = now or timezone.now()
    try:
        shown = signing.loads(stamp or "", salt=STAMP_SALT, max_age=MAX_FORM_AGE)
    except signing.SignatureExpired:
        return "页面已打开超过一天，请刷新后重新填写。"
    except signing.BadSignature:
        return "表单校验未通过，请刷新页面后重新填写。"
    if isinstance(shown, list):
        shown = shown[0]
    if now.timestamp() - shown < min_form_seconds():
        return "提交过快，请稍候再提交。"
    if PublicRateHit.objects.filter(bucket=STAMP_BUCKET, key=_stamp_key(stamp)).exists():
        return "该表单已提交过，请刷新页面后重新填写。"
    return None


def stamp_use(stamp, now=None):
    """Mark a stamp used (kept a day, as long as a stamp lives; pruned with the hits)."""
    PublicRateHit.objects.create(bucket=STAMP_BUCKET, key=_stamp_key(stamp), at=now or timezone.now())
