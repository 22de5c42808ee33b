"""The approval chains of funds as tables: at each status of a request, who may act,
which action, the role the trail records and the status it leads to. The services
enforce these tables; the pages read them to show the buttons (``Flow.actions``) and the
queues to know whose turn it is (``Flow.waiting_on``). Nothing else re-derives them.

Disbursement (安泽办法 002 第十条、第十二条; 临猗资金办法 004 附件2 第十二条):

draft ─submit→ submitted ─office→ office_approved ─finance→ department_approved
─leader→ leader_approved ─meeting (office)→ meeting_passed ─notice (office)→ in_notice
─(notice over, no objection) disburse (finance)→ disbursed. Any in-flight step may be
returned with a reason by whoever acts at it (and, during the notice, by the office that
runs it or the finance bureau about to pay); an objection during the notice stops it
(objected) until the office has dealt with it (004 附件2 第十二条第3项: 公示无异议后，方可
拨付). The contractor may withdraw until the office has acted; an office head may let a
failing gate pass at any open step (``GateOverride``).

Change and extension (004 附件2 第九条、第十条):

draft ─submit→ submitted ─office→ office_approved ─leader→ approved (an extension,
第十条) or leader_approved ─higher authority's consent (office, 第九条: 报请上级同意)→
approved. Returned at any review step by whoever acts at it.

The roles behind each ``may`` are set out in ``funds.permissions``.
"""
from dataclasses import dataclass
from typing import Callable

from etown.models import Role

from .models import ChangeKind, ChangeStatus, RequestStatus, StepAction
from .permissions import can_apply, can_finance_act, can_lead, can_office_act, can_override

# Actions: the name of the page's button and of its URL (/funds/requests/<pk>/<action>/).
SUBMIT = "submit"
EDIT = "edit"
MATERIAL = "material"
WITHDRAW = "withdraw"
APPROVE = "approve"
MEETING = "meeting"
NOTICE = "notice"
OBJECTION = "objection"
RESUME = "resume"
DISBURSE = "disburse"
RETURN = "return"
OVERRIDE = "override"
HIGHER = "higher"


@dataclass(frozen=True, eq=False)
class Step:
    """One thing that may be done to a request at a status."""

    action: str
    may: Callable  # (user, etown) -> Verdict: who may take it
    role: str  # the role recorded on the trail line
    to: object = None  # the next status (None: it stays); {kind: status} when the kind decides
    record: str = ""  # the StepAction of the trail line
    turn: bool = False  # it moves the request on: whoever may take it has the request in their queue

    def next_status(self, obj):
        return self.to[obj.kind] if isinstance(self.to, dict) else self.to


class Flow:
    """A table ``{status: (Step, ...)}`` and what the services and pages ask of it."""

    def __init__(self, table):
        self.table = table

    def at(self, status, action):
        """The steps of ``action`` at ``status`` (two for a return during the notice)."""
        return tuple(step for step in self.table.get(status, ()) if step.action == action)

    def statuses(self, action):
        """Every status at which ``action`` may be taken."""
        return tuple(status for status, steps in self.table.items() if any(s.action == action for s in steps))

    def only(self, action):
        """The one step of ``action``: the same actor and next status wherever it may be
        taken (submit, meeting, disburse …; not approve or return)."""
        found = [step for steps in self.table.values() for step in steps if step.action == action]
        if not found or any(step is not found[0] for step in found):
            raise LookupError(f"{action} is taken by different roles at different statuses")
        return found[0]

    def landing(self, status, skipped, obj=None):
        """Where a request moving to ``status`` lands when the county's chain does not
        have the steps taken at the ``skipped`` statuses: past each, by its turn step."""
        while status in skipped:
            (step,) = [s for s in self.table[status] if s.turn]
            status = step.next_status(obj)
        return status

    def waiting_on(self, role):
        """The statuses at which it is ``role``'s turn to move the request on."""
        return tuple(status for status, steps in self.table.items() if any(s.turn and s.role == role for s in steps))

    def actions(self, user, obj):
        """The actions ``user`` may take on ``obj`` now, in the table's order: what its
        page offers. Each permission is asked once."""
        verdicts, found = {}, []
        for step in self.table.get(obj.status, ()):
            if step.action in found:
                continue
            if step.may not in verdicts:
                verdicts[step.may] = bool(step.may(user, obj.etown))
            if verdicts[step.may]:
                found.append(step.action)
        return found


# Disbursement requests --------------------------------------------------------------

S = RequestStatus

_submit = Step(SUBMIT, can_apply, Role.CONTRACTOR, S.SUBMITTED, StepAction.SUBMIT, turn=True)
_edit = Step(EDIT, can_apply, Role.CONTRACTOR)
_material = Step(MATERIAL, can_apply, Role.CONTRACTOR)
# Withdrawn by the contractor until the office has acted on it.
_withdraw = Step(WITHDRAW, can_apply, Role.CONTRACTOR, S.WITHDRAWN, StepAction.WITHDRAW)
_override = Step(OVERRIDE, can_override, Role.OFFICE, None, StepAction.OVERRIDE)


