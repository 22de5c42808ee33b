"""Everything supervision plugs into etown's hub (navigation, e-town panels, dashboard
cards, county metrics, disbursement checks, dossier sources, history sources, reminder
sweeps, demo seeders), so that etown renders it without importing supervision
(DESIGN.md, architecture).

``register()`` does every registration; ``SupervisionConfig.ready()`` calls it. Nothing
registers at import time. The Celery task of letters is found by Celery's autodiscovery
(``supervision.tasks``).
"""
import datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from etown.history import register_history_source
from etown.hub import Breakdown, Check, DossierItem, Metric, NavItem, Panel, hub, national_cached
from etown.models import County, Role
from etown.notifications import register_sweep
from etown.permissions import county_scope, has_role, has_scope, in_scope, visible_etowns
from etown.services import save_with_history

from .exports.dossier import dossier_items as supervision_dossier_items
from .exports.reports import single_report_workbook
from .management.commands.seed_demo_reports import seed_reports
from .demo import seed_supervision
from .models import (
    CountyInspectionRule,
    DisqualificationRule,
    EscalationLevel,
    Inspection,
    InspectionPlan,
    Interview,
    MonthlyReport,
    Rectification,
    RectificationEscalation,
    SupervisionLetter,
    Termination,
    overdue_q,
)
from .permissions import (
    can_file_reports,
    can_record_inspection,
    can_see_inspections,
    can_see_review_queue,
    can_supervise,
    file_guard,
    is_contractor,
)
from .selectors import regional
from .selectors.scope import scope_items, scope_letters, scope_reports
from .selectors.termination import disqualification_warnings
from .selectors.inspections import (
    ACTIVE_PHASES, default_rule, due_counts, due_rows, latest_funds_inspections, rules_for_counties,
)
from .selectors.rectification import (
    blocking_items, blocking_items_by_contract, hide_termination, repeatedly_overdue_contractors, status_summary,
    with_overdue,
)
from .selectors.reports import (
    contractor_months,
    count_overdue,
    count_waiting,
    indicator_chart_data,
    late_expression,
    open_months,
    queue_counts,
    track_indicator,
)
from .services.inspections import inspection_rule_apply_preset
from .services.reminders import sweep_draft_letters, sweep_inspections_due, sweep_rectification_deadlines
from .services.reports import sweep_monthly_reports


# A dashboard chart names the worst few (issue 16: the page is the same size for 5 or 1,500
# e-towns); the lists behind it hold the rest.
CHART_TOP = 10


def register():
    """Every registration of supervision with etown's hub, once, from ``ready()``."""
    _register_inspections_rectification_letters()
    _register_reports()
    # Per-contract scoping of downloads (issue 11): another contractor's letter, report
    # attachment or evidence is not served to this contractor.
    hub.register_file_guard(file_guard)


# Inspections, rectification and letters ----------------------------------------------------


