"""Registrations of the funds app on etown's hub, made by ``register()``, which
FundsConfig.ready() calls once: navigation, the e-town page panel, the public panel,
the dashboard card and metrics, the dossier source, the reminder sweep, the change-log
sources, the demo seeder, and the receiver of notice objections."""
import tempfile
from decimal import Decimal
from pathlib import Path

from django.db.models import Q, Sum
from django.utils import timezone

from etown.history import register_history_source
from etown.hub import Breakdown, Check, DossierItem, Metric, NavItem, Panel, hub
from etown.models import County, Role
from etown.notifications import Due, register_sweep, remind_many
from etown.permissions import memberships
from etown.recipients import staff_by_county
from etown.services import save_with_history
from acceptance.signals import evaluation_decided
from etown.signals import contract_terminated, notice_objected
from supervision.signals import rectification_sent_back

from .selectors import dashboard, regional
from . import tasks  # noqa: F401  (registers the Celery task with a worker)
from . import demo
from .exports.approval_form import approval_form_pdf
from .exports.ledger import clawbacks_workbook, write_assets, write_ledger
from .models import (
    Asset,
    ChangeRequest,
    Clawback,
    ClawbackKind,
    ClawbackProposal,
    DisbursementRequest,
    FundsPolicy,
    RequestStatus,
)
from .permissions import can_apply, file_guard
from .selectors.changes import change_queue
from .selectors.policy import finance_departments
from .selectors.positions import etown_funds
from .selectors.public import public_funds
from .selectors.requests import (
    acceptance_basis, acceptance_basis_many, own_contracts_q, request_queue, visible_requests,
)
from .services import clawbacks, disbursement_record_objection
from .services.gates import gates_sweep

SOURCE_TYPE = "funds.disbursementrequest"
WAN = Decimal(10000)


# Navigation, panels and cards -------------------------------------------------------


def _has_role(user):
    return bool(memberships(user))


def _etown_panel(request, etown):
    funds = etown_funds(etown)
    return {
        "t": funds.totals,
        "requests": list(visible_requests(request.user, etown=etown)[:5]),
        "can_apply": can_apply(request.user, etown),
    }


def public_figures(etown):
    """Contract amount, 已拨付 (net: the one definition of ``selectors.positions``) and
    retention held: published facts only, nothing personal (``selectors.public``)."""
    funds = public_funds([etown]).get(etown.pk)
    if funds is None:
        return None
    return {"allocated": funds.contract_amount, "disbursed": funds.net_disbursed,
            "retention_held": funds.retention_held}


def public_funds_data(etowns):
    """The open-data form of the funds panel for many e-towns (two queries): figures and
    each disbursement made (date, amount, stage)."""
    return {pk: {"values": f.values(), "records": f.records()} for pk, f in public_funds(etowns).items()}


def _public_panel(request, etown):
    funds = public_funds([etown]).get(etown.pk)
    if funds is None:
        return None
    return {"funds": funds, "note": "已拨付为拨付总额扣除已追回资金后的净额；尾款待项目终验合格后拨付（临猗资金办法第七条）。"}


def _dashboard_card(request, _):
    n_requests, n_changes = request_queue(request.user).count(), change_queue(request.user).count()
    if not (n_requests or n_changes):
        return None
    return {"requests": n_requests, "changes": n_changes}


# Metrics for the county dashboard ---------------------------------------------------


def _in_counties(county_ids, prefix="etown__county_id"):
    return Q() if county_ids is None else Q(**{f"{prefix}__in": county_ids})


def metric_money(county_ids):
    """{合同金额, 已拨付, 拨付总额, 尾款留存} in 万元 over the counties: one SQL aggregate
    (issue 16). 已拨付 is the one definition (net of clawbacks, every contract;
    ``selectors.positions``) with the gross beside it (issue 15)."""
    totals = dashboard.money_totals(county_ids)
    labels = {"合同金额": "contract_amount", "已拨付": "net_disbursed", "拨付总额": "gross_disbursed",
              "尾款留存": "retention_held"}
    return {label: (totals[key] / WAN).quantize(Decimal("0.01")) for label, key in labels.items()}


