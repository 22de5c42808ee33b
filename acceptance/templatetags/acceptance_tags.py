from django import template
from django.utils.html import format_html

register = template.Library()

TONES = {
    # application status
    "submitted": "primary", "rectifying": "warning", "passed": "success", "failed": "danger",
    # evaluation result
    "qualified": "success", "basic": "warning", "unqualified": "danger",
    # review conclusion / checklist judgement
    "not_passed": "danger", "met": "success", "not_met": "danger", "na": "secondary",
    # dossier export
    "pending": "secondary", "running": "info", "ready": "success",
}


@register.simple_tag
def status_badge(value, label):
    return format_html('<span class="badge text-bg-{} status-badge">{}</span>', TONES.get(value, "secondary"), label)