def _register_inspections_rectification_letters():
    # Navigation
    hub.register_nav(NavItem("监督检查", "inspection_due_list", order=30, visible=can_see_inspections))
    hub.register_nav(NavItem("整改台账", "rectification_list", order=32))
    hub.register_nav(NavItem("督办函", "letter_list", order=34))

    # The e-town page and the dashboard
    hub.register_panel(Panel("inspections", "监督检查", "supervision/inspections/_panel.html", inspections_panel, order=40))
    hub.register_panel(Panel("rectification", "整改与督办", "supervision/rectification/_panel.html", rectification_panel, order=41))
    hub.register_dashboard_card(Panel("rectification", "整改督办", "supervision/rectification/_dashboard_card.html", dashboard_card, order=40))
    # Three figures of the items in one query (issue 16). Items owned by government
    # departments only (issue 11) are not the contractor's, so no letter and no ladder:
    # the office tracks them here.
    for key, label, field, order, tone in (
        ("rectification_overdue", "逾期整改事项", "overdue", 40, "danger"),
        ("rectification_submitted", "待核验整改事项", "submitted", 41, "warning"),
        ("rectification_government_overdue", "政府部门负责的逾期整改事项", "government_overdue", 43, "danger"),
    ):
        hub.register_metric(Metric(key, label, source=_item_figures, field=field, group="整改督办", order=order,
                                   url_name="rectification_list", tone=tone))
    hub.register_metric(Metric(
        "disqualification_due", "达到取消承办资格条件的承办企业",
        lambda ids: {f"{c.contractor.name}（{c.etown.name}）": n
                     for c, n, _ in disqualification_warnings(ids, timezone.localdate())[:CHART_TOP]},
        group="整改督办", order=43, url_name="rectification_list", tone="danger",
    ))
    hub.register_metric(Metric(
        "repeat_overdue_contractors", "多次逾期未整改的承办企业",
        lambda ids: {f"{name}（{etown}）": n
                     for name, etown, _, n in repeatedly_overdue_contractors(ids, timezone.localdate(), limit=CHART_TOP)},
        group="整改督办", order=42, url_name="rectification_list", tone="danger",
    ))

    # Disbursement gates read by funds (004 annex 2 art. 12(3); 000 §6(三))
    hub.register_check(Check(group="disbursement", key="rectification", label="无逾期或被退回的整改事项",
                             func=check_rectification, order=30, overridable=False,
                             batch=check_rectification_many, watches=("supervision.Rectification",)))  # 第十二条3: absolute
    hub.register_check(Check(group="disbursement", key="funds_inspection", label="拨付前资金检查",
                             func=check_funds_inspection, order=31, overridable=False,
                             batch=check_funds_inspection_many,
                             watches=("supervision.Inspection", "supervision.CountyInspectionRule")))  # 000 §6(三): required

    # Reminders and the daily drafting of letters
    register_sweep("inspections_due", sweep_inspections_due)
    register_sweep("rectification_deadlines", sweep_rectification_deadlines)
    register_sweep("supervision_letters_draft", sweep_draft_letters)

    # The e-town change log
    register_history_source("监督检查", lambda etown: Inspection.history.filter(etown_id=etown.pk))
    register_history_source("检查计划", lambda etown: InspectionPlan.history.filter(etown_id=etown.pk))
    register_history_source("整改事项", lambda etown: Rectification.history.filter(etown_id=etown.pk))
    register_history_source("督办函", lambda etown: SupervisionLetter.history.filter(etown_id=etown.pk))
    register_history_source("约谈", lambda etown: Interview.history.filter(etown_id=etown.pk))

    # The dossier (档案, 004 annex 2 art. 18)
    hub.register_dossier_source("supervision_inspections_letters", lambda etown: list(_letters_and_inspections_dossier(etown)))
    # Inspection records, the rectification ledger, unaccepted reports' attachments (issue 15)
    hub.register_dossier_source("supervision_records", supervision_dossier_items)

    hub.register_demo_seeder("inspection-rules", _seed_demo_rules, order=20)
    hub.register_demo_seeder("disqualification-rules", _seed_demo_disqualification_rules, order=21)
    register_history_source("终止合同与取消资格", lambda etown: Termination.history.filter(etown_id=etown.pk))
    hub.register_public_panel(Panel("terminations", "合同终止与资格取消", "public/_panel.html", _public_terminations,
                                    order=45))


def _items(county_ids):
    qs = Rectification.objects.all()
    return qs if county_ids is None else qs.filter(etown__county_id__in=county_ids)


def _item_figures(county_ids):
    """{overdue, submitted, government_overdue} items over the counties: one aggregate."""
    overdue = overdue_q(timezone.localdate())
    return _items(county_ids).aggregate(
        overdue=Count("pk", filter=overdue),
        submitted=Count("pk", filter=Q(status=Rectification.Status.SUBMITTED)),
        government_overdue=Count("pk", filter=overdue & Q(government_only=True)),
    )


