"""Registrations of inspections, rectification and letters (nav, panels, sweeps, checks).

Imported by SupervisionConfig.ready(). Importing tasks_letters here registers the PDF
task with a Celery worker (autodiscovery only looks for supervision.tasks)."""
from django.utils import timezone

from etown.history import register_history_source
from etown.hub import Check, DossierItem, Metric, NavItem, Panel, hub
from etown.notifications import register_sweep

from . import tasks_letters  # noqa: F401
from .checks_rectification import check_funds_inspection, check_rectification
from .models import Inspection, InspectionPlan, Interview, Rectification, SupervisionLetter, overdue_q
from .panels_inspections import dashboard_card, inspections_panel, rectification_panel
from .reminders_inspections import sweep_draft_letters, sweep_inspections_due, sweep_rectification_deadlines
from .selectors_rectification import repeatedly_overdue_contractors
from .views_inspections import can_see_inspections

# Navigation ---------------------------------------------------------------------------
hub.register_nav(NavItem("监督检查", "inspection_due_list", order=30, visible=can_see_inspections))
hub.register_nav(NavItem("整改台账", "rectification_list", order=32))
hub.register_nav(NavItem("督办函", "letter_list", order=34))

# The e-town page and the dashboard ------------------------------------------------------
hub.register_panel(Panel("inspections", "监督检查", "supervision/inspections/_panel.html", inspections_panel, order=40))
hub.register_panel(Panel("rectification", "整改与督办", "supervision/rectification/_panel.html", rectification_panel, order=41))
hub.register_dashboard_card(Panel("rectification", "整改督办", "supervision/rectification/_dashboard_card.html", dashboard_card, order=40))


def _items(county_ids):
    qs = Rectification.objects.all()
    return qs if county_ids is None else qs.filter(etown__county_id__in=county_ids)


hub.register_metric(Metric(
    "rectification_overdue", "逾期整改事项", lambda ids: _items(ids).filter(overdue_q(timezone.localdate())).count(),
    group="整改督办", order=40, url_name="rectification_list", tone="danger",
))
hub.register_metric(Metric(
    "rectification_submitted", "待核验整改事项",
    lambda ids: _items(ids).filter(status=Rectification.Status.SUBMITTED).count(),
    group="整改督办", order=41, url_name="rectification_list", tone="warning",
))
hub.register_metric(Metric(
    "repeat_overdue_contractors", "多次逾期未整改的承办企业",
    lambda ids: {f"{name}（{etown}）": n for name, etown, _, n in repeatedly_overdue_contractors(ids, timezone.localdate())},
    group="整改督办", order=42, url_name="rectification_list", tone="danger",
))

# Disbursement gates read by funds (004 annex 2 art. 12(3); 000 §6(三)) -------------------------
hub.register_check(Check(group="disbursement", key="rectification", label="无逾期或被退回的整改事项",
                         func=check_rectification, order=30))
hub.register_check(Check(group="disbursement", key="funds_inspection", label="拨付前资金检查",
                         func=check_funds_inspection, order=31))

# Reminders and the daily drafting of letters ----------------------------------------------
register_sweep("inspections_due", sweep_inspections_due)
register_sweep("rectification_deadlines", sweep_rectification_deadlines)
register_sweep("supervision_letters_draft", sweep_draft_letters)

# The e-town change log -------------------------------------------------------------------
register_history_source("监督检查", lambda etown: Inspection.history.filter(etown_id=etown.pk))
register_history_source("检查计划", lambda etown: InspectionPlan.history.filter(etown_id=etown.pk))
register_history_source("整改事项", lambda etown: Rectification.history.filter(etown_id=etown.pk))
register_history_source("督办函", lambda etown: SupervisionLetter.history.filter(etown_id=etown.pk))
register_history_source("约谈", lambda etown: Interview.history.filter(etown_id=etown.pk))


# The dossier (档案, 004 annex 2 art. 18) -----------------------------------------------------
def _dossier(etown):
    for letter in SupervisionLetter.objects.filter(etown=etown, pdf__isnull=False).select_related("pdf"):
        yield DossierItem("督办函", f"{letter.number} {letter.title}", letter.issued_on, "办公室", letter.pdf.original_name,
                          stored_file=letter.pdf)
    for inspection in Inspection.objects.filter(etown=etown).prefetch_related("files"):
        for f in inspection.files.all():
            yield DossierItem("检查", f"{inspection} · {f.original_name}", inspection.inspected_on, "办公室", f.original_name,
                              stored_file=f)


hub.register_dossier_source("supervision_inspections_letters", lambda etown: list(_dossier(etown)))


def _seed_demo_rules(system):
    """The demo counties take their own seed's inspection rule: 临猗 004 annex 4 §4,
    安泽 002 art. 13, 高平 000 §6 (with a funds inspection before every disbursement)."""
    from etown.models import County

    from .models import CountyInspectionRule
    from .services_inspections import inspection_rule_apply_preset

    created = False
    for name, preset in (("临猗县", "linyi"), ("安泽县", "anze"), ("高平市", "gaoping")):
        county = County.objects.filter(name=name).first()
        if county is not None and not CountyInspectionRule.objects.filter(county=county).exists():
            inspection_rule_apply_preset(county=county, preset=preset, by=system)
            created = True
    return created


hub.register_demo_seeder("inspection-rules", _seed_demo_rules, order=20)
