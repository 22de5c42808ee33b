from django import template

register = template.Library()

TONES = {
    "draft": "secondary", "submitted": "primary", "office_approved": "primary", "department_approved": "primary",
    "leader_approved": "primary", "meeting_passed": "info", "in_notice": "warning", "objected": "danger",
    "disbursed": "success", "returned": "danger", "withdrawn": "dark", "approved": "success",
    # assets
    "in_use": "success", "idle": "warning", "moved": "danger", "scrapped": "dark",
}


@register.filter
def tone(status):
    """The Bootstrap tone of a funds status, for the ``badge`` tag."""
    return TONES.get(status, "secondary")
