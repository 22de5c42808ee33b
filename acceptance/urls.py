from django.urls import path

from .views import applications, dossier, evaluations

app_name = "acceptance"

urlpatterns = [
    path("", applications.application_list, name="application_list"),
    path("etowns/<int:pk>/apply/", applications.application_create, name="application_create"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path("applications/<int:pk>/review/", applications.review_create, name="review_create"),
    path("applications/<int:pk>/filing/", applications.application_filing, name="application_filing"),
    path("evaluations/", evaluations.evaluation_list, name="evaluation_list"),
    path("etowns/<int:pk>/evaluations/new/", evaluations.evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<int:pk>/edit/", evaluations.evaluation_edit, name="evaluation_edit"),
    path("evaluations/<int:pk>/items/new/", evaluations.evaluation_item_add, name="evaluation_item_add"),
    path("evaluations/<int:pk>/items/import/", evaluations.evaluation_import, name="evaluation_import"),
    path("evaluations/<int:pk>/decision/", evaluations.evaluation_decision, name="evaluation_decision"),
    path("evaluations/<int:pk>/publish/", evaluations.evaluation_publish, name="evaluation_publish"),
    path("etowns/<int:pk>/dossier/", dossier.dossier_page, name="dossier_page"),
    path("dossiers/<int:pk>/download/", dossier.dossier_download, name="dossier_download"),
]
