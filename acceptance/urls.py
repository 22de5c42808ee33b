from django.urls import path

from .views import applications, conclusions, dossier, evaluations

app_name = "acceptance"

urlpatterns = [
    path("", applications.application_list, name="application_list"),
    path("etowns/<int:pk>/apply/", applications.application_create, name="application_create"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/review/", applications.review_create, name="review_create"),
    path("applications/<int:pk>/filing/", applications.application_filing, name="application_filing"),
    path("applications/<int:pk>/leader/", conclusions.conclusion_leader_approve, name="conclusion_leader"),
    path("applications/<int:pk>/leader/return/", conclusions.conclusion_leader_return, name="conclusion_leader_return"),
    path("applications/<int:pk>/exceptions/<int:item_pk>/", conclusions.conclusion_exception,
         name="conclusion_exception"),
    path("applications/<int:pk>/resubmit/", conclusions.conclusion_resubmit, name="conclusion_resubmit"),
    path("applications/<int:pk>/government/", conclusions.conclusion_government, name="conclusion_government"),
    path("applications/<int:pk>/government/refuse/", conclusions.conclusion_government_refuse,
         name="conclusion_government_refuse"),
    path("applications/<int:pk>/confirm/", conclusions.conclusion_confirm, name="conclusion_confirm"),
    path("applications/<int:pk>/objections/", conclusions.conclusion_objection, name="conclusion_objection"),
    path("applications/<int:pk>/objections/<int:objection_pk>/resolve/", conclusions.objection_resolve,
         name="objection_resolve"),
    path("applications/<int:pk>/audit-report/", conclusions.audit_report, name="audit_report"),
    path("evaluations/", evaluations.evaluation_list, name="evaluation_list"),
    path("etowns/<int:pk>/evaluations/new/", evaluations.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/", evaluations.evaluation_edit, name="evaluation_edit"),
    path("evaluations/<int:pk>/items/new/", evaluations.evaluation_item_add, name="evaluation_item_add"),
    path("evaluations/<int:pk>/items/import/", evaluations.evaluation_import, name="evaluation_import"),
    path("evaluations/<int:pk>/decision/", evaluations.evaluation_decision, name="evaluation_decision"),
    path("evaluations/<int:pk>/publish/", evaluations.evaluation_publish, name="evaluation_publish"),
    path("evaluations/<int:pk>/confirm-replacement/", evaluations.evaluation_confirm_replacement,
         name="evaluation_confirm_replacement"),
    path("etowns/<int:pk>/dossier/", dossier.dossier_page, name="dossier_page"),
    path("dossiers/<int:pk>/download/", dossier.dossier_download, name="dossier_download"),
]
