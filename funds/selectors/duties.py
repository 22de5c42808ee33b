"""Separation of duties (不相容岗位分离) on one request: which step of judgement a person
already took on a disbursement, change or extension request. Read by the services
(``funds.services.common.move`` refuses the second one) and by the pages (which do not
offer it).

The principle is the internal-control one the county documents presuppose: the finance
bureau reviews and pays (004 附件2 第三条、第六条) and the office reviews, the leading
group approves (002 第十条) — separate duties, so one person never performs two of them
on the same request, whatever roles they hold; the finance department's review and its
payment are by different people.
"""
from ..models import DUTY_ACTIONS, StepAction

ACTION_LABELS = dict(StepAction.choices)


def duty_taken(obj, user, action):
    """The label of another step of judgement ``user`` already took on ``obj`` (a
    DisbursementRequest or ChangeRequest), or "" when ``action`` may be theirs."""
    if action not in DUTY_ACTIONS or user is None or not getattr(user, "pk", None) or not obj.pk:
        return ""
    taken = (
        obj.steps.filter(actor_id=user.pk, action__in=DUTY_ACTIONS).exclude(action=action)
        .order_by("at", "pk").values_list("action", flat=True).first()
    )
    return ACTION_LABELS.get(taken, taken) if taken else ""


def duty_refusal(obj, user, action):
    """The Chinese reason ``user`` may not take ``action`` on ``obj``, or ""."""
    taken = duty_taken(obj, user, action)
    if not taken:
        return ""
    return (
        f"不相容岗位分离：您已办理本申请的“{taken}”，不能再办理“{ACTION_LABELS.get(action, action)}”，"
        "须由其他人员办理。"
    )
