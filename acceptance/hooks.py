"""How the acceptance app plugs into etown's pages and machinery (imported by
AcceptanceConfig.ready): navigation, the e-town page panel, the dashboard card and
figures, the public panel, the funds checks, dossier sources, the change log and the
deadline sweep."""
from django.utils import timezone

from etown.history import register_history_source
from etown.hub import Breakdown, Check, Metric, NavItem, Panel, hub
from etown.notifications import register_sweep
from etown.services.jobs import register_expirer
from etown.permissions import has_role
from etown.signals import notice_objected

from .demo import seed_stage_acceptance
from .demo_more import seed_acceptance_more
from .models import AcceptanceApplication, AcceptanceReview, Evaluation
from .permissions import can_apply_acceptance, can_export_dossier, can_record_evaluation
from .selectors.figures import application_figures
from .selectors import applications as application_selectors
from .selectors import evaluations as evaluation_selectors
from .selectors import regional as evaluation_regional
from .selectors.dossier import acceptance_documents, registry_documents
from .services.applications import acceptance_deadline_sweep
from .services.conclusions import acceptance_record_objection, acceptance_result_sweep
from .services.dossier import dossier_expire


def _etown_panel(request, etown):
    user = request.user
    today = timezone.localdate()
    applications = list(
        AcceptanceApplication.objects.filter(etown=etown).select_related("contract").order_by("-received_on", "-pk")[:5]
    )
    for a in applications:
        a.overdue = a.is_overdue(today)
    evaluation_passed, evaluation_reason = evaluation_selectors.evaluation_gate(etown)
    acceptance_passed, acceptance_reason = application_selectors.acceptance_gate(etown)
    return {
        "evaluations": list(Evaluation.objects.filter(etown=etown).order_by("-evaluated_on", "-pk")[:5]),
        "applications": applications,
        "gates": [
            ("中期绩效评价结果", evaluation_passed, evaluation_reason),
            ("验收结论", acceptance_passed, acceptance_reason),
        ],
        "can_record_evaluation": can_record_evaluation(user, etown),
        "can_apply": can_apply_acceptance(user, etown),
        "can_export": can_export_dossier(user, etown),
    }


def _dashboard_card(request, _):
    from etown.models import Role

    user = request.user
    if has_role(user, Role.OFFICE, Role.AGENCY):
        rows = application_selectors.due_soon_for_office(user)
        title = "待作出验收结论的申请"
    elif has_role(user, Role.CONTRACTOR):
        rows = list(
            application_selectors.applications_for(user)
            .filter(status__in=AcceptanceApplication.OPEN_STATUSES)
            .order_by("due_on")[:5]
        )
        title = "我的验收申请"
    else:
        return None
    if not rows:
        return None
    today = timezone.localdate()
    for a in rows:
        a.overdue = a.is_overdue(today)
    return {"rows": rows, "title": title}


def _public_panel(request, etown):
    notices = application_selectors.published_results(etown)
    return {"notices": notices} if notices else None


def on_notice_objected(sender, notice, text, by=None, submission=None, **kwargs):
    """An objection to an acceptance result notice (its source is the passed review):
    the acceptance stops counting and the payments resting on it are held until the
    office records how it was resolved (004 附件2 第十二条3)."""
    if notice.source_type != "acceptance.acceptancereview" or notice.source_id is None:
        return
    review = AcceptanceReview.objects.select_related("application").filter(pk=notice.source_id).first()
    if review is None or review.application.result_notice_id != notice.pk:
        return  # a failed end's notice: nothing rests on it
    acceptance_record_objection(application=review.application, text=text, by=by, submission=submission,
                                notice=notice)


def per_etown(gates):
    """The batch form (issue 16) of a disbursement check that judges the e-town, not the
    request: ``gates(etown ids)`` answers for all e-towns at once, each request gets its
    e-town's answer."""

    def batch(requests, **context):
        results = gates({r.etown_id for r in requests})
        return {r.pk: results[r.etown_id] for r in requests}

    return batch