def _letters_and_inspections_dossier(etown):
    for letter in SupervisionLetter.objects.filter(etown=etown, pdf__isnull=False).select_related("pdf"):
        yield DossierItem("督办函", f"{letter.number} {letter.title}", letter.issued_on, "办公室", letter.pdf.original_name,
                          stored_file=letter.pdf)
    for inspection in Inspection.objects.filter(etown=etown).prefetch_related("files"):
        for f in inspection.files.all():
            yield DossierItem("检查", f"{inspection} · {f.original_name}", inspection.inspected_on, "办公室", f.original_name,
                              stored_file=f)


def _seed_demo_rules(system):
    """The demo counties take their own seed's inspection rule: 临猗 004 annex 4 §4,
    安泽 002 art. 13, 高平 000 §6 (with a funds inspection before every disbursement)."""
    created = False
    for name, preset in (("临猗县", "linyi"), ("安泽县", "anze"), ("高平市", "gaoping")):
        county = County.objects.filter(name=name).first()
        if county is not None and not CountyInspectionRule.objects.filter(county=county).exists():
            inspection_rule_apply_preset(county=county, preset=preset, by=system, reason="演示区县按本县文件设置",
                                         confirmed=True, payment_check=True)
            created = True
    return created


# Checks other apps read through the hub (funds' disbursement gates), so that funds never
# imports supervision's internals. ``func(etown, **ctx) -> (passed, reason)``; ``ctx``
# may carry ``today`` and ``request`` (the disbursement request: its contract scopes the
# rectification check).


def _date(d):
    return f"{d.year}年{d.month}月{d.day}日"


def check_rectification(etown, **ctx):
    """004 annex 2 art. 12(3): 若在日常监管、考核验收、绩效评价等各环节中发现问题，要限时整改，
    整改后仍不合格的，专项资金不予拨付. Blocks while an item is overdue or sent back; for a
    request, only the items of its contract's contractor or of the e-town as a whole
    (issue 11: the other contractor's items do not hold this one's money)."""
    today = ctx.get("today") or timezone.localdate()
    request = ctx.get("request")
    contract = getattr(request, "contract", None) if request is not None else None
    return _rectification_result(list(blocking_items(etown, today, contract=contract)[:50]), today)


def check_rectification_many(requests, today=None, **ctx):
    """The batch form of ``check_rectification`` (issue 16): every request's contract's
    blocking items in one query, judged alike."""
    today = today or timezone.localdate()
    items = blocking_items_by_contract({r.contract_id for r in requests}, today)
    return {r.pk: _rectification_result(items[r.contract_id][:50], today) for r in requests}


def _rectification_result(items, today):
    """(passed, reason) of the rectification check from the first (at most 50) blocking
    items of the request's contract, oldest deadline first."""
    if not items:
        return True, "无逾期或被退回的整改事项"
    overdue = [i for i in items if i.is_overdue(today)]
    sent_back = [i for i in items if i.status == i.Status.SENT_BACK and not i.is_overdue(today)]
    parts = []
    if overdue:
        parts.append(f"{len(overdue)} 项逾期未整改（最早期限 {_date(overdue[0].due_date)}）")
    if sent_back:
        parts.append(f"{len(sent_back)} 项整改核验未通过被退回")
    examples = "；".join(f"“{i.problem[:20]}”" for i in items[:3])
    return False, f"有{'，'.join(parts)}：{examples}。须整改销号后方可拨付（临猗资金办法第十二条（三））。"


def check_funds_inspection(etown, **ctx):
    """000 §6(三): 财政资金拨付前进行检查 — where the county's rule asks for it, a funds
    inspection within the configured window before the disbursement."""
    today = ctx.get("today") or timezone.localdate()
    return _funds_inspection_results([etown], today)[etown.pk]


def check_funds_inspection_many(requests, today=None, **ctx):
    """The batch form of ``check_funds_inspection`` (issue 16): two queries for all."""
    today = today or timezone.localdate()
    results = _funds_inspection_results([r.etown for r in requests], today)
    return {r.pk: results[r.etown_id] for r in requests}


