"""Monthly reports, inspections, rectification and letters, under /supervision/."""
from django.urls import path

from .views import inspections, letters, rectification, reports, termination

urlpatterns = [
    # Monthly reports
    path("reports/", reports.report_queue, name="report_queue"),
    path("reports/mine/", reports.report_mine, name="report_mine"),
    path("reports/export/", reports.report_export, name="report_export"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/pdf/", reports.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/withdraw/", reports.report_withdraw, name="report_withdraw"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", reports.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", reports.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", reports.report_return, name="report_return"),
    path("etowns/<int:pk>/reports/new/", reports.report_create, name="report_create"),
    # Inspections
    path("inspections/", inspections.inspection_due_list, name="inspection_due_list"),
    path("inspections/rules/<int:county_pk>/", inspections.inspection_rule_edit, name="inspection_rule_edit"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/pdf/", inspections.inspection_pdf, name="inspection_pdf"),
    path("inspections/<int:pk>/findings/", inspections.inspection_add_finding, name="inspection_add_finding"),
    path("inspections/<int:pk>/files/", inspections.inspection_attach, name="inspection_attach"),
    path("findings/<int:pk>/rectify/", inspections.finding_rectify, name="finding_rectify"),
    path("etowns/<int:pk>/inspections/", inspections.etown_inspections, name="etown_inspections"),
    path("etowns/<int:pk>/inspections/plan/", inspections.inspection_plan_edit, name="inspection_plan_edit"),
    path("etowns/<int:pk>/inspections/new/", inspections.inspection_create, name="inspection_create"),
    # Rectification
    path("rectifications/", rectification.rectification_list, name="rectification_list"),
    path("rectifications/import/", rectification.rectification_import_any, name="rectification_import_any"),
    path("rectifications/template.xlsx", rectification.rectification_template, name="rectification_template"),
    path("rectifications/<int:pk>/", rectification.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/edit/", rectification.rectification_edit, name="rectification_edit"),
    path("rectifications/<int:pk>/start/", rectification.rectification_start, name="rectification_start"),
    path("rectifications/<int:pk>/submit/", rectification.rectification_submit, name="rectification_submit"),
    path("rectifications/<int:pk>/close/", rectification.rectification_close, name="rectification_close"),
    path("rectifications/<int:pk>/send-back/", rectification.rectification_send_back, name="rectification_send_back"),
    path("etowns/<int:pk>/rectifications/", rectification.etown_rectifications, name="etown_rectifications"),
    path("etowns/<int:pk>/rectifications/new/", rectification.rectification_create, name="rectification_create"),
    path("etowns/<int:pk>/rectifications/import/", rectification.rectification_import, name="rectification_import"),
    # Letters and interviews
    path("letters/", letters.letter_list, name="letter_list"),
    path("letters/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/edit/", letters.letter_edit, name="letter_edit"),
    path("letters/<int:pk>/preview.pdf", letters.letter_preview, name="letter_preview"),
    path("letters/<int:pk>/pdf/", letters.letter_pdf, name="letter_pdf"),
    path("letters/<int:pk>/render/", letters.letter_render, name="letter_render"),
    path("letters/<int:pk>/issue/", letters.letter_issue, name="letter_issue"),
    path("letters/<int:pk>/cancel/", letters.letter_cancel, name="letter_cancel"),
    path("letters/<int:pk>/correct/", letters.letter_correct, name="letter_correct"),
    path("letters/<int:pk>/acknowledge/", letters.letter_acknowledge, name="letter_acknowledge"),
    path("letters/<int:pk>/items/<int:item_pk>/answer/", letters.letter_answer, name="letter_answer"),
    path("etowns/<int:pk>/letters/", letters.etown_letters, name="etown_letters"),
    path("etowns/<int:pk>/letters/new/", letters.letter_create, name="letter_create"),
    path("etowns/<int:pk>/interviews/new/", letters.interview_create, name="interview_create"),
    # Termination and 取消承办资格 (issue 12)
    path("terminations/<int:pk>/", termination.termination_detail, name="termination_detail"),
    path("terminations/<int:pk>/leader/", termination.termination_leader, name="termination_leader"),
    path("terminations/<int:pk>/send/", termination.termination_send, name="termination_send"),
    path("terminations/<int:pk>/decide/", termination.termination_decide, name="termination_decide"),
    path("etowns/<int:pk>/disqualification/", termination.disqualification_create, name="disqualification_create"),
]
