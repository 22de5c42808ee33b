from decimal import Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def wan(value, places=2):
    """元 → 万元 with thousands separators, e.g. 200000000 → 20,000.00."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(value) / Decimal(10000)
    except (InvalidOperation, TypeError):
        return value
    return f"{amount:,.{int(places)}f}"


@register.filter
def yuan(value):
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(value):,.2f}"
    except (InvalidOperation, TypeError):
        return value


@register.filter
def num(value):
    """A decimal without trailing zeros: 1000.00 → 1,000; 12.50 → 12.5."""
    if value in (None, ""):
        return "—"
    try:
        d = Decimal(value).normalize()
    except (InvalidOperation, TypeError):
        return value
    text = f"{d:,f}"
    return text


BADGE_CLASSES = {
    # registry
    "preparation": "secondary", "implementation": "primary", "evaluation": "info", "acceptance": "warning",
    "closed": "dark", "active": "success", "suspended": "warning", "terminated": "danger", "completed": "dark",
}


@register.simple_tag
def badge(value, label, tone=None):
    tone = tone or BADGE_CLASSES.get(value, "secondary")
    return format_html('<span class="badge text-bg-{} status-badge">{}</span>', tone, label)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def person(user, default="系统"):
    """Who did it: the user's full name or user name, or ``default`` when the history row
    has no user (a deleted account, a change made in the shell or by a task)."""
    if user is None:
        return default
    return user.get_full_name() or user.username