def _funds_inspection_results(etowns, today):
    """{e-town id: (passed, reason)}: each county's rule (000 §6(三)) and the latest funds
    inspection within its window, two queries whatever the number of e-towns."""
    rules = rules_for_counties({e.county_id for e in etowns})
    rule_of = {e.pk: rules.get(e.county_id) or default_rule(county_id=e.county_id) for e in etowns}
    since = {pk: today - datetime.timedelta(days=rule.funds_window_days)
             for pk, rule in rule_of.items() if rule.funds_before_disbursement}
    found = latest_funds_inspections(since, today)
    results = {}
    for pk, rule in rule_of.items():
        if not rule.funds_before_disbursement:
            results[pk] = True, "本县未要求拨付前资金检查"
        elif pk in found:
            results[pk] = True, f"已于{_date(found[pk].inspected_on)}开展资金使用情况检查（{rule.funds_window_days}天内有效）"
        else:
            results[pk] = False, (
                f"本县要求拨付前开展资金使用情况检查：{_date(since[pk])}以来未检查，"
                f"请先记录一次资金使用情况检查（高平方案第六条（三））。"
            )
    return results


# Contexts of the panels this part adds to the e-town page and the dashboard -----------------


def inspections_panel(request, etown):
    """Plan status per category and the latest inspections (4 queries)."""
    today = timezone.localdate()
    return {
        "rows": due_rows([etown], today),
        "recent": Inspection.objects.filter(etown=etown).select_related("agency").order_by("-inspected_on", "-pk")[:5],
        "can_record": can_record_inspection(request.user, etown),
        "today": today,
    }


def rectification_panel(request, etown):
    """Counts, the items that block payments, the escalation ladder with who escalated
    when, and the latest letters (a fixed number of queries)."""
    today = timezone.localdate()
    user = request.user
    ladder = (
        Rectification.objects.filter(etown=etown, escalation_level__gte=EscalationLevel.FIRST)
        .prefetch_related(Prefetch(
            "escalations", queryset=RectificationEscalation.objects.select_related("letter", "escalated_by").order_by("level")
        ))
        .order_by("-escalation_level", "due_date")
    )
    letters = SupervisionLetter.objects.filter(etown=etown).exclude(status=SupervisionLetter.Status.CANCELLED)
    government = in_scope(user, etown.county_id)
    rungs = EscalationLevel.choices[1:]
    if not government:
        letters = letters.filter(status=SupervisionLetter.Status.ISSUED).exclude(kind=SupervisionLetter.Kind.TERMINATION)
        # The proposal to terminate is an internal 请示 (issue 14): not its rung, its
        # letter, nor the column, as on the item page.
        ladder = ladder.prefetch_related(None).prefetch_related(Prefetch(
            "escalations", queryset=RectificationEscalation.objects.select_related("letter", "escalated_by")
            .filter(level__lt=EscalationLevel.TERMINATION).order_by("level")
        ))
        rungs = [(level, label) for level, label in rungs if level < EscalationLevel.TERMINATION]
    # A contractor sees its own contract's items and letters (issue 11).
    ladder = list(with_overdue(scope_items(ladder, user), today)[:20])
    if not government:
        hide_termination(ladder, user)
    return {
        "summary": status_summary(etown, today, user=user),
        "blocking": with_overdue(scope_items(blocking_items(etown, today), user), today)[:10],
        "ladder": ladder,
        "rungs": rungs,
        "letters": scope_letters(letters, user).select_related("pdf").order_by("-drafted_at")[:5],
        "can_manage": can_supervise(user, etown),
        "today": today,
    }