def register():
    notice_objected.connect(on_notice_objected, dispatch_uid="acceptance.notice_objected")
    hub.register_nav(NavItem("评价验收", "acceptance:application_list", order=60))
    hub.register_panel(
        Panel("acceptance", "中期绩效评价与验收", "acceptance/panels/etown_panel.html", _etown_panel, order=60)
    )
    hub.register_dashboard_card(
        Panel("acceptance", "验收申请", "acceptance/panels/dashboard_card.html", _dashboard_card, order=60)
    )
    # A plain panel, no open-data figures: the county's JSON export calls data(etown) once
    # per e-town, which would cost a query per e-town (the public column keeps it fixed).
    hub.register_public_panel(
        Panel("acceptance", "绩效评价与验收结果", "acceptance/panels/public_panel.html", _public_panel, order=60)
    )
    hub.register_check(
        Check(group="disbursement", key="evaluation", label="中期绩效评价结果",
              func=evaluation_selectors.evaluation_gate, order=60, overridable=False,  # 002 第十八条: absolute
              batch=per_etown(evaluation_selectors.evaluation_gates),
              # the 基本合格 evaluation's own items hold it until closed
              watches=("acceptance.Evaluation", "supervision.Rectification"))
    )
    hub.register_check(
        Check(group="disbursement", key="acceptance", label="验收结论",
              func=application_selectors.acceptance_gate, order=61, overridable=False,  # 004 附件2 第十二条3
              batch=per_etown(application_selectors.acceptance_gates), watches=("acceptance.AcceptanceApplication",))
    )
    # The check that money follows a counted acceptance (payment_basis_gate) is registered
    # by funds.hooks, which knows each county's chain policy.
    for metric in (
        # Five figures of one table, one query (issue 16).
        Metric("acceptance_leader", "待领导小组审批的验收结论", source=application_figures, field="awaiting_leader",
               group="评价验收", order=64, url_name="acceptance:application_list", tone="warning"),
        Metric("acceptance_filing", "验收待报备", source=application_figures, field="awaiting_filing", group="评价验收",
               order=65, url_name="acceptance:application_list", tone="warning"),
        Metric("acceptance_pending", "待验收申请", source=application_figures, field="pending", group="评价验收", order=60,
               url_name="acceptance:application_list"),
        Metric("acceptance_overdue", "超期未验收", source=application_figures, field="overdue", group="评价验收", order=61,
               url_name="acceptance:application_list", tone="danger"),
        Metric("acceptance_rectifying", "验收整改中", source=application_figures, field="rectifying", group="评价验收",
               order=62, url_name="acceptance:application_list", tone="warning"),
        Metric("evaluation_results", "中期绩效评价结果", evaluation_selectors.evaluation_results, group="评价验收", order=63,
               url_name="acceptance:evaluation_list"),
    ):
        hub.register_metric(metric)
    hub.register_breakdown(Breakdown("evaluation_results", "中期绩效评价", evaluation_regional.evaluation_results_by,
                                     order=30, kind="text"))
    hub.register_dossier_source("acceptance", acceptance_documents)
    hub.register_dossier_source("registry", registry_documents)
    register_history_source("中期绩效评价", lambda etown: Evaluation.history.filter(etown_id=etown.pk))
    register_history_source("验收申请", lambda etown: AcceptanceApplication.history.filter(etown_id=etown.pk), shared=True,
                            scope=application_selectors.scope_to_own_contracts)  # issue 11: per contract
    register_history_source("验收评审", lambda etown: AcceptanceReview.history.filter(etown_id=etown.pk))
    register_sweep("acceptance_deadline", acceptance_deadline_sweep)
    register_sweep("acceptance_result_notice", acceptance_result_sweep)
    register_expirer("acceptance_dossier", dossier_expire)  # dossier ZIPs past keep_days (issue 13)
    # Before funds' seeder (order 40): its progress payment rests on this stage acceptance.
    hub.register_demo_seeder("acceptance", seed_stage_acceptance, order=35)
    hub.register_demo_seeder("acceptance-more", seed_acceptance_more, order=36)  # issue 15: the living demo