def _return(may, role, to=S.RETURNED):
    return Step(RETURN, may, role, to, StepAction.RETURN)


REQUEST_FLOW = Flow({
    S.DRAFT: (_submit, _edit, _material, _withdraw, _override),
    S.RETURNED: (_submit, _edit, _material, _withdraw, _override),
    S.SUBMITTED: (
        Step(APPROVE, can_office_act, Role.OFFICE, S.OFFICE_APPROVED, StepAction.OFFICE_APPROVE, turn=True),
        _return(can_office_act, Role.OFFICE),
        _withdraw,
        _override,
    ),
    S.OFFICE_APPROVED: (
        Step(APPROVE, can_finance_act, Role.REVIEWER, S.DEPARTMENT_APPROVED, StepAction.DEPARTMENT_APPROVE, turn=True),
        _return(can_finance_act, Role.REVIEWER),
        _override,
    ),
    S.DEPARTMENT_APPROVED: (
        Step(APPROVE, can_lead, Role.LEADER, S.LEADER_APPROVED, StepAction.LEADER_APPROVE, turn=True),
        _return(can_lead, Role.LEADER),
        _override,
    ),
    S.LEADER_APPROVED: (
        Step(MEETING, can_office_act, Role.OFFICE, S.MEETING_PASSED, StepAction.MEETING, turn=True),
        _return(can_office_act, Role.OFFICE),
        _override,
    ),
    S.MEETING_PASSED: (
        Step(NOTICE, can_office_act, Role.OFFICE, S.IN_NOTICE, StepAction.NOTICE, turn=True),
        _return(can_office_act, Role.OFFICE),
        _override,
    ),
    S.IN_NOTICE: (
        Step(DISBURSE, can_finance_act, Role.REVIEWER, S.DISBURSED, StepAction.DISBURSE, turn=True),
        Step(OBJECTION, can_office_act, Role.OFFICE, S.OBJECTED, StepAction.OBJECTION),
        # The office that runs the notice comes first: its role is recorded for a user
        # who is both, and its reason is the one given to a user who is neither.
        _return(can_office_act, Role.OFFICE),
        _return(can_finance_act, Role.REVIEWER),
        _override,
    ),
    S.OBJECTED: (
        Step(RESUME, can_office_act, Role.OFFICE, S.IN_NOTICE, StepAction.RESUME_NOTICE, turn=True),
        _return(can_office_act, Role.OFFICE),
        _override,
    ),
})


# Change and extension requests ------------------------------------------------------

C = ChangeStatus

_change_submit = Step(SUBMIT, can_apply, Role.CONTRACTOR, C.SUBMITTED, StepAction.SUBMIT, turn=True)
_change_edit = Step(EDIT, can_apply, Role.CONTRACTOR)
_change_withdraw = Step(WITHDRAW, can_apply, Role.CONTRACTOR, C.WITHDRAWN, StepAction.WITHDRAW)

CHANGE_FLOW = Flow({
    C.DRAFT: (_change_submit, _change_edit, _change_withdraw),
    C.RETURNED: (_change_submit, _change_edit, _change_withdraw),
    C.SUBMITTED: (
        Step(APPROVE, can_office_act, Role.OFFICE, C.OFFICE_APPROVED, StepAction.OFFICE_APPROVE, turn=True),
        _return(can_office_act, Role.OFFICE, C.RETURNED),
        _change_withdraw,
    ),
    C.OFFICE_APPROVED: (
        # An extension is approved by the leading group (第十条); a change still needs the
        # higher authority's consent (第九条).
        Step(APPROVE, can_lead, Role.LEADER, {ChangeKind.CHANGE: C.LEADER_APPROVED, ChangeKind.EXTENSION: C.APPROVED},
             StepAction.LEADER_APPROVE, turn=True),
        _return(can_lead, Role.LEADER, C.RETURNED),
    ),
    C.LEADER_APPROVED: (
        Step(HIGHER, can_office_act, Role.OFFICE, C.APPROVED, StepAction.HIGHER_APPROVAL, turn=True),
        _return(can_office_act, Role.OFFICE, C.RETURNED),
    ),
})


# A county's chain (FundsPolicy, issue 12) ------------------------------------------
# The optional steps of the disbursement chain, each by the status at which it is taken.
# A step the county's policy does not have is skipped (``Flow.landing``): 临猗 (004
# 附件2 第三条、第十二条) has no leading-group approval or executive meeting; 安泽 (002
# 第十条、第十二条) has no finance review step and no notice before paying.
OPTIONAL_STEPS = {
    "department_review": S.OFFICE_APPROVED,
    "leader_approval": S.DEPARTMENT_APPROVED,
    "executive_meeting": S.LEADER_APPROVED,
    "payment_notice": S.MEETING_PASSED,
}


def skipped_statuses(policy):
    return {status for field, status in OPTIONAL_STEPS.items() if not getattr(policy, field)}