def dashboard_card(request, _none):
    """The user's overview: overdue items, items awaiting verification, drafts to review,
    letters to acknowledge, overdue planned inspections, repeatedly overdue contractors."""
    user = request.user
    today = timezone.localdate()
    etowns = visible_etowns(user)
    items = scope_items(Rectification.objects.filter(etown__in=etowns), user)
    province_wide, county_ids = county_scope(user)
    government = has_scope(user)
    submitted_q = Q(status=Rectification.Status.SUBMITTED)
    if province_wide:
        # The whole country: the same overdue figure for every national user (issue 16).
        overdue = national_cached(f"rectification_overdue:{today}", lambda: items.filter(overdue_q(today)).count())
        submitted = items.filter(submitted_q).count() if government else None
    else:  # both figures in one scan of the scope's items
        figures = items.aggregate(overdue=Count("pk", filter=overdue_q(today)), submitted=Count("pk", filter=submitted_q))
        overdue, submitted = figures["overdue"], figures["submitted"] if government else None
    context = {
        "overdue": overdue,
        "submitted": submitted,
        "government": government,
        "is_contractor": has_role(user, Role.CONTRACTOR),
    }
    letters = scope_letters(SupervisionLetter.objects.filter(etown__in=etowns), user)
    if government:
        context["drafts"] = letters.filter(status=SupervisionLetter.Status.DRAFT).count()
        if province_wide:  # the whole country: every national user reads the same figures (issue 16)
            context["repeat"] = national_cached(
                f"repeat:{today}", lambda: repeatedly_overdue_contractors(None, today, limit=5))
            context["inspections_overdue"] = national_cached(
                f"inspections_overdue:{today}",
                lambda: due_counts(etowns.filter(phase__in=ACTIVE_PHASES), today)["overdue"])
        else:
            context["repeat"] = repeatedly_overdue_contractors(county_ids, today, limit=5)
            context["inspections_overdue"] = due_counts(etowns.filter(phase__in=ACTIVE_PHASES), today)["overdue"]
    if context["is_contractor"]:
        context["unacknowledged"] = letters.filter(
            status=SupervisionLetter.Status.ISSUED, acknowledged_at__isnull=True
        ).exclude(kind=SupervisionLetter.Kind.TERMINATION).count()
    if not (context["overdue"] or government or context["is_contractor"]):
        return None
    return context


# Monthly reports ---------------------------------------------------------------------------


def _register_reports():
    hub.register_nav(NavItem("月报审核", "report_queue", order=30, visible=lambda u: bool(can_see_review_queue(u))))
    hub.register_nav(NavItem("月度报告", "report_mine", order=31, visible=is_contractor))
    hub.register_panel(Panel("indicator_tracking", "指标跟踪", "supervision/reports/_panel_tracking.html", _tracking_context, order=20))
    hub.register_panel(Panel("monthly_reports", "月度报告", "supervision/reports/_panel_reports.html", _reports_context, order=21))
    hub.register_dashboard_card(Panel("monthly_reports", "月度报告", "supervision/reports/_dashboard_card.html", _dashboard_context, order=20))
    # The regional dashboard's columns (issue 16).
    hub.register_breakdown(Breakdown("late_reports", "逾期未报月报", regional.late_reports_by, order=20, tone="danger"))
    hub.register_breakdown(Breakdown("overdue_items", "逾期整改事项", regional.overdue_items_by, order=21, tone="danger"))
    # Issue 15: overdue inspections per e-town and county, and in total (due states in SQL).
    hub.register_breakdown(Breakdown("overdue_inspections", "逾期未检查", regional.overdue_inspections_by, order=22,
                                     tone="danger"))
    hub.register_metric(Metric("inspections_overdue", "逾期未开展的计划检查", regional.count_overdue_inspections,
                               group="监督检查", order=30, url_name="inspection_due_list", tone="danger"))
    hub.register_metric(Metric("reports_waiting", "待审核月报", count_waiting, group="月度报告", order=20, url_name="report_queue"))
    hub.register_metric(Metric("reports_overdue", "逾期未报月报", count_overdue, group="月度报告", order=21, url_name="report_queue",
                               tone="danger"))
    hub.register_dossier_source("monthly_reports", _reports_dossier)
    register_history_source(
        "月度报告", lambda etown: MonthlyReport.history.filter(etown_id=etown.pk),
        describe=lambda row: f"{row.period.year}年{row.period.month}月月报", shared=True,
        scope=scope_reports,  # issue 11: a contractor reads its own contract's reports' history only
    )
    register_sweep("monthly_reports", sweep_monthly_reports)
    hub.register_demo_seeder("monthly-reports", lambda system: seed_reports(), order=30)
    hub.register_demo_seeder("supervision-demo", seed_supervision, order=32)  # issue 15: the living demo


