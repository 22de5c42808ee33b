"""The conditions a disbursement request must meet (拨付条件), evaluated when it is
submitted and again at every step, each shown as a named check with its reason.

Funds' own gates come first; then whatever other apps registered on the hub under the
group "disbursement" (supervision: overdue or sent-back rectification items, a funds
inspection before disbursement; acceptance: the mid-term evaluation result). A hub
check is called as ``check.func(etown, today=..., request=...)`` and returns
``(passed, reason)``; one that raises counts as failed (fail closed). ``evaluate_many``
answers for many requests at once in a fixed number of queries (issue 16: the daily sweep
over every request in flight of the country), calling each check's batch form
(``etown.hub.Check.batch``), which answers exactly as its ``func`` does.

Whether a gate may be let pass by an office head with a recorded reason
(``GateOverride``) is declared where it is registered (``Gate.overridable`` here,
``etown.hub.Check.overridable`` for the other apps' checks) and defaults to NO. The
money gates are invariants of the contract; overdue or failed rectification (004 附件2
第十二条3), a failed acceptance, 不合格 and 基本合格 before its rectification is closed
(002 第十八条) are absolute in the documents. Only what the documents leave to
discretion (the materials: an original the office holds on paper) may be overridden.

The gates live with the selectors because they only read (the contract's position, the
request's materials and overrides, the hub's checks) and never write: the services call
them under their row locks and refuse while one blocks; the request page and the
approval form show them.
"""
import logging
from dataclasses import dataclass
from typing import Callable

from django.db.models import prefetch_related_objects

from etown.hub import hub

from ..models import GateOverride, MaterialKind, RequestKind, RequestMaterial
from .positions import contract_position, request_positions

log = logging.getLogger("funds.gates")

HUB_GROUP = "disbursement"


def yuan(value):
    return f"{value:,.2f} 元"


@dataclass
class GateResult:
    key: str
    label: str
    passed: bool
    reason: str
    clause: str = ""
    overridable: bool = False
    override: object = None  # the GateOverride that lets it pass, if any

    @property
    def blocking(self):
        return not self.passed and self.override is None

    @property
    def overridden(self):
        return not self.passed and self.override is not None

    def as_json(self):
        return {
            "key": self.key, "label": self.label, "passed": self.passed, "reason": self.reason,
            "overridable": self.overridable, "overridden": self.overridden,
            "override_reason": self.override.reason if self.overridden else "",
        }


@dataclass(frozen=True)
class Gate:
    key: str
    label: str
    clause: str
    func: Callable  # (ctx) -> (passed, reason)
    overridable: bool = False  # declared here, defaulting to no (see the module docstring)


@dataclass
class Context:
    """What the gates read. ``position.contract`` is the contract as just read from
    the database (locked in a service): use it, not ``request.contract``."""

    request: object
    position: object
    amount: object
    today: object
    material_kinds: set


# Funds' own gates -------------------------------------------------------------------


def _contract_active(ctx):
    contract, etown = ctx.position.contract, ctx.request.etown
    if contract.status == contract.Status.TERMINATED:
        return False, "合同已终止，不得再拨付。"
    if etown.status != etown.Status.ACTIVE:
        return False, f"项目处于“{etown.get_status_display()}”状态。"
    return True, f"合同{contract.get_status_display()}，项目正常推进。"


def _contract_cap(ctx):
    p = ctx.position
    total = p.disbursed + p.in_flight + ctx.amount
    detail = (
        f"本次 {yuan(ctx.amount)}，连同拨付总额 {yuan(p.disbursed)}"
        + (f"、排在前面的在途申请 {yuan(p.in_flight)}" if p.in_flight else "")
        + f"，合计 {yuan(total)}"
    )
    ceiling = f"可拨付上限 {yuan(p.ceiling)}（合同 {yuan(p.amount)}"
    if p.reduced:
        ceiling += f"，核减 {yuan(p.reduced)}"
    ceiling += "）"
    if p.clawed_back:
        ceiling += f"；已追回 {yuan(p.clawed_back)} 不再拨付"
    if total > p.ceiling:
        return False, f"{detail}，超过{ceiling}，超出 {yuan(total - p.ceiling)}。"
    return True, f"{detail}，未超过{ceiling}。"


