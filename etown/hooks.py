"""How etown plugs its own pages into the hub (called by EtownConfig.ready): the
navigation entries and the public column's part of the demo county."""
from django.utils import timezone

from .exports.notices import dossier_items as notices_dossier_items
from .history import register_history_source
from .hub import Metric, NavItem, Panel, hub
from .models import COUNTY_WIDE_ROLES, AuditEvent, PlanFiling, Role
from .notifications import register_sweep
from .permissions import can_edit_etown, can_view_regional_dashboard, has_role
from .selectors import filing as filing_selectors


def _is_office(user):
    return has_role(user, Role.OFFICE)


def _is_government(user):
    """County-wide roles: office, department reviewers, leading group, auditors."""
    return has_role(user, *COUNTY_WIDE_ROLES)


def _is_auditor(user):
    return has_role(user, Role.AUDITOR)


def _handles_submissions(user):
    """Office staff and auditors handle the windows; the leading group and reviewers
    may read opinions but have no inbox entry in the menu."""
    return has_role(user, Role.OFFICE, Role.AUDITOR)


def _prune_audit(today, calendar):
    return AuditEvent.objects.prune()


def _seed_public(system):
    from .demo.public import seed_public

    return seed_public()


def _seed_everything(system):
    from .demo.everything import seed_everything

    return seed_everything(system)


def _plan_filing_panel(request, etown):
    """The notice and filing of each of the two documents (004 附件2 第四条: the
    implementation plan and the fund rules, issue 12); the missing step of each."""
    today = timezone.localdate()
    office = bool(can_edit_etown(request.user, etown))
    rows = []
    for kind, filing in filing_selectors.filings_of(etown).items():
        notice_live = filing is not None and filing.notice is not None and not filing.notice.withdrawn_at
        filed = filing is not None and filing.is_filed
        rows.append({
            "kind": kind, "label": PlanFiling.Kind(kind).label, "filing": filing,
            "missing": filing_selectors.missing_step(filing, today, kind),
            "can_notice": office and not filed and not notice_live,
            "can_file": office and not filed and notice_live and today > filing.notice.end_date,
        })
    return {"rows": rows, "missing": [r["missing"] for r in rows if r["missing"]]}


def register():
    hub.register_panel(Panel("plan_filing", "实施方案及资金管理办法公示与备案", "etown/panels/plan_filing.html",
                             _plan_filing_panel, order=5))
    register_history_source("实施方案备案", lambda etown: PlanFiling.history.filter(etown_id=etown.pk))
    hub.register_metric(Metric("plan_unfiled", "实施中未备案方案的项目", filing_selectors.count_unfiled, group="概况",
                               order=5, url_name="county_dashboard", tone="danger"))
    hub.register_demo_seeder("public", _seed_public, order=90)
    hub.register_demo_seeder("public-windows", _seed_everything, order=91)  # issue 15: the living demo
    # The dossier's 公示 (issue 15): etown's own documents, through the hub like the apps'.
    hub.register_dossier_source("notices", notices_dossier_items)

    hub.register_nav(NavItem("工作台", "dashboard", order=0))
    hub.register_nav(NavItem("e镇项目", "etown_list", order=10))
    hub.register_nav(NavItem("县级看板", "county_dashboard", order=5, visible=_is_government))
    hub.register_nav(NavItem("区域看板", "regional_dashboard", order=4, visible=can_view_regional_dashboard))
    hub.register_nav(NavItem("公开专栏", "column_manage", order=80, visible=_is_office))
    hub.register_nav(NavItem("意见与举报", "submission_list", order=82, visible=_handles_submissions))
    hub.register_nav(NavItem("变更追溯", "change_trail", order=90, visible=_is_auditor))
    # The security log's retention (issue 14): the daily sweep removes rows older than
    # AUDIT_RETENTION_DAYS (never younger than six months).
    register_sweep("audit_prune", _prune_audit)