def metric_clawed_back(county_ids):
    total = Clawback.objects.filter(_in_counties(county_ids), kind=ClawbackKind.CLAWBACK).aggregate(s=Sum("amount"))["s"]
    return ((total or Decimal(0)) / WAN).quantize(Decimal("0.01"))


# Dossier ----------------------------------------------------------------------------


def _xlsx_bytes(writer, etown, **kwargs):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        writer(etown, path, **kwargs)
        return path.read_bytes()


def dossier_items(etown, contract=None):
    """资金 documents of the e-town's dossier (临猗资金办法第十八条; 安泽办法第八条): each
    request's materials, its approval form, the ledger, the asset register and the
    clawback and reduction decisions (issue 15). A draft's materials were never submitted
    and are claimed but not filed (004 附件3 第四条（一）); a withdrawn request's stay, marked.
    ``contract``: a dossier for one contract's acceptance holds that contract's requests,
    ledger, assets and decisions only (issue 11)."""
    items = []
    requests = (
        DisbursementRequest.objects.filter(etown=etown)
        .select_related("etown__county", "contract__contractor", "notice").prefetch_related("materials__file")
        .order_by("pk")
    )
    clawback_records = Clawback.objects.filter(etown=etown).select_related("contract__contractor").order_by("decided_on", "pk")
    contractors = None
    if contract is not None:
        requests = requests.filter(contract=contract)
        clawback_records = clawback_records.filter(contract=contract)
        contractors = {contract.contractor_id}
    for dr in requests:
        if dr.status == RequestStatus.DRAFT:
            items += [DossierItem(category="资金", title=f"{dr.code} 草稿材料", date=None, source="承办企业",
                                  filename=m.file.original_name, stored_file=m.file, excluded=True)
                      for m in dr.materials.all()]
            continue
        withdrawn = "（已撤回）" if dr.status == RequestStatus.WITHDRAWN else ""
        for material in dr.materials.all():
            items.append(DossierItem(
                category="资金", title=f"{dr.code}{withdrawn} {material.get_kind_display()}",
                date=timezone.localdate(material.uploaded_at),
                source="承办企业", filename=material.file.original_name, stored_file=material.file,
            ))
        if dr.status == RequestStatus.WITHDRAWN:
            continue
        items.append(DossierItem(
            category="资金", title=f"{dr.code} 拨付审批表（{dr.get_status_display()}）",
            date=dr.disbursed_on or (timezone.localdate(dr.submitted_at) if dr.submitted_at else None), source="系统生成",
            filename=f"拨付审批表-{dr.code}.pdf", content=lambda dr=dr: approval_form_pdf(dr),
        ))
    suffix = f"（{contract.number}）" if contract is not None else ""
    items.append(DossierItem(category="资金", title=f"专项资金使用台账{suffix}", date=None, source="系统生成",
                             filename=f"{etown.name}专项资金使用台账{suffix}.xlsx",
                             content=lambda: _xlsx_bytes(write_ledger, etown, contractors=contractors)))
    items.append(DossierItem(category="资金", title=f"资产台账{suffix}", date=None, source="系统生成",
                             filename=f"{etown.name}资产台账{suffix}.xlsx",
                             content=lambda: _xlsx_bytes(write_assets, etown, contractors=contractors)))
    clawback_records = list(clawback_records)
    if clawback_records:
        items.append(DossierItem(
            category="资金", title=f"追回与核减决定{suffix}", date=clawback_records[-1].decided_on, source="领导小组办公室",
            filename=f"{etown.name}追回与核减决定{suffix}.xlsx",
            content=lambda: clawbacks_workbook(etown, clawback_records),
        ))
    return items


# Reminders -------------------------------------------------------------------------


