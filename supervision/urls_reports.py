from django.urls import path

from . import views_reports as views

urlpatterns = [
    path("reports/", views.report_queue, name="report_queue"),
    path("reports/mine/", views.report_mine, name="report_mine"),
    path("reports/export/", views.report_export, name="report_export"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("etowns/<int:pk>/reports/new/", views.report_create, name="report_create"),
]
