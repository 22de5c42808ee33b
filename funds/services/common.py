"""The approval machinery shared by disbursement, change and extension requests: a
role-gated step table, the move from one state to the next with history and a trail
line, and the notifications to whoever acts next."""
from django.core.exceptions import ValidationError

from etown.models import Contract, Role
from etown.notifications import notify
from etown.permissions import memberships, require  # noqa: F401  (require is re-exported to the funds services)
from etown.services import save_with_history

from ..selectors.duties import duty_refusal

ROLE_LABELS = dict(Role.choices)


def actor_label(user, role, county_id):
    """“王立新 · 临猗县商务局 · 领导小组办公室”: the actor's name, unit and role at the
    time of the step (kept on the trail line as text)."""
    if user is None:
        return "社会公众"
    name = user.get_full_name() or user.get_username()
    for m in memberships(user):
        if m.role == role and (m.county_id in (None, county_id)):
            unit = m.organization.name if m.organization else ""
            title = f"（{m.title}）" if m.title else ""
            return " · ".join(x for x in (name + title, unit, ROLE_LABELS.get(role, "")) if x)
    return name




def require_reason(text, field="reason", message="请填写原因。"):
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def lock_contract(contract_id):
    """Lock the contract row first, in every funds write that depends on its figures:
    two requests (or a request and a clawback) of one contract then queue behind each
    other, and the order contract → request never deadlocks."""
    return Contract.objects.select_for_update().get(pk=contract_id)


STALE = "该申请已由他人处理（您打开页面之后它已有变化），本次操作未执行。请刷新页面查看最新状态。"


def expect_version(obj, version):
    """The stale-click guard: ``version`` is the one the user's page was rendered from
    (a hidden field); a step posted from an older page is refused, not taken on the
    request as it is now (a double click, or someone else was quicker). ``None``: the
    caller is not a page (a task, a command)."""
    if version is None:
        return
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise ValidationError(STALE)
    if version != obj.version:
        raise ValidationError(STALE)


def bump(obj):
    """Every write of a request raises its version (see ``expect_version``)."""
    obj.version = (obj.version or 0) + 1


def require_separate_duty(obj, *, action, by):
    """不相容岗位分离: refuse a second step of judgement by the same person on one
    request (``funds.selectors.duties``)."""
    refusal = duty_refusal(obj, by, action)
    if refusal:
        raise ValidationError(refusal)


def move(obj, *, step_model, to, action, by, role, note="", gates=(), reason_prefix=""):
    """Change ``obj.status`` to ``to``, save it with history (actor and reason) and
    append a line to its approval trail. Returns the trail line. A step of judgement
    by someone who already took another on ``obj`` is refused (不相容岗位分离)."""
    require_separate_duty(obj, action=action, by=by)
    from_status = obj.status
    obj.status = to
    bump(obj)
    label = step_model._meta.get_field("action").choices
    action_label = dict(label).get(action, action)
    save_with_history(obj, by=by, reason=f"{reason_prefix}{action_label}" + (f"：{note}" if note else ""))
    return add_step(obj, step_model=step_model, action=action, by=by, role=role, note=note, gates=gates,
                    from_status=from_status, to_status=to)


def add_step(obj, *, step_model, action, by, role, note="", gates=(), from_status="", to_status=""):
    owner = {"RequestStep": "request", "ChangeStep": "change"}[step_model.__name__]
    return step_model.objects.create(
        **{owner: obj},
        action=action,
        from_status=from_status or obj.status,
        to_status=to_status or obj.status,
        actor=by,
        actor_label=actor_label(by, role, obj.etown.county_id),
        note=note,
        gates=[g.as_json() for g in gates],
    )


def tell(users, *, title, obj, body="", kind="funds"):
    notify(users=users, title=title, body=body, url=obj.get_absolute_url(), kind=kind)