def sweep_notice_over(today, calendar):
    """Tell the finance bureau once when a disbursement's notice has ended with no
    objection: the request may now be paid (004 附件2 第十二条第3项)."""
    due = list(
        DisbursementRequest.objects.filter(status=RequestStatus.IN_NOTICE, notice__end_date__lt=today)
        .select_related("etown", "notice")
    )
    departments = finance_departments({r.etown.county_id for r in due})
    # Set-based (issue 16): the finance staff of every county in two queries, one batch.
    finance = staff_by_county(set(departments), Role.REVIEWER, organization_by_county=departments)
    return remind_many([
        Due.of(
            request, kind="funds_notice_over", due_date=request.notice.end_date,
            users=finance.get(request.etown.county_id, []),
            title=f"拨付公示期满无异议，可办理拨付：{request.etown.name}",
            body=f"{request.get_kind_display()} {request.amount:,.2f} 元，公示于 {request.notice.end_date:%Y年%-m月%-d日} 期满。",
            url=request.get_absolute_url(),
        )
        for request in due if departments.get(request.etown.county_id) is not None
    ])


# Objections to a disbursement's notice ----------------------------------------------


def on_notice_objected(sender, notice, text, by=None, submission=None, **kwargs):
    """The one code path of an objection: the public window sends the signal, and so do
    office staff from the request page; the service stops the request."""
    if notice.source_type != SOURCE_TYPE or notice.source_id is None:
        return
    request = DisbursementRequest.objects.select_related("etown__county").get(pk=notice.source_id)
    disbursement_record_objection(request=request, text=text, by=by, submission=submission, notice=notice)


# Demo data ---------------------------------------------------------------------------


def _seed_demo_funds(system):
    from .management.commands.seed_funds_demo import seed

    return seed()


# Each demo county's chain follows its own document (issue 12).
DEMO_CHAINS = {
    # 004 附件2 第三条、第六条 (县财政局审核、拨付), 第十二条第2项 (报项目主管单位), 第3项 (验收合格、
    # 公示至少 5 个工作日、无异议后拨付), 第4项 (阶段验收报告): no 领导小组 and no 常务会议 step.
    "临猗县": dict(department_review=True, leader_approval=False, executive_meeting=False, payment_notice=True,
                 stage_acceptance=True, chain_clause="临猗资金办法（004 附件2）第三条、第六条、第十二条"),
    # 002 第十条 (办公室 → 领导小组 → 县政府常务会议), 第十二条 (常务会议通过后由相关部门拨付):
    # no finance review before the meeting, no notice, no stage acceptance.
    "安泽县": dict(department_review=False, leader_approval=True, executive_meeting=True, payment_notice=False,
                 stage_acceptance=False, chain_clause="安泽办法（002）第十条、第十二条"),
    # 000 is a supervision plan: it sets no chain (only a funds inspection before every
    # disbursement, §六（三）, a supervision rule); the full chain stays until the office
    # records its county's own document.
    "高平市": dict(department_review=True, leader_approval=True, executive_meeting=True, payment_notice=True,
                 stage_acceptance=True,
                 chain_clause="高平方案（000）未规定拨付程序，沿用完整程序；拨付前资金检查见第六条（三）"),
}


def _seed_demo_chains(system):
    """Run after the funds demo (whose past requests went the full chain): from now on
    each demo county's requests follow its own chain."""
    created = False
    for name, chain in DEMO_CHAINS.items():
        county = County.objects.filter(name=name).first()
        if county is None or FundsPolicy.objects.filter(county=county).exclude(chain_clause="").exists():
            continue
        policy = FundsPolicy.objects.filter(county=county).first() or FundsPolicy(county=county)
        for field, value in chain.items():
            setattr(policy, field, value)
        save_with_history(policy, by=system, reason=f"按本县文件设置拨付程序：{chain['chain_clause']}")
        created = True
    return created