def _tracking_context(request, etown):
    indicators = list(etown.indicators.all())
    if not indicators:
        return None
    return {
        "tracks": [track_indicator(i, etown) for i in indicators],
        "chart": indicator_chart_data(etown, indicators, request.user),  # per contract (issue 11)
    }


def _reports_context(request, etown):
    today = timezone.localdate()
    # A contractor sees its own contract's reports (issue 11).
    own = scope_reports(MonthlyReport.objects.filter(etown=etown), request.user)
    reports = list(own.annotate(late=late_expression(today)).order_by("-period")[:12])
    can_file = can_file_reports(request.user, etown)
    missing = []
    if can_file:
        taken = set(own.values_list("period", flat=True))
        missing = [m for m in reversed(open_months(etown, today)) if m not in taken][:6]
    return {"reports": reports, "can_file": can_file, "missing_months": missing}


def _dashboard_context(request, _):
    user = request.user
    if can_see_review_queue(user):
        return {"mode": "office", "counts": queue_counts(user)}
    if is_contractor(user):
        rows = [r for r in contractor_months(user) if r.report is None or r.report.status != "accepted"]
        rows.sort(key=lambda r: r.due)
        return {"mode": "contractor", "rows": rows[:6]}
    return None


def _reports_dossier(etown):
    items = []
    reports = MonthlyReport.objects.filter(etown=etown, status=MonthlyReport.Status.ACCEPTED).prefetch_related(
        "attachments"
    ).order_by("period")
    for report in reports:
        items.append(DossierItem(
            category="月报", title=f"{report.period_label}月度报告", date=report.reviewed_at and timezone.localdate(report.reviewed_at),
            source="承办企业", filename=f"{etown.name}_{report.period:%Y-%m}_月度报告.xlsx",
            content=lambda report=report: single_report_workbook(report),
        ))
        for f in report.attachments.all():
            items.append(DossierItem(
                category="月报", title=f"{report.period_label}月报附件：{f.original_name}",
                date=timezone.localdate(f.uploaded_at), source="承办企业", filename=f.original_name, stored_file=f,
            ))
    return items


# Issue 12: 取消承办资格 rules and the public facts of a terminated contract ----------------

DEMO_DISQUALIFICATION_RULES = {
    # “多次存在问题且未及时整改的，视情况取消承办资格”: 多次 taken as two items still unrectified
    # after the second written order.
    "临猗县": "临猗日常监督管理制度（004 附件4）第一条（四）",
    "高平市": "高平日常监管方案（000）第一条（三）",
    # 安泽 (002) has no such clause: no rule, nothing flagged.
}


def _seed_demo_disqualification_rules(system):
    created = False
    for name, clause in DEMO_DISQUALIFICATION_RULES.items():
        county = County.objects.filter(name=name).first()
        if county is not None and not DisqualificationRule.objects.filter(county=county).exists():
            save_with_history(DisqualificationRule(county=county, min_items=2, clause=clause), by=system,
                              reason=f"按本县文件设置取消承办资格规则：{clause}")
            created = True
    return created


def _public_terminations(request, etown):
    """Published facts: a contract ended by the county government's decision (issue 12).
    The 请示 and the proceedings stay internal; the decision, its date and number are
    public, as the 专栏 publishes the project's progress (004 附件2 第4条)."""
    rows = [
        (f"{t.get_kind_display()}：{t.contract.title}",
         f"{t.decided_on:%Y年%-m月%-d日} 县人民政府决定（{t.decision_number}），合同已终止，暂停拨付")
        for t in Termination.objects.filter(etown=etown, status=Termination.Status.TERMINATED)
        .select_related("contract").order_by("decided_on", "pk")
    ]
    if not rows:
        return None
    return {"rows": rows, "note": "项目建设合同终止后，专项资金停止拨付，已拨付资金依规追回。"}