def _prepayment(ctx):
    p = ctx.position
    if ctx.request.kind != RequestKind.PREPAYMENT:
        return True, "非预付款申请，不适用。"
    total = p.prepay_disbursed + p.prepay_in_flight + ctx.amount
    ratio = p.contract.prepayment_ratio.normalize()
    limit = f"合同约定预付比例 {ratio:f}%，即 {yuan(p.prepayment_limit)}"
    if total > p.prepayment_limit:
        return False, f"预付款累计 {yuan(total)}（含本次 {yuan(ctx.amount)}），超过{limit}。"
    return True, f"预付款累计 {yuan(total)}（含本次），未超过{limit}。"


def _retention(ctx):
    p = ctx.position
    contract = p.contract  # fresh from the database (under the row lock in a service)
    if p.final_accepted:
        return True, f"终验已于 {contract.final_acceptance_passed_on:%Y年%-m月%-d日} 通过，尾款可以拨付。"
    if ctx.request.kind == RequestKind.RETENTION:
        return False, "项目终验尚未通过，尾款不得拨付。"
    total = p.disbursed + p.in_flight + ctx.amount
    limit = p.ceiling - p.retention
    ratio = contract.retention_ratio.normalize()
    if total > limit:
        return False, (
            f"合计 {yuan(total)} 将动用须留存至终验通过的 {ratio:f}% 尾款 {yuan(p.retention)}"
            f"（终验前累计最多拨付 {yuan(max(limit, 0))}）。"
        )
    return True, f"留足 {ratio:f}% 尾款 {yuan(p.retention)}，终验前累计最多拨付 {yuan(max(limit, 0))}。"


REQUIRED_MATERIALS = {
    RequestKind.PREPAYMENT: (MaterialKind.APPLICATION_FORM, MaterialKind.CONTRACT),
    # The stage acceptance report is not an upload: the request names the counted stage
    # acceptance it rests on, whose report the portal holds (hub check
    # "acceptance_basis", 004 附件2 第十二条3). An uploaded PDF proves nothing.
    RequestKind.PROGRESS: (
        MaterialKind.APPLICATION_FORM, MaterialKind.CONTRACT, MaterialKind.INVOICE, MaterialKind.PROGRESS,
    ),
    RequestKind.RETENTION: (
        MaterialKind.APPLICATION_FORM, MaterialKind.CONTRACT, MaterialKind.INVOICE, MaterialKind.PROGRESS,
    ),
}


def _materials(ctx):
    required = REQUIRED_MATERIALS[ctx.request.kind]
    missing = [MaterialKind(k).label for k in required if k not in ctx.material_kinds]
    if missing:
        return False, "缺少：" + "、".join(missing) + "。"
    return True, "已提供：" + "、".join(MaterialKind(k).label for k in required) + "。"


OWN_GATES = [
    Gate("contract_active", "合同履行中", "安泽办法第九条", _contract_active, overridable=False),
    Gate("contract_cap", "累计拨付不超过合同金额", "安泽办法第九条、第十八条；临猗资金办法第七条", _contract_cap,
         overridable=False),
    Gate("prepayment", "预付款在合同约定比例内", "安泽办法第九条（预付比例需在合同上载明）", _prepayment, overridable=False),
    Gate("retention", "尾款待终验合格后拨付", "临猗资金办法第七条（预留 10% 尾款）", _retention, overridable=False),
    # The one discretionary gate: an original the office holds on paper may stand in
    # for an upload, at an office head's word with a reason shown in red.
    Gate("materials", "申请材料齐全", "临猗资金办法第十二条第4项", _materials, overridable=True),
]


# Evaluation -------------------------------------------------------------------------


def _run_hub_check(check, etown, today, request):
    try:
        passed, reason = check.func(etown, today=today, request=request)
        return bool(passed), str(reason or "")
    except Exception:  # a broken check must not let money through
        log.exception("disbursement check %s failed to run", check.key)
        return False, BROKEN


BROKEN = "该项条件核验出错，暂按未通过处理，请联系系统管理员。"


def _run_hub_batch(check, requests, today):
    """{request.pk: (passed, reason)} of a hub check for many requests: its batch form
    when it has one (a request it leaves out, or a batch that raises, fails closed), else
    its ``func`` once per request."""
    if check.batch is None:
        return {r.pk: _run_hub_check(check, r.etown, today, r) for r in requests}
    try:
        answers = check.batch(requests, today=today)
    except Exception:
        log.exception("disbursement check %s failed to run for %d requests", check.key, len(requests))
        answers = {}
    results = {}
    for request in requests:
        if request.pk in answers:
            passed, reason = answers[request.pk]
            results[request.pk] = bool(passed), str(reason or "")
        else:
            results[request.pk] = False, BROKEN
    return results