def register():
    """Every registration of the funds app, once, from FundsConfig.ready()."""
    notice_objected.connect(on_notice_objected, dispatch_uid="funds.notice_objected")
    # Decisions that become funds records (issue 12), in the deciding transaction.
    contract_terminated.connect(clawbacks.on_contract_terminated, dispatch_uid="funds.contract_terminated")
    rectification_sent_back.connect(clawbacks.on_rectification_sent_back, dispatch_uid="funds.rectification_sent_back")
    evaluation_decided.connect(clawbacks.on_evaluation_decided, dispatch_uid="funds.evaluation_decided")
    register_sweep("funds_clawback_term_passed", clawbacks.sweep_term_passed)
    register_history_source("追回建议", lambda etown: ClawbackProposal.history.filter(etown_id=etown.pk))
    hub.register_nav(NavItem("专项资金", "funds:home", order=40, visible=_has_role))
    hub.register_panel(Panel("funds", "专项资金", "funds/panels/etown_panel.html", _etown_panel, order=40))
    hub.register_public_panel(Panel("funds", "专项资金", "funds/public_panel.html", _public_panel, order=40,
                                    data_for=public_funds_data))
    hub.register_dashboard_card(Panel("funds", "待办资金事项", "funds/panels/dashboard_card.html", _dashboard_card, order=40))
    # The regional dashboard's money columns (issue 16).
    # One grouped query for the four money columns (``source``), issue 16; 已拨付 is net of
    # clawbacks with 拨付总额 beside it (issue 15).
    for key, label, func, field, order in (
        ("contract_amount", "合同金额", regional.contract_amount_by, "contract_amount", 10),
        ("paid", "已拨付", regional.paid_by, "net_disbursed", 11),
        ("gross_paid", "拨付总额", regional.gross_paid_by, "gross_disbursed", 11),
        ("held", "尾款留存", regional.held_by, "retention_held", 12),
    ):
        hub.register_breakdown(Breakdown(key, label, func, order=order, kind="money", source=dashboard.money_by,
                                         field=field))
    # Issue 15: payments held by a failing gate, per county and e-town and in total.
    hub.register_breakdown(Breakdown("blocked_payments", "拨付受阻", dashboard.blocked_by, order=13, tone="danger"))
    hub.register_metric(Metric("funds_blocked", "拨付受阻的申请", source=dashboard.request_figures, field="blocked",
                               group="专项资金", order=43, url_name="funds:request_list", tone="danger"))
    register_sweep("funds_gates_refresh", gates_sweep)
    hub.register_metric(Metric("funds_money", "专项资金（万元）", metric_money, group="专项资金", order=40,
                               url_name="funds:home"))
    hub.register_metric(Metric("funds_in_flight", "审批中的拨付申请", source=dashboard.request_figures, field="in_flight",
                               group="专项资金", order=41, url_name="funds:request_list"))
    hub.register_metric(Metric("funds_clawed_back", "已追回资金（万元）", metric_clawed_back, group="专项资金", order=42,
                               url_name="funds:home", tone="danger"))
    # 004 附件2 第十二条3; 附件3 第五条（一）、第八条（二）: a progress payment rests on a
    # counted stage acceptance, the retention on the counted final one; absolute.
    hub.register_check(Check(group="disbursement", key="acceptance_basis", label="拨付依据的验收结论已生效",
                             func=acceptance_basis, order=62, overridable=False, batch=acceptance_basis_many,
                             watches=("acceptance.AcceptanceApplication", "funds.FundsPolicy")))
    hub.register_dossier_source("funds", dossier_items)
    # Per-contract scoping of downloads (issue 11): another contractor's request materials,
    # vouchers, ledger invoices, asset photos and change documents are not served.
    hub.register_file_guard(file_guard)
    register_sweep("funds_notice_over", sweep_notice_over)
    register_history_source("资金拨付申请", lambda etown: DisbursementRequest.history.filter(etown_id=etown.pk), shared=True,
                            scope=lambda qs, user: qs.filter(own_contracts_q(user)))  # issue 11: per contract
    register_history_source("变更与延期申请", lambda etown: ChangeRequest.history.filter(etown_id=etown.pk))
    register_history_source("资产台账", lambda etown: Asset.history.filter(etown_id=etown.pk))
    register_history_source("追回与核减", lambda etown: Clawback.history.filter(etown_id=etown.pk))
    # After the reports and inspection rules, so the demo requests meet the county's rules.
    hub.register_demo_seeder("funds", _seed_demo_funds, order=40)
    hub.register_demo_seeder("funds-chains", _seed_demo_chains, order=45)
    hub.register_demo_seeder("funds-early", demo.seed_funds_early, order=31)  # issue 15: before supervision's
    hub.register_demo_seeder("funds-late", demo.seed_funds_late, order=50)