def _results(ctx, hub_results, overrides):
    """Funds' own gates on ``ctx``, then the hub checks' ``(check, (passed, reason))``, with
    the overrides an overridable gate may carry: one list of GateResult."""
    results = []
    for gate in OWN_GATES:
        passed, reason = gate.func(ctx)
        results.append(GateResult(gate.key, gate.label, passed, reason, gate.clause, gate.overridable))
    for check, (passed, reason) in hub_results:
        results.append(GateResult(f"hub:{check.key}", check.label, passed, reason, "", check.overridable))
    for result in results:
        override = overrides.get(result.key)
        if override is not None and result.overridable:
            result.override = override
    return results


def evaluate(request, *, today, amount=None, position=None, overrides=None):
    """Every gate for ``request`` as it stands (optionally for a different ``amount``,
    e.g. the amount actually disbursed). ``position`` and ``overrides`` may be passed
    when the caller has them already. Returns a list of GateResult."""
    position = position or contract_position(request.contract, request=request)
    amount = request.amount if amount is None else amount
    material_kinds = set(request.materials.values_list("kind", flat=True)) if request.pk else set()
    if overrides is None:
        overrides = list(request.overrides.all()) if request.pk else []
    overrides = {o.gate_key: o for o in overrides}
    ctx = Context(request=request, position=position, amount=amount, today=today, material_kinds=material_kinds)
    hub_results = [(check, _run_hub_check(check, request.etown, today, request)) for check in hub.checks_for(HUB_GROUP)]
    return _results(ctx, hub_results, overrides)


def evaluate_many(requests, *, today):
    """{request.pk: [GateResult]} for many saved requests, each what ``evaluate(request,
    today=today)`` returns, in a fixed number of queries whatever their number (issue 16:
    the daily sweep over every request in flight of the country): the positions (two),
    the materials (one), the overrides (one), and each hub check's batch form (a check
    without one is called per request). Each request's e-town and contract are read with
    it when the caller did not select them (two more)."""
    requests = list(requests)
    if not requests:
        return {}
    prefetch_related_objects([r for r in requests if not _cached(r, "etown")], "etown")
    prefetch_related_objects([r for r in requests if not _cached(r, "contract")], "contract")
    pks = [r.pk for r in requests]
    positions = request_positions(requests)
    materials = {pk: set() for pk in pks}
    for pk, kind in RequestMaterial.objects.filter(request_id__in=pks).values_list("request_id", "kind"):
        materials[pk].add(kind)
    overrides = {pk: {} for pk in pks}
    for override in GateOverride.objects.filter(request_id__in=pks):  # in the order ``request.overrides`` reads them
        overrides[override.request_id][override.gate_key] = override
    checks = hub.checks_for(HUB_GROUP)
    answers = [_run_hub_batch(check, requests, today) for check in checks]
    results = {}
    for request in requests:
        ctx = Context(request=request, position=positions[request.pk], amount=request.amount, today=today,
                      material_kinds=materials[request.pk])
        hub_results = [(check, answer[request.pk]) for check, answer in zip(checks, answers)]
        results[request.pk] = _results(ctx, hub_results, overrides[request.pk])
    return results


def _cached(request, relation):
    return request._meta.get_field(relation).is_cached(request)


def recorded(request, overrides=()):
    """The gates as they were checked at the request's last step that checked them
    (for a request that is paid or withdrawn: re-evaluating would count its own
    payment twice). GateResults rebuilt from the trail line's JSON."""
    step = request.steps.exclude(gates=[]).order_by("-at", "-pk").first()
    if step is None:
        return []
    by_key = {o.gate_key: o for o in overrides}
    results = []
    for g in step.gates:
        result = GateResult(g["key"], g["label"], g["passed"], g["reason"], overridable=g.get("overridable", False))
        if g.get("overridden"):
            result.override = by_key.get(g["key"])
        results.append(result)
    return results


FINISHED = ("disbursed", "withdrawn")


def for_display(request, *, today, position=None, overrides=None):
    """What a page or the approval form shows: live gates while the request is open,
    the recorded ones once it is paid or withdrawn."""
    overrides = list(request.overrides.all()) if overrides is None else overrides
    if request.status in FINISHED:
        return recorded(request, overrides)
    return evaluate(request, today=today, position=position, overrides=overrides)


def blocking(results):
    return [r for r in results if r.blocking]


def blocking_message(results):
    failed = blocking(results)
    return "以下拨付条件未满足：" + "；".join(f"{r.label}——{r.reason}" for r in failed)
